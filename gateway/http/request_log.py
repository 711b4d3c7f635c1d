"""What happened to each request, and one log line per failed one (every one with ``GATEWAY_ACCESS_LOG``).

``RequestLog`` is the outermost ASGI middleware: it opens a ``RequestRecord`` for each HTTP request, readable
anywhere below through ``current_record()`` (the same object in every task the request starts), and logs it when
the response ends. Whoever answers with an error notes it on the record (``note_error``); the extraction notes
each upstream call.
"""

import logging
import time
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import GatewayError

logger = logging.getLogger("gateway.requests")

# How a request whose client left before the answer was complete is logged (status: nginx's convention).
CLIENT_DISCONNECTED = "client_disconnected"
CLIENT_CLOSED = 499


class RequestRecord:
    """One HTTP request as the log line shows it. (A slotted class: one is made per request, under load.)"""

    __slots__ = (
        "method", "path", "started", "status", "schema", "error_type", "message", "upstream_status", "attempts",
        "exc_info", "finished", "_send",
    )  # fmt: skip

    def __init__(self, method: str, path: str, send: Send) -> None:
        self.method, self.path, self._send = method, path, send
        self.started = time.perf_counter()
        self.status: int | None = None
        self.schema: str | None = None
        self.error_type: str | None = None
        self.message: str | None = None
        self.upstream_status: int | None = None
        self.attempts = 0
        self.exc_info: BaseException | None = None
        self.finished = False

    async def send(self, message: Message) -> None:
        """The request's ``send``, noting the status and whether the answer was sent whole."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self.finished = True
        await self._send(message)

    def fields(self) -> dict[str, Any]:
        """The line's fields, without the empty ones."""
        values: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "schema": self.schema or schema_of_path(self.path),
            "error_type": self.error_type,
            "upstream_status": self.upstream_status,
            "attempts": self.attempts or None,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 1),
        }
        return {key: value for key, value in values.items() if value is not None}


def schema_of_path(path: str) -> str | None:
    """The schema an extraction route's path names (``/extract/<name>/...``)."""
    parts = path.split("/", 3)
    return parts[2] or None if len(parts) > 2 and parts[1] == "extract" else None


_current: ContextVar[RequestRecord | None] = ContextVar("gateway_request", default=None)


def current_record() -> RequestRecord | None:
    return _current.get()


def note_error(
    error: GatewayError | dict[str, Any], *, status: int | None = None, exc_info: BaseException | None = None
) -> None:
    """Record the error the current request answers with (a ``GatewayError`` or an envelope's body)."""
    record = _current.get()
    if record is None:
        return
    body = error.to_dict() if isinstance(error, GatewayError) else error
    record.error_type = str(body.get("type") or "error")
    record.message = str(body.get("message") or "")
    record.schema = body.get("schema") or record.schema
    upstream_status = body.get("upstream_status")
    record.upstream_status = upstream_status if isinstance(upstream_status, int) else record.upstream_status
    if isinstance(error, GatewayError):
        status = error.status_code
    if status is not None and record.status is None:
        record.status = status
    record.exc_info = exc_info or record.exc_info


def note_upstream_call() -> None:
    record = _current.get()
    if record is not None:
        record.attempts += 1


class RequestLog:
    """Pure ASGI middleware: one ``RequestRecord`` per HTTP request, logged once the response is over."""

    def __init__(self, app: ASGIApp, *, every_request: bool = False) -> None:
        self.app = app
        self.every_request = every_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(scope["method"], scope["path"], send)
        # Each request runs in a task of its own (and context copy): nothing to reset afterwards.
        _current.set(record)
        try:
            await self.app(scope, receive, record.send)
        except Exception as exc:  # answered as a 500 by the server's outermost handler, after this
            if record.error_type is None:
                record.error_type, record.message = "internal_error", "the gateway failed"
            record.status, record.finished, record.exc_info = 500, True, exc
            raise
        finally:
            self._log(record)

    def _log(self, record: RequestRecord) -> None:
        if not record.finished and record.error_type is None:
            record.error_type = CLIENT_DISCONNECTED
        if record.error_type == CLIENT_DISCONNECTED:
            record.status = CLIENT_CLOSED
        failed = record.error_type is not None or (record.status or 0) >= 400
        if not failed and not self.every_request:
            return
        fields = record.fields()
        level = logging.WARNING if (record.status or 0) >= 500 else logging.INFO
        summary = f"{record.method} {record.path} -> {record.status}"
        if record.error_type is not None:
            summary += f" {record.error_type}"
        details = " ".join(f"{key}={value}" for key, value in fields.items() if key not in _IN_SUMMARY)
        text = f"{summary} {details}" + (f": {record.message}" if record.message else "")
        exc_info = record.exc_info if record.status == 500 else None
        logger.log(level, text, exc_info=exc_info, extra={"request": {**fields, "message": record.message}})


_IN_SUMMARY = frozenset({"method", "path", "status", "error_type"})
