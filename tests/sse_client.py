"""Read a gateway stream over real HTTP with a spec-following SSE parser (httpx-sse)."""

import json
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, connect_sse


@dataclass
class StreamResult:
    status: int
    content_type: str
    events: list[ServerSentEvent]
    error_body: str = ""

    @property
    def names(self) -> list[str]:
        return [event.event for event in self.events]

    def data(self, name: str) -> list[Any]:
        return [json.loads(event.data) for event in self.events if event.event == name]


def read_stream(client: httpx.Client, path: str, body: dict[str, Any]) -> StreamResult:
    """POST ``body`` and collect every event (or the error body when the answer is not a stream)."""
    with connect_sse(client, "POST", path, json=body) as source:
        response = source.response
        if response.status_code != 200:
            response.read()
            return StreamResult(response.status_code, response.headers.get("content-type", ""), [], response.text)
        return StreamResult(200, response.headers["content-type"], list(source.iter_sse()))


def raw_stream(client: httpx.Client, path: str, body: dict[str, Any]) -> str:
    """The body of a stream exactly as sent, for framing checks."""
    with client.stream("POST", path, json=body) as response:
        return "".join(response.iter_text())
