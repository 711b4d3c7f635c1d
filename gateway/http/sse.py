"""The event vocabulary of the streaming routes, framed per the SSE spec.

A stream is ``partial``* then ``final`` (object routes), or ``item``* (list routes) - each ``final``/``item``
followed by its ``evidence`` when the request asks for it; then at most one ``error``;
then always ``done`` with data ``[DONE]``. Failures after the 200 was sent travel in-band as ``error`` events, so
a stream is never cut silently.
"""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from fastapi.sse import format_sse_event

from gateway.errors import GatewayError
from gateway.request_context import note_error, with_request_id

EventName = Literal["partial", "final", "item", "evidence", "usage", "error", "done"]
Event = tuple[EventName, str]  # (event name, JSON data)


# The response head of every stream. Proxies (nginx) buffer responses unless told not to, which defeats a stream.
STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


# Events that carry the schema version that answered, as their SSE `id`.
_VERSIONED = frozenset({"final", "item", "done"})


async def encode_events(
    events: AsyncIterator[Event],
    schema: str,
    version: str | None = None,
    *,
    usage: Callable[[], str | None] | None = None,
) -> AsyncIterator[bytes]:
    """Frame ``events``; whatever goes wrong becomes an ``error`` event, and ``done`` always closes the stream,
    after a ``usage`` event (what the request spent) when ``usage`` has one. ``final``, ``item`` and ``done``
    carry ``version`` (the schema version that answered) as their ``id``."""
    try:
        async for name, data in events:
            yield format_sse_event(event=name, data_str=data, id=version if name in _VERSIONED else None)
    except GatewayError as exc:
        yield stream_end(exc, version, usage)
        return
    except Exception as exc:
        body: dict[str, object] = {
            "type": "internal_error",
            "message": "the gateway failed; see its log",
            "schema": schema,
        }
        note_error(body, exc_info=exc)
        yield error_event(body)
    yield stream_end(None, version, usage)


def stream_end(error: GatewayError | None, version: str | None, usage: Callable[[], str | None] | None) -> bytes:
    """How every stream ends: its ``error`` event if it failed, the ``usage`` event when there is one, ``done``."""
    frames = []
    if error is not None:
        note_error(error)  # logged once the stream is over, as the request's one line
        frames.append(error_event(error.to_dict()))
    spent = usage() if usage is not None else None
    if spent is not None:
        frames.append(format_sse_event(event="usage", data_str=spent))
    frames.append(format_sse_event(event="done", data_str="[DONE]", id=version))
    return b"".join(frames)


def error_event(body: dict[str, Any]) -> bytes:
    return format_sse_event(event="error", data_str=json.dumps(with_request_id(body), default=str))
