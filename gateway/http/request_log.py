"""One log line per failed request (every one with ``GATEWAY_ACCESS_LOG``).

``RequestLog`` is the outermost ASGI middleware: it opens a ``request_context.RequestRecord`` for each HTTP request
and logs it when the response ends.
"""

import logging
from collections.abc import Callable

from opentelemetry.trace import Span
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.http import metrics
from gateway.request_context import (
    CLIENT_CLOSED,
    CLIENT_DISCONNECTED,
    RequestRecord,
    open_record,
    request_id_of,
)

logger = logging.getLogger("gateway.requests")


class RequestLog:
    """Pure ASGI middleware: one ``RequestRecord`` per HTTP request, logged once the response is over."""

    def __init__(self, app: ASGIApp, *, every_request: bool = False, traced: bool = False) -> None:
        self.app = app
        self.every_request = every_request
        self.traced = traced  # OpenTelemetry is configured: the request's fields go on its server span

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord(scope["method"], scope["path"], send, request_id_of(scope))
        if self.traced:
            record.before_last_byte = _span_annotator(scope)
        open_record(record)
        metrics.IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, record.send)
        except Exception as exc:  # answered as a 500 by the server's outermost handler, after this
            if record.error_type is None:
                record.error_type, record.message = "internal_error", "the gateway failed"
            record.status, record.finished, record.exc_info = 500, True, exc
            raise
        finally:
            metrics.IN_FLIGHT.dec()
            self._log(record)
            metrics.observe(record)

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


def _span_annotator(scope: Scope) -> Callable[[RequestRecord], None]:
    """What puts the request's id, schema, key, error and spending on FastAPI's server span (as ``gateway.*``
    attributes), before the response's last byte ends the span."""

    def annotate(record: RequestRecord) -> None:
        span: Span | None = getattr(scope.get("fastapi.telemetry"), "span", None)
        if span is not None and span.is_recording():
            fields = record.fields()
            span.set_attributes({f"gateway.{name}": value for name, value in fields.items() if name not in _ON_SPAN})

    return annotate


_ON_SPAN = frozenset({"method", "path", "status", "duration_ms"})  # FastAPI's span has these already
