"""The HTTP edge of ``gateway serve``: uvicorn's httptools protocol with bounds on what a client can hold.

- ``GATEWAY_MAX_CONNECTIONS`` open connections per process: one more is answered ``503 too_many_connections``
  and closed at once (the socket is not kept, so idle connections cannot exhaust file descriptors);
- ``GATEWAY_MAX_HEADER_BYTES`` for a request's head (request line and headers), and at most ``MAX_HEADERS``
  header lines: above either, ``431 headers_too_large`` and the connection closes, before the head is buffered;
- ``GATEWAY_HEADER_TIMEOUT`` seconds to send a whole head, from the connection's first byte or the first byte
  of a further request: after it, ``408 request_timeout`` and the connection closes (slow-loris clients);
- idle keep-alive connections close after ``GATEWAY_KEEP_ALIVE_TIMEOUT`` (uvicorn's own timer).
"""

import asyncio
import json
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.settings import Settings

logger = logging.getLogger("gateway")

MAX_HEADERS = 100
# How long a refused connection stays open, its input dropped, before it is closed (see ``_refuse``).
LINGER_SECONDS = 2.0
_HEAD_END = b"\r\n\r\n"
_REASONS = {408: "Request Timeout", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


@dataclass(frozen=True)
class EdgeLimits:
    max_connections: int
    max_head_bytes: int
    head_timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "EdgeLimits":
        return cls(settings.max_connections, settings.max_header_bytes, settings.header_timeout)


@cache
def edge_limits() -> EdgeLimits:
    """The limits of this process (read once: a worker's settings come from the environment)."""
    return EdgeLimits.from_settings(Settings())


def refusal(status: int, error_type: str, message: str) -> bytes:
    """A whole HTTP response with the gateway's error envelope, after which the connection closes."""
    body = json.dumps({"error": {"type": error_type, "message": message, "schema": None}}).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n"
    )
    if status == 503:
        head += "retry-after: 1\r\n"
    return head.encode() + b"\r\n" + body


class EdgeProtocol(HttpToolsProtocol):
    """See the module docstring. uvicorn makes one per connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = edge_limits()
        self._refused = False
        self._awaiting_head = True  # between requests, or reading one's head
        self._head_bytes = 0
        self._head_lines = 0
        self._tail = b""  # the last bytes seen of the head, where its end may straddle two reads
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.limits.max_connections:
            self.transport, self._refused = transport, True
            transport.write(refusal(503, "too_many_connections", "the gateway has too many open connections"))
            transport.close()
            return
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._awaiting_head:
            if self._head_timer is None:
                self._start_head_timer()
            if not self._head_fits(data):
                self._refuse(
                    431,
                    "headers_too_large",
                    f"the request head is over {self.limits.max_head_bytes} bytes or {MAX_HEADERS} header lines",
                )
                return
        super().data_received(data)

    def _head_fits(self, data: bytes) -> bool:
        """Count ``data`` towards the head being read, up to the head's end if it is in ``data``."""
        window = self._tail + data
        end = window.find(_HEAD_END)
        part = data if end < 0 else window[len(self._tail) : end + len(_HEAD_END)]
        self._head_bytes += len(part)
        self._head_lines += part.count(b"\n")
        if self._head_bytes > self.limits.max_head_bytes or self._head_lines > MAX_HEADERS + 2:
            return False
        self._tail = window[-(len(_HEAD_END) - 1) :] if end < 0 else b""
        return True

    def on_headers_complete(self) -> None:
        self._awaiting_head = False
        self._stop_head_timer()
        self._head_bytes = self._head_lines = 0
        self._tail = b""
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._awaiting_head = True  # the timer starts with the next request's first byte
        super().on_response_complete()

    def _start_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.limits.head_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._awaiting_head and not self.transport.is_closing():
            seconds = f"{self.limits.head_timeout:g}"
            self._refuse(408, "request_timeout", f"the request head did not arrive within {seconds} s")

    def _refuse(self, status: int, error_type: str, message: str) -> None:
        self._stop_head_timer()
        self._refused = True
        if not self.transport.is_closing():
            self.transport.write(refusal(status, error_type, message))
            if self.transport.can_write_eof():
                # Closed a moment later, not at once: closing a socket with the client's bytes still arriving
                # sends a reset, which can discard the refusal before the client reads it. Meanwhile the write
                # side is shut and what arrives is dropped (``data_received``).
                self.transport.write_eof()
                self.loop.call_later(LINGER_SECONDS, self.transport.close)
            else:
                self.transport.close()
