"""What one request did and spent, readable anywhere below the HTTP layer while it runs (``current_record``):
its id, key, errors, upstream calls, tokens and time. ``http.request_log`` opens one per request and logs it; the
backend and the engine note what they spend; answers show it (``usage``)."""

import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from starlette.types import Message, Scope, Send

from gateway.errors import GatewayError

# How a request whose client left before the answer was complete is logged (status: nginx's convention).
CLIENT_DISCONNECTED = "client_disconnected"
CLIENT_CLOSED = 499


class RequestRecord:
    """One HTTP request as the log line shows it. (A slotted class: one is made per request, under load.)"""

    __slots__ = (
        "method", "path", "started", "status", "schema", "error_type", "message", "upstream_status", "attempts",
        "exc_info", "finished", "_send", "request_id", "key", "model", "prompt_tokens", "completion_tokens",
        "estimated", "upstream_seconds", "limit", "before_last_byte",
    )  # fmt: skip

    def __init__(self, method: str, path: str, send: Send, request_id: str) -> None:
        self.method, self.path, self._send, self.request_id = method, path, send, request_id
        self.started = time.perf_counter()
        self.key: str | None = None
        self.model: str | None = None
        self.prompt_tokens = self.completion_tokens = 0
        self.estimated = False  # token counts estimated (the upstream reported none)
        self.upstream_seconds = 0.0
        self.limit: str | None = None  # the key limit that refused the request
        self.status: int | None = None
        self.schema: str | None = None
        self.error_type: str | None = None
        self.message: str | None = None
        self.upstream_status: int | None = None
        self.attempts = 0
        self.exc_info: BaseException | None = None
        self.finished = False
        self.before_last_byte: Callable[[RequestRecord], None] | None = None  # e.g. annotating a trace span

    async def send(self, message: Message) -> None:
        """The request's ``send``, noting the status and whether the answer was sent whole; every response carries
        the request id."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", self.request_id.encode())]}
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self.finished = True
            if self.before_last_byte is not None:
                self.before_last_byte(self)
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
            "request_id": self.request_id,
            "key": self.key,
            "model": self.model,
            "prompt_tokens": self.prompt_tokens or None,
            "completion_tokens": self.completion_tokens or None,
            "upstream_ms": round(self.upstream_seconds * 1000, 1) if self.attempts else None,
        }
        return {key: value for key, value in values.items() if value is not None}


def schema_of_path(path: str) -> str | None:
    """The schema an extraction route's path names (``/extract/<name>/...``)."""
    parts = path.split("/", 3)
    return parts[2] or None if len(parts) > 2 and parts[1] == "extract" else None


_current: ContextVar[RequestRecord | None] = ContextVar("gateway_request", default=None)


def current_record() -> RequestRecord | None:
    return _current.get()


def open_record(record: RequestRecord) -> None:
    """Make ``record`` the current request's (each request runs in a task, and context copy, of its own: nothing to
    reset afterwards)."""
    _current.set(record)


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
    if isinstance(error, GatewayError) and error.log_detail:
        record.message += f" (upstream said: {error.log_detail[:500]})"
    record.schema = body.get("schema") or record.schema
    upstream_status = body.get("upstream_status")
    record.upstream_status = upstream_status if isinstance(upstream_status, int) else record.upstream_status
    if isinstance(error, GatewayError):
        status = error.status_code
    if status is not None and record.status is None:
        record.status = status
    record.exc_info = exc_info or record.exc_info
    limit = body.get("limit")
    record.limit = limit if isinstance(limit, str) else record.limit


def note_upstream_call() -> None:
    record = _current.get()
    if record is not None:
        record.attempts += 1


def note_upstream_answer(
    model: str, seconds: float, prompt_tokens: int, completion_tokens: int, *, estimated: bool
) -> None:
    """What one upstream call cost: its model, time, and tokens (as reported, or estimated where none were)."""
    record = _current.get()
    if record is not None:
        record.model = model
        record.upstream_seconds += seconds
        record.prompt_tokens += prompt_tokens
        record.completion_tokens += completion_tokens
        record.estimated = record.estimated or estimated


def usage(record: RequestRecord) -> dict[str, Any]:
    """What a request cost, as answers show it (headers, the SSE ``usage`` event) and the key's totals count it."""
    return {
        "prompt_tokens": record.prompt_tokens,
        "completion_tokens": record.completion_tokens,
        "estimated": record.estimated,
        "attempts": record.attempts,
        "model": record.model,
        "upstream_ms": round(record.upstream_seconds * 1000, 1),
    }


def usage_header(record: RequestRecord) -> str:
    """``Gateway-Usage``: the usage as a structured-field dictionary."""
    spent = usage(record)
    model = _sf_string(spent["model"] or "")
    return (
        f"prompt_tokens={spent['prompt_tokens']}, completion_tokens={spent['completion_tokens']}, "
        f'estimated={"?1" if spent["estimated"] else "?0"}, attempts={spent["attempts"]}, model="{model}", '
        f"upstream_ms={spent['upstream_ms']}"
    )


def _sf_string(value: str) -> str:
    """``value`` as the inside of a structured-field string: printable ASCII, ``\\`` and ``"`` escaped, any other
    character (a model name is the client's to choose) as ``?``."""
    printable = "".join(char if " " <= char <= "~" else "?" for char in value)
    return printable.replace("\\", "\\\\").replace('"', '\\"')


def with_request_id(body: dict[str, Any]) -> dict[str, Any]:
    """An error envelope's body with the current request's id (to quote when reporting it)."""
    identifier = request_id()
    return body if identifier is None else {**body, "request_id": identifier}


def request_id() -> str | None:
    record = _current.get()
    return record.request_id if record is not None else None


_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def request_id_of(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when it is a sane one, else a new one."""
    for key, value in scope["headers"]:
        if key == b"x-request-id":
            given: str = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex
