"""Streamed extraction: the raw upstream stream watched (what the model wrote, why it stopped, raw control
characters escaped as they pass), checked complete at the end, and closed whatever happens."""

import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from instructor.core.hooks import Hooks

from gateway.backends.openai_compatible import estimate_tokens
from gateway.errors import ExtractionFailed, UpstreamError
from gateway.extraction.failures import Translated
from gateway.extraction.repair import json_string_state, repair_control_characters
from gateway.request_context import note_upstream_answer


class UpstreamStream:
    """Watches the raw upstream stream of one call: what the model wrote and why it stopped; closes it at the end.

    instructor parses the SDK's stream inside generators of its own. It never closes the stream when its consumer
    stops early (client gone, error, deadline), so the connection would linger until garbage collection; and an
    answer cut short (no finish reason, broken JSON) just ends its item stream as if the list were complete.
    The ``completion:response`` hook hands us the stream before instructor reads it.
    """

    def __init__(self) -> None:
        self.hooks = Hooks()
        self.hooks.on("completion:response", self._watch)
        self.started = time.perf_counter()
        self.model: str | None = None
        self.usage: Any = None  # a chunk's usage, where the upstream reports it
        self._streams: list[Any] = []
        self._pieces: list[str] = []
        self._in_string = self._escaped = False
        self.finish_reason: str | None = None

    def _watch(self, response: Any) -> None:
        if hasattr(response, "close") and hasattr(response, "_iterator"):
            self._streams.append(response)
            response._iterator = self._record(response._iterator)

    async def _record(self, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for chunk in chunks:
            self.model = getattr(chunk, "model", None) or self.model
            self.usage = getattr(chunk, "usage", None) or self.usage
            for choice in getattr(chunk, "choices", None) or []:
                self.finish_reason = choice.finish_reason or self.finish_reason
                delta = choice.delta
                if delta is not None and delta.content:
                    delta.content = self._escape_controls(delta.content)
                    self._pieces.append(delta.content)
                for call in (delta.tool_calls or []) if delta is not None else []:
                    if call.function is not None and call.function.arguments:
                        call.function.arguments = self._escape_controls(call.function.arguments)
                        self._pieces.append(call.function.arguments)
            yield chunk

    def _escape_controls(self, piece: str) -> str:
        """Escape raw control characters inside JSON strings as they stream by (a raw newline in a string is
        invalid JSON; small models write them). Tracks string state across pieces; spacing between tokens stays."""
        if not any(character < " " for character in piece):
            self._in_string, self._escaped = json_string_state(piece, self._in_string, self._escaped)
            return piece
        out = []
        for character in piece:
            if self._in_string and not self._escaped and character < " ":
                out.append(f"\\u{ord(character):04x}")
                continue
            out.append(character)
            self._in_string, self._escaped = json_string_state(character, self._in_string, self._escaped)
        return "".join(out)

    @property
    def answer(self) -> str:
        return "".join(self._pieces)

    def check_complete(self, schema_name: str) -> None:
        """Raise if the answer was not a whole JSON document ended by the model (call after the stream ended)."""
        if not self._streams:
            return
        if self.finish_reason is None:
            raise UpstreamError(
                "the upstream stream ended before the model finished its answer",
                schema=schema_name,
                raw_answer=self.answer,
            )
        if self.finish_reason == "length":
            raise ExtractionFailed(
                "the model's answer was cut off (it reached max_tokens) before it was complete",
                schema=schema_name,
                raw_answer=self.answer,
            )
        try:
            json.loads(repair_control_characters(self.answer))
        except ValueError:
            raise ExtractionFailed(
                "the model's answer is not valid JSON", schema=schema_name, attempts=1, raw_answer=self.answer
            ) from None

    async def drain(self) -> None:
        """Read what is left of the upstream stream (its end: the finish reason, the usage) after the reader
        stopped early, so the answer can be checked complete."""
        for stream in self._streams:
            async for _ in stream._iterator:
                pass

    async def close(self) -> None:
        for stream in self._streams:
            with contextlib.suppress(Exception):
                await stream.close()


@asynccontextmanager
async def watched_stream(translated: Translated, call: dict[str, Any]) -> AsyncIterator[UpstreamStream]:
    """One streamed upstream call: failures mapped, the answer checked complete once read, the connection closed,
    and what it cost noted (tokens as the upstream reports them, else estimated)."""
    upstream = UpstreamStream()
    try:
        with translated:
            yield upstream
        upstream.check_complete(translated.schema_name)
    finally:
        await upstream.close()
        if upstream._streams:
            spent = upstream.usage
            model = upstream.model or str(call.get("model"))
            seconds = time.perf_counter() - upstream.started
            if spent is not None:
                note_upstream_answer(model, seconds, spent.prompt_tokens, spent.completion_tokens, estimated=False)
            else:
                prompt, answer = estimate_tokens(call.get("messages")), estimate_tokens(upstream.answer)
                note_upstream_answer(model, seconds, prompt, answer, estimated=True)
