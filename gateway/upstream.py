"""The connection to the LLM: which provider, the OpenAI SDK client over the gateway's aiohttp pool, and the
chat-completions call that instructor drives (``chat_completions``)."""

import importlib.util
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
import pydantic
from openai import AsyncStream
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic_core import to_json

from gateway.errors import ModelUnavailable
from gateway.grounding import restrict_parameters
from gateway.local_model import (
    INSTALL_HINT,
    LocalModelError,
    LocalModelServer,
    default_model_path,
    default_threads,
)
from gateway.request_log import note_upstream_call
from gateway.settings import DEFAULT_OPENAI_MODEL, InstructorModeName, ProviderName, Settings
from gateway.transport import AiohttpTransport

# Seconds for one upstream read when the client's timeout is not a plain number.
DEFAULT_UPSTREAM_TIMEOUT = 60.0

# The key of an instructor call's keyword arguments that carries the from_text choices to ``chat_completions``.
RESTRICT_KEY = "gateway_value_choices"


class NoProviderConfigured(RuntimeError):
    """The openai provider was chosen but has neither a key nor a base URL."""


@dataclass(frozen=True)
class Upstream:
    """The LLM a running gateway talks to."""

    client: openai.AsyncOpenAI
    transport: AiohttpTransport
    provider: ProviderName
    model: str
    mode: InstructorModeName
    local_server: LocalModelServer | None = None

    def unavailable(self) -> ModelUnavailable | None:
        """Why a request cannot go upstream right now (the embedded model is restarting), or None."""
        return self.local_server.unavailable() if self.local_server is not None else None


def create_openai_client(
    settings: Settings, *, base_url: str | None = None, transport: AiohttpTransport | None = None
) -> openai.AsyncOpenAI:
    """The upstream client. Its own retries are off: the gateway keeps one retry budget per request."""
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
async def connect_upstream(settings: Settings) -> AsyncIterator[Upstream]:
    """Open the configured LLM for the life of the gateway: the local model server is started (model loaded)
    before this yields, and stopped after."""
    if settings.resolved_provider() == "openai":
        transport = AiohttpTransport()
        async with create_openai_client(settings, transport=transport) as client:
            yield Upstream(client, transport, "openai", settings.model or DEFAULT_OPENAI_MODEL, settings.mode)
        return
    server = local_model_server(settings)
    await server.start()
    try:
        transport = AiohttpTransport()
        async with create_openai_client(settings, base_url=server.base_url, transport=transport) as client:

            def follow(base_url: str) -> None:
                client.base_url = base_url

            server.on_moved = follow
            yield Upstream(client, transport, "local", server.model_name, "tools", server)
    finally:
        await server.stop()


def chat_completions(upstream: Upstream) -> Callable[..., Awaitable[Any]]:
    """``chat.completions.create`` as instructor calls it, with less work per call.

    A JSON call is one POST through the upstream's aiohttp pool, read into the SDK's own ``ChatCompletion``
    type (built as leniently as the SDK builds it); HTTP errors become the SDK's exception types, so
    ``translate_error`` maps them as always. The SDK's request layers (its TypedDict walk alone cost about 10 ms
    a call, the rest about 0.7 ms) are skipped. A stream goes through the SDK client (``client.post``, with no
    parameter transform either), so its chunk parsing and stream types are the SDK's own. A call carrying
    ``RESTRICT_KEY`` has its tool schema narrowed to those choices first.
    """
    client, transport = upstream.client, upstream.transport
    endpoint: list[Any] = [None, ""]  # (base URL, its chat-completions URL): the embedded model may move
    # The SDK's own headers (user agent, organization, project) and its Authorization, which it adds per request.
    headers = {name: value for name, value in client.default_headers.items() if isinstance(value, str)}
    headers.update(client.auth_headers)
    timeout = client.timeout if isinstance(client.timeout, (int, float)) else DEFAULT_UPSTREAM_TIMEOUT

    async def create(**kwargs: Any) -> Any:
        problem = upstream.unavailable()
        if problem is not None:
            raise problem
        note_upstream_call()
        if endpoint[0] is not client.base_url:
            endpoint[:] = [client.base_url, f"{str(client.base_url).rstrip('/')}/chat/completions"]
        url: str = endpoint[1]
        restriction = kwargs.pop(RESTRICT_KEY, None)
        if restriction is not None and "tools" in kwargs:
            model_name, choices = restriction
            kwargs["tools"] = [_restricted_tool(tool, model_name, choices) for tool in kwargs["tools"]]
        if kwargs.get("stream"):
            return await client.post(
                "/chat/completions",
                body=kwargs,
                cast_to=ChatCompletion,
                stream=True,
                stream_cls=AsyncStream[ChatCompletionChunk],
            )
        status, response_headers, body = await transport.post(url, headers, to_json(kwargs), timeout)
        if status >= 400:
            raise _status_error(url, status, response_headers, body)
        completion = read_chat_completion(url, body)
        for choice in completion.choices:
            message = choice.message
            for call in message.tool_calls or []:
                if call.type == "function":
                    call.function.arguments = repair_control_characters(call.function.arguments)
            if message.content:
                message.content = repair_control_characters(message.content)
        return completion

    return create


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


def _restricted_tool(tool: dict[str, Any], model_name: str, choices: dict[str, list[Any]]) -> dict[str, Any]:
    """``tool`` with the fields of ``model_name`` narrowed to ``choices``: in its parameters when the tool is
    the model itself, in its ``$defs`` entry when the tool wraps a list of them."""
    function = tool["function"]
    parameters = restrict_parameters(
        function["parameters"], choices, root=function["name"] == model_name, definition=model_name
    )
    return {**tool, "function": {**function, "parameters": parameters}}


def json_string_state(text: str, in_string: bool, escaped: bool) -> tuple[bool, bool]:
    """Whether JSON text that continues with ``text`` ends inside a string, and right after a backslash there."""
    for character in text:
        if escaped:
            escaped = False
        elif in_string and character == "\\":
            escaped = True
        elif character == '"':
            in_string = not in_string
    return in_string, escaped


def repair_control_characters(answer: str) -> str:
    """JSON with raw control characters inside its strings (a raw newline or tab, which small models write),
    re-encoded as valid JSON; anything else is returned unchanged for the parser to judge."""
    if not any(character < " " for character in answer):
        return answer
    try:
        json.loads(answer)
        return answer
    except ValueError:
        pass
    try:
        return json.dumps(json.loads(answer, strict=False), ensure_ascii=False)
    except ValueError:
        return answer


# Seconds the hosted upstream's readiness probe may take.
PROBE_SECONDS = 3.0


async def upstream_problem(upstream: Upstream) -> str | None:
    """Why the upstream cannot serve now, or None. The embedded model: its process is up and warmed. A hosted
    upstream: ``GET /models`` answers (a free call) and accepts the key; a server without that route still counts
    as reachable."""
    if upstream.local_server is not None:
        return upstream.local_server.readiness()
    client = upstream.client
    url = f"{str(client.base_url).rstrip('/')}/models"
    headers = {name: value for name, value in client.default_headers.items() if isinstance(value, str)}
    headers.update(client.auth_headers)
    try:
        status = await upstream.transport.status_of(url, headers, PROBE_SECONDS)
    except httpx2.TimeoutException:
        return f"the upstream {client.base_url} did not answer within {PROBE_SECONDS:.0f} s"
    except httpx2.TransportError as exc:
        return f"the upstream {client.base_url} is unreachable: {exc}"
    if status in (401, 403):
        return f"the upstream {client.base_url} refused the API key (HTTP {status} on GET /models)"
    if status >= 500:
        return f"the upstream {client.base_url} is failing (HTTP {status} on GET /models)"
    return None
