"""A chat backend whose answers the test states: each call takes the next scripted answer (a dict becomes the tool
call's JSON arguments, a string is sent as written, an exception is raised), and every request is recorded. It
stands where the network would be, so the engine and its profiles run for real above it."""

import copy
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from openai.types.chat import ChatCompletion, ChatCompletionChunk

from gateway.backends.openai_compatible import translate_error
from gateway.errors import GatewayError, ModelUnavailable
from gateway.settings import InstructorModeName, ProviderName

Answer = dict[str, Any] | str | Exception


class ScriptedBackend:
    """A ``ChatBackend`` answering from ``script``, in order; it fails the test when the script runs out."""

    def __init__(
        self,
        *script: Answer,
        embedded: bool = False,
        provider: ProviderName = "openai",
        mode: InstructorModeName = "tools",
        chunk_size: int = 4,
    ) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.provider, self.model, self.mode, self.embedded = provider, "scripted-model", mode, embedded
        self.chunk_size = chunk_size

    def _next(self, request: dict[str, Any]) -> str:
        self.requests.append(copy.deepcopy(request))  # as sent: a re-ask extends the same message list later
        assert self.script, f"no scripted answer left for request {len(self.requests)}"
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, str) else json.dumps(answer)

    async def complete(self, request: dict[str, Any]) -> ChatCompletion:
        arguments = self._next(request)
        tool = _tool_name(request)
        message: dict[str, Any] = {"role": "assistant", "content": None}
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": tool, "arguments": arguments}}
        ]
        return ChatCompletion.model_validate(
            {
                "id": "scripted",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
            }
        )

    async def stream(self, request: dict[str, Any]) -> "ScriptedStream":
        arguments = self._next(request)
        pieces = [arguments[start : start + self.chunk_size] for start in range(0, len(arguments), self.chunk_size)]
        return ScriptedStream(_chunks(request, _tool_name(request), pieces))

    def unavailable(self) -> ModelUnavailable | None:
        return None

    async def problem(self) -> str | None:
        return None

    def translate(self, exc: Exception) -> GatewayError | None:
        return translate_error(exc)

    def describe(self) -> dict[str, Any]:
        return {}

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The tool parameters each request sent (after the profile narrowed them)."""
        return [request["tools"][0]["function"]["parameters"] for request in self.requests]


def _tool_name(request: dict[str, Any]) -> str:
    return str(request["tools"][0]["function"]["name"])


async def _chunks(request: dict[str, Any], tool: str, pieces: list[str]) -> AsyncIterator[ChatCompletionChunk]:
    for index, piece in enumerate(pieces):
        call: dict[str, Any] = {"index": 0, "function": {"arguments": piece}}
        if index == 0:
            call.update(id="call_1", type="function", function={"name": tool, "arguments": piece})
        yield _chunk(request, {"tool_calls": [call]}, None)
    yield _chunk(request, {}, "tool_calls")


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> ChatCompletionChunk:
    return ChatCompletionChunk.model_validate(
        {
            "id": "scripted",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": request["model"],
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


class ScriptedStream:
    """What the SDK's ``AsyncStream`` offers the engine: async iteration over ``_iterator`` and ``close``."""

    def __init__(self, chunks: AsyncIterator[ChatCompletionChunk]) -> None:
        self._iterator = chunks
        self.closed = False

    def __aiter__(self) -> "ScriptedStream":
        return self

    async def __anext__(self) -> ChatCompletionChunk:
        return await anext(self._iterator)

    async def close(self) -> None:
        self.closed = True
