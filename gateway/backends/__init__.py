"""The connection to the LLM: one chat backend per gateway, with one call for JSON answers and one for streams, and
one mapping of its failures onto the gateway's errors. Everything above it knows nothing of HTTP; everything in it
knows nothing of schemas or extraction.

The gateway has one implementation, ``OpenAICompatible`` (OpenAI, vLLM, Ollama, llama.cpp's server - the embedded
model included, which ``connect_backend`` starts first); tests drive the engine through a scripted one.
"""

from collections.abc import AsyncIterator
from typing import Any, Protocol

from openai.types.chat import ChatCompletion, ChatCompletionChunk

from gateway.errors import GatewayError, ModelUnavailable
from gateway.settings import InstructorModeName, ProviderName


class ChatBackend(Protocol):
    """Where chat completions come from."""

    provider: ProviderName
    model: str  # the default model
    mode: InstructorModeName
    embedded: bool  # the gateway's own model process (the `auto` profile is small for it)

    async def complete(self, request: dict[str, Any]) -> ChatCompletion:
        """One chat completion for ``request`` (the chat-completions body)."""
        ...

    async def stream(self, request: dict[str, Any]) -> AsyncIterator[ChatCompletionChunk]:
        """The chunks of one streamed chat completion (``request`` has ``stream: true``); the iterator also has
        ``close()``, which ends the call, as the SDK's ``AsyncStream`` has."""
        ...

    def unavailable(self) -> ModelUnavailable | None:
        """Why no request can be sent right now (a model restarting), or None."""
        ...

    async def problem(self) -> str | None:
        """Why the backend cannot serve now (for readiness), or None. Costs no tokens."""
        ...

    def translate(self, exc: Exception) -> GatewayError | None:
        """The gateway error for a failure of this backend's calls, or None if it is not one."""
        ...

    def describe(self) -> dict[str, Any]:
        """What /healthz shows about the backend beyond provider, model and mode."""
        ...
