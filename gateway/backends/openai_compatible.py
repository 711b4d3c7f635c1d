"""The OpenAI-compatible chat backend: the OpenAI SDK's client over the gateway's aiohttp pool, for OpenAI and any
server that speaks its API - the embedded model's llama.cpp server among them (``connect_backend`` starts it).

A JSON call is one POST through the pool, read into the SDK's own ``ChatCompletion`` type: the SDK's request
layers (its TypedDict walk alone cost about 10 ms a call) are skipped, and HTTP errors are raised as the SDK's
exception types. A stream goes through the SDK client (``client.post``), so its chunk parsing and stream types are
the SDK's own. ``translate`` maps every failure of either onto the gateway's errors.
"""

import importlib.util
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import openai
import pydantic
from openai import AsyncStream
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic_core import to_json

from gateway.backends.local import (
    INSTALL_HINT,
    LocalModelError,
    LocalModelServer,
    default_model_path,
    default_threads,
)
from gateway.backends.transport import AiohttpTransport
from gateway.errors import GatewayError, ModelUnavailable, UpstreamError, UpstreamRateLimited, UpstreamTimeout
from gateway.request_context import note_upstream_answer, note_upstream_call, request_id
from gateway.settings import DEFAULT_OPENAI_MODEL, InstructorModeName, ProviderName, Settings

# Seconds for one upstream read when the client's timeout is not a plain number.
DEFAULT_UPSTREAM_TIMEOUT = 60.0
# Seconds the readiness probe of a hosted upstream may take.
PROBE_SECONDS = 3.0


class NoProviderConfigured(RuntimeError):
    """The openai provider was chosen but has neither a key nor a base URL."""


class OpenAICompatible:
    """A ``ChatBackend`` speaking OpenAI's chat-completions API; with ``server``, that of the embedded model."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        transport: AiohttpTransport,
        *,
        provider: ProviderName,
        model: str,
        mode: InstructorModeName,
        server: LocalModelServer | None = None,
    ) -> None:
        self.client = client
        self.transport = transport
        self.provider = provider
        self.model = model
        self.mode = mode
        self.server = server
        self.embedded = server is not None
        # The SDK's own headers (user agent, organization, project) and its Authorization, which it adds per request.
        self._headers = {name: value for name, value in client.default_headers.items() if isinstance(value, str)}
        self._headers.update(client.auth_headers)
        self._timeout = client.timeout if isinstance(client.timeout, (int, float)) else DEFAULT_UPSTREAM_TIMEOUT
        self._endpoint: tuple[object, str] = (None, "")  # (base URL, its chat-completions URL): a model may move

    def _url(self) -> str:
        base_url = self.client.base_url
        if self._endpoint[0] is not base_url:
            self._endpoint = (base_url, f"{str(base_url).rstrip('/')}/chat/completions")
        return self._endpoint[1]

    def _before_call(self) -> None:
        problem = self.unavailable()
        if problem is not None:
            raise problem
        note_upstream_call()

    def _request_headers(self) -> dict[str, str]:
        """The SDK's headers, and the gateway request's id (the upstream's logs can then be matched to ours)."""
        identifier = request_id()
        return self._headers if identifier is None else {**self._headers, "X-Request-ID": identifier}

    async def complete(self, request: dict[str, Any]) -> ChatCompletion:
        self._before_call()
        url = self._url()
        started = time.perf_counter()
        status, headers, body = await self.transport.post(url, self._request_headers(), to_json(request), self._timeout)
        if status >= 400:
            raise _status_error(url, status, headers, body)
        completion = read_chat_completion(url, body)
        spent = completion.usage
        if spent is not None:
            prompt, answer, estimated = spent.prompt_tokens, spent.completion_tokens, False
        else:
            prompt, answer, estimated = estimate_tokens(request.get("messages")), estimate_tokens(body), True
        model = completion.model or str(request.get("model"))
        note_upstream_answer(model, time.perf_counter() - started, prompt, answer, estimated=estimated)
        return completion

    async def stream(self, request: dict[str, Any]) -> AsyncStream[ChatCompletionChunk]:
        self._before_call()
        identifier = request_id()
        return await self.client.post(
            "/chat/completions",
            body=request,
            cast_to=ChatCompletion,
            stream=True,
            stream_cls=AsyncStream[ChatCompletionChunk],
            options={"headers": {"X-Request-ID": identifier}} if identifier else {},
        )

    def unavailable(self) -> ModelUnavailable | None:
        return self.server.unavailable() if self.server is not None else None

    async def problem(self) -> str | None:
        """The embedded model: its process is up and warmed. A hosted upstream: ``GET /models`` answers (a free
        call) and accepts the key; a server without that route still counts as reachable."""
        if self.server is not None:
            return self.server.readiness()
        base_url = self.client.base_url
        try:
            status = await self.transport.status_of(f"{str(base_url).rstrip('/')}/models", self._headers, PROBE_SECONDS)
        except httpx2.TimeoutException:
            return f"the upstream {base_url} did not answer within {PROBE_SECONDS:.0f} s"
        except httpx2.TransportError as exc:
            return f"the upstream {base_url} is unreachable: {exc}"
        if status in (401, 403):
            return f"the upstream {base_url} refused the API key (HTTP {status} on GET /models)"
        if status >= 500:
            return f"the upstream {base_url} is failing (HTTP {status} on GET /models)"
        return None

    def translate(self, exc: Exception) -> GatewayError | None:
        error = translate_error(exc)
        if type(error) is UpstreamError:
            # A connection the embedded model dropped as it died: tell the truth, and when to come back.
            return self.unavailable() or error
        return error

    def describe(self) -> dict[str, Any]:
        server = self.server
        return {
            "upstream": str(self.client.base_url),
            "local_model_load_seconds": server.load_seconds if server else None,
            "local_model_restarts": server.restarts if server else None,
        }


def estimate_tokens(content: Any) -> int:
    """Tokens of ``content`` (messages, or text) as estimated where the upstream reports none: a token per four
    characters."""
    if isinstance(content, list):
        return sum(estimate_tokens(message.get("content")) for message in content if isinstance(message, dict))
    if isinstance(content, (str, bytes)):
        return max(1, len(content) // 4) if content else 0
    return 0


def translate_error(exc: Exception) -> GatewayError | None:
    """The gateway's error for an SDK or transport failure. Clients read the kind of failure; the upstream's own
    words (which may quote a key, a host or a port) go to the log as ``log_detail``."""
    if isinstance(exc, (openai.APITimeoutError, httpx2.TimeoutException)):
        return UpstreamTimeout("the upstream LLM did not answer in time")
    if isinstance(exc, openai.RateLimitError):
        return UpstreamRateLimited(
            "the upstream LLM is rate limiting the gateway",
            retry_after=exc.response.headers.get("retry-after"),
            upstream_status=exc.status_code,
            log_detail=_upstream_message(exc),
        )
    if isinstance(exc, openai.APIStatusError):
        return UpstreamError(
            f"the upstream LLM answered {exc.status_code}: {_status_meaning(exc.status_code)}",
            upstream_status=exc.status_code,
            log_detail=_upstream_message(exc),
        )
    if isinstance(exc, (openai.APIConnectionError, httpx2.TransportError)):
        return UpstreamError("the upstream LLM is unreachable or dropped the connection", log_detail=str(exc))
    if isinstance(exc, openai.APIError):
        summary, _, detail = str(exc).partition(": ")
        return UpstreamError(f"the upstream LLM failed: {summary}", log_detail=detail or None)
    return None


def _status_meaning(status: int) -> str:
    if status in (401, 403):
        return "it refused the gateway's credentials (see the gateway's log)"
    if status == 404:
        return "the model or endpoint is not there (see the gateway's log)"
    if status < 500:
        return "it rejected the request (see the gateway's log)"
    return "it failed (see the gateway's log)"


def _upstream_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if isinstance(message, str):
            return message
    return exc.message


def create_openai_client(
    settings: Settings, *, base_url: str | None = None, transport: AiohttpTransport | None = None
) -> openai.AsyncOpenAI:
    """The SDK client. Its own retries are off: the gateway keeps one retry budget per request."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    base_url = base_url or settings.openai_base_url
    if not key and not base_url:
        raise NoProviderConfigured(
            "GATEWAY_PROVIDER=openai but no upstream is configured: set OPENAI_API_KEY to use OpenAI, or "
            "OPENAI_BASE_URL to use any OpenAI-compatible server (vLLM, Ollama, llama.cpp's server)"
        )
    return openai.AsyncOpenAI(
        api_key=key or "unused",  # local OpenAI-compatible servers accept any key
        base_url=base_url,
        max_retries=0,
        timeout=settings.upstream_timeout,
        http_client=httpx2.AsyncClient(transport=transport or AiohttpTransport(), timeout=settings.upstream_timeout),
    )


def local_model_server(settings: Settings) -> LocalModelServer:
    """The (not yet started) embedded model server the settings ask for; raises ``LocalModelError``."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LocalModelError(f"the local provider needs llama-cpp-python, which is not installed: {INSTALL_HINT}")
    if settings.mode != "tools":
        # llama-cpp-python's server answers OpenAI's json_schema response_format with a 500; its forced tool
        # choice becomes a grammar, which is what constrains the output.
        raise LocalModelError("the local provider supports GATEWAY_MODE=tools only")
    return LocalModelServer(
        settings.local_model_path or default_model_path(),
        threads=settings.local_threads or default_threads(),
        context_tokens=settings.local_context_tokens,
    )


@asynccontextmanager
async def connect_backend(settings: Settings) -> AsyncIterator[OpenAICompatible]:
    """Open the configured LLM for the life of the gateway: the embedded model is started (loaded and warmed up)
    before this yields, and stopped after."""
    transport = AiohttpTransport()
    if settings.resolved_provider() == "openai":
        async with create_openai_client(settings, transport=transport) as client:
            model = settings.model or DEFAULT_OPENAI_MODEL
            yield OpenAICompatible(client, transport, provider="openai", model=model, mode=settings.mode)
        return
    server = local_model_server(settings)
    await server.start()
    try:
        async with create_openai_client(settings, base_url=server.base_url, transport=transport) as client:

            def follow(base_url: str) -> None:
                client.base_url = base_url

            server.on_moved = follow
            yield OpenAICompatible(
                client, transport, provider="local", model=server.model_name, mode="tools", server=server
            )
    finally:
        await server.stop()


_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

_STATUS_ERRORS: dict[int, type[openai.APIStatusError]] = {
    400: openai.BadRequestError,
    401: openai.AuthenticationError,
    403: openai.PermissionDeniedError,
    404: openai.NotFoundError,
    409: openai.ConflictError,
    422: openai.UnprocessableEntityError,
    429: openai.RateLimitError,
}


def _status_error(url: str, status: int, headers: Any, body: bytes) -> openai.APIStatusError:
    """The exception the SDK raises for this HTTP error answer."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = body.decode("utf-8", "replace") or None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    # The body is decoded already: headers that describe its encoding on the wire would make httpx2 decode again.
    kept = [(name, value) for name, value in headers.items() if name.lower() not in _WIRE_HEADERS]
    response = httpx2.Response(status, headers=kept, content=body, request=httpx2.Request("POST", url))
    kind = _STATUS_ERRORS.get(status, openai.InternalServerError if status >= 500 else openai.APIStatusError)
    return kind(
        message if isinstance(message, str) else f"Error code: {status} - {parsed}",
        response=response,
        body=error if isinstance(error, dict) else parsed,
    )


def read_chat_completion(url: str, body: bytes) -> ChatCompletion:
    """A 2xx answer as the SDK's ``ChatCompletion``, built as leniently as the SDK builds it; an answer without
    the shape the gateway reads (choices with a message, tool calls with function arguments) is an upstream
    fault, not a crash further on. A well-formed answer is validated by pydantic in one pass (the SDK's lenient
    construction walks the type hints in Python: about a tenth of the gateway's CPU per request)."""
    try:
        completion = ChatCompletion.model_validate_json(body)
        if completion.choices:
            return completion
    except pydantic.ValidationError:
        pass
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not _is_chat_completion(data):
        preview = body[:200].decode("utf-8", "replace")
        raise openai.APIError(
            f"the upstream answered with something that is not a chat completion: {preview!r}",
            httpx2.Request("POST", url),
            body=None,
        )
    return ChatCompletion.construct(**data)


def _is_chat_completion(data: Any) -> bool:
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices:
        return False
    for choice in choices:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict) or not isinstance(message.get("tool_calls") or [], list):
            return False
        for call in message.get("tool_calls") or []:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("arguments"), str):
                return False
    return True
