"""Extraction through instructor: the calls for each route, retries, streams, and every failure mapped to one
``GatewayError``. The connection itself (provider, client, the HTTP call) is ``gateway.upstream``."""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx2
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from instructor.v2.core import patch as instructor_patch
from instructor.v2.core.client import AsyncInstructor
from instructor.v2.core.errors import AsyncValidationError, FailedAttempt, ResponseParsingError
from instructor.v2.core.function_calls import response_schema
from instructor.v2.core.patch import patch_v2
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.dsl.iterable import IterableModel
from instructor.v2.dsl.partial import Partial as InstructorPartial
from instructor.v2.validation import async_validators
from pydantic import BaseModel, ValidationError

from gateway.chunking import Chunk, ListPlan, Placed, list_plan, number_window, place, split_text
from gateway.compiler import CompiledSchema
from gateway.errors import (
    ExtractionFailed,
    GatewayError,
    InvalidRequest,
    ModelUnavailable,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
)
from gateway.grounding import value_choices
from gateway.prompt import Shape, build_messages
from gateway.settings import Settings
from gateway.upstream import RESTRICT_KEY, Upstream, chat_completions, json_string_state, repair_control_characters

logger = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR with its full text; the gateway maps each failure to one typed
# error (logged once by the app), so instructor's own lines would only double the log under load.
logging.getLogger("instructor").setLevel(logging.CRITICAL)
T = TypeVar("T")


def _reject_async_validators_once(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """instructor's check that a response model has no async validators, run once per model instead of on
    every call: it walks the model's whole class tree (about 15% of the gateway's CPU per request), and a
    model's validators do not change. A refusal is not remembered, so it is raised again on every call."""
    passed: set[Any] = set()

    def reject(response_model: Any) -> None:
        try:
            if response_model in passed:
                return
        except TypeError:  # an unhashable annotation: check it every time
            check(response_model)
            return
        check(response_model)
        passed.add(response_model)

    return reject


# Both places instructor looks the check up: the patched create() and the streaming calls' late imports.
_reject_once = _reject_async_validators_once(async_validators.reject_async_validators)
for _module in (async_validators, instructor_patch):
    setattr(_module, "reject_async_validators", _reject_once)  # noqa: B010

# Temperature of the further attempts on the local model (see Extractor._create).
RESAMPLE_TEMPERATURE = 0.7
# Answers that fail for their content: another attempt may do better (instructor retries the same ones).
_ANSWER_ERRORS = (ValidationError, json.JSONDecodeError, AsyncValidationError, ResponseParsingError)

_MODES = {"tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA}


@dataclass(frozen=True)
class Partial:
    """The object as formed so far (only the fields the LLM has written)."""

    data: dict[str, Any]


@dataclass(frozen=True)
class Final:
    """The complete object, validated against the schema's model."""

    value: BaseModel


class Extractor:
    """Runs extractions for compiled schemas; every failure leaves as a ``GatewayError``."""

    def __init__(self, upstream: Upstream, settings: Settings) -> None:
        mode = _MODES[upstream.mode]
        self._complete = chat_completions(upstream)
        self._client = AsyncInstructor(
            client=upstream.client,
            create=patch_v2(func=self._complete, provider=Provider.OPENAI, mode=mode),
            provider=Provider.OPENAI,
            mode=mode,
        )
        self._handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
        self._upstream = upstream
        self._settings = settings
        self._prepared: dict[type[BaseModel], tuple[type[BaseModel], dict[str, Any]]] = {}
        self._stream_models: dict[tuple[str, type[BaseModel]], type[BaseModel]] = {}
        self._model = upstream.model
        self._local = upstream.provider == "local"
        self._max_tokens = settings.max_tokens or (512 if self._local else 1024)

    async def extract(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> BaseModel:
        """One object from ``text``, re-asking the LLM up to the schema's retry budget."""
        call = self._call(schema, text, "one", model, instructions)
        with self._translated(schema.name):
            async with asyncio.timeout(self._settings.request_timeout):
                return await self._create(schema.model, call)

    async def extract_list(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> list[BaseModel]:
        """Every object of the schema's type in ``text``; the whole list is validated (and re-asked) at once.
        The embedded model extracts it a chunk at a time where the schema allows (see ``gateway.chunking``)."""
        plan = self._list_plan(schema)
        with self._translated(schema.name):
            async with asyncio.timeout(self._settings.request_timeout):
                if plan is not None:
                    async with aclosing(self._chunked_items(schema, text, plan, model, instructions)) as chunked:
                        return [item async for item in chunked]
                result = await self._create(schema.list_model, self._call(schema, text, "list", model, instructions))
        items: list[BaseModel] = result.items  # type: ignore[attr-defined]
        return items

    def _translated(self, schema_name: str) -> "_Translated":
        return _Translated(schema_name, self._upstream.unavailable)

    def _list_plan(self, schema: CompiledSchema) -> ListPlan | None:
        """How lists of ``schema`` are extracted a chunk at a time: only for the embedded model."""
        return list_plan(schema) if self._local else None

    async def _chunked_items(
        self, schema: CompiledSchema, text: str, plan: ListPlan, model: str | None, instructions: str | None
    ) -> AsyncGenerator[BaseModel, None]:
        """Each chunk's items in text order, repeats and strays dropped, numbers re-read where ambiguous."""
        count = 0
        chunks = split_text(text, plan, schema.model_schema.get("properties", {}))
        # Cutting a long text is CPU work (seconds for a megabyte of short sentences): off the event loop.
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            answer = await self._create(schema.list_model, self._call(schema, chunk.text, "list", model, instructions))
            entries = place(answer.items, chunk, plan)  # type: ignore[attr-defined]
            for index, entry in enumerate(entries):
                window = number_window(entries, index, chunk, plan)
                entry.item = await self._reread_numbers(schema, entry, window, plan, model, instructions)
            for entry in entries:
                count += 1
                if count > self._settings.max_list_items:
                    raise self._too_many(schema)
                yield entry.item

    def _too_many(self, schema: CompiledSchema) -> ExtractionFailed:
        limit = self._settings.max_list_items
        return ExtractionFailed(
            f"the text holds more than {limit} objects (GATEWAY_MAX_LIST_ITEMS)", schema=schema.name
        )

    async def _reread_numbers(
        self,
        schema: CompiledSchema,
        entry: Placed,
        window: Chunk,
        plan: ListPlan,
        model: str | None,
        instructions: str | None,
    ) -> BaseModel:
        """``entry``'s item, its numbers read again from its own ``window`` as one object (its anchor fixed by the
        grammar) when the window offers several for a field; as it was if it offers one, or the answer fails."""
        choices = value_choices(schema.model_schema.get("properties", {}), plan.numbers, window.text)
        if not any(len(options) > 1 for options in choices.values()):
            return entry.item
        call = self._call(schema, window.text, "one", model, instructions)
        call[RESTRICT_KEY] = (schema.model.__name__, {**choices, plan.anchor: [entry.value(plan.anchor)]})
        try:
            again = await self._create(schema.model, call)
        except InstructorRetryException:
            return entry.item
        return entry.item.model_copy(update={field: getattr(again, field) for field in plan.numbers})

    def _prepare(self, model: type[BaseModel]) -> tuple[type[BaseModel], dict[str, Any]]:
        """instructor's response model for ``model`` and the request keys its mode adds (the tool and the forced
        tool choice, or the response format), built once: instructor otherwise rebuilds the tool schema and
        calls ``create_model`` on every request (about 3 ms of CPU)."""
        prepared = self._prepared.get(model)
        if prepared is None:
            response_model = response_schema(model)
            _reject_once(response_model)
            _, request = self._handlers.request_handler(response_model=response_model, kwargs={"messages": []})
            if request.get("messages"):
                raise AssertionError("the instructor mode changed the messages; the gateway sends them as built")
            extra = {key: value for key, value in request.items() if key != "messages"}
            prepared = self._prepared[model] = (response_model, extra)
        return prepared

    async def _create(self, model: type[BaseModel], call: dict[str, Any]) -> BaseModel:
        """One validated object, within the call's retry budget (``1 + max_retries`` upstream calls).

        instructor's own pieces do the work - its request keys, its parsing and validation of the answer, its
        re-ask turn - in a loop of ours: instructor's ``create()`` wraps them in per-call machinery (a tenacity
        loop, usage accounting, message conversion, request copies) that cost about 0.4 ms of CPU per call, a
        fifth of the gateway's. Messages are plain text, so instructor's multimodal conversion has nothing to do.

        Hosted models get instructor's re-ask: the invalid answer and the validation errors go back as a tool
        message. A small local model is confused by that turn (it starts answering with the tool's name), so for
        it each further attempt instead resamples the same conversation at a higher temperature.
        """
        response_model, extra = self._prepare(model)
        context = call["context"]
        request = {key: value for key, value in call.items() if key not in ("max_retries", "context")}
        request.update(extra)
        attempts = call["max_retries"] + 1
        failed: list[FailedAttempt] = []
        for number in range(1, attempts + 1):
            if number > 1 and self._local:
                request.update(temperature=RESAMPLE_TEMPERATURE, seed=number - 1)
            completion = await self._complete(**request)
            try:
                result: BaseModel = self._handlers.response_parser(
                    response=completion,
                    response_model=response_model,
                    validation_context=context,
                    strict=True,  # as instructor's create() parses
                    stream=False,
                    is_async=True,
                )
                return result
            except _ANSWER_ERRORS as exc:
                failed.append(FailedAttempt(number, exc, completion))
                if number == attempts:
                    raise InstructorRetryException(
                        str(exc),
                        last_completion=completion,
                        n_attempts=number,
                        total_usage=None,
                        messages=request["messages"],
                        create_kwargs=request,
                        failed_attempts=failed,
                    ) from exc
                if not self._local:
                    request = self._handlers.reask_handler(kwargs=request, response=completion, exception=exc)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def stream(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> AsyncIterator[Partial | Final]:
        """``Partial`` snapshots as fields appear, then one ``Final``. One upstream call: no re-ask mid-stream."""
        call = self._call(schema, text, "one", model, instructions)
        return self._within_deadline(self._partials(schema, call), schema.name)

    def stream_list(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> AsyncIterator[BaseModel]:
        """Each object as soon as it is complete and valid, at most ``max_list_items`` (for the embedded model,
        each chunk's objects once the chunk is read; see ``extract_list``)."""
        plan = self._list_plan(schema)
        if plan is not None:
            return self._within_deadline(self._translated_items(schema, text, plan, model, instructions), schema.name)
        call = self._call(schema, text, "items", model, instructions)
        return self._within_deadline(self._items(schema, call), schema.name)

    async def _translated_items(
        self, schema: CompiledSchema, text: str, plan: ListPlan, model: str | None, instructions: str | None
    ) -> AsyncGenerator[BaseModel, None]:
        with self._translated(schema.name):
            async with aclosing(self._chunked_items(schema, text, plan, model, instructions)) as items:
                async for item in items:
                    yield item

    def _stream_model(self, model: type[BaseModel], kind: Literal["partial", "items"]) -> type[BaseModel]:
        """instructor's stream wrapper of ``model`` (``Partial[model]``, or the ``{"tasks": [...]}`` iterable),
        ready as a tool, built once: ``create_partial``/``create_iterable`` build a new class on every call
        (over half of a stream's CPU)."""
        key = (kind, model)
        prepared = self._stream_models.get(key)
        if prepared is None:
            wrapper = InstructorPartial[model] if kind == "partial" else IterableModel(model)
            prepared = self._stream_models[key] = response_schema(wrapper)
            _reject_once(prepared)
        return prepared

    async def _stream_from(self, response_model: type[BaseModel], hooks: Hooks, call: dict[str, Any]) -> Any:
        """What ``create_partial``/``create_iterable`` do, given the prepared wrapper: one streamed call,
        yielding instructor's partial objects or list items. ``strict=False``: instructor's strict partial
        parsing fails on enums and dates as the object completes; the final object is validated separately."""
        client = self._client
        kwargs = client.handle_kwargs({**call, "stream": True})
        stream = await client.create_fn(
            response_model=response_model, strict=False, hooks=client.hooks + hooks, **kwargs
        )
        async with aclosing(stream):
            async for item in stream:
                yield item

    async def _partials(self, schema: CompiledSchema, call: dict[str, Any]) -> AsyncGenerator[Partial | Final, None]:
        last: dict[str, Any] | None = None
        async with _watched_stream(self._translated(schema.name)) as upstream:
            partials = self._stream_from(self._stream_model(schema.model, "partial"), upstream.hooks, call)
            async with aclosing(partials) as stream:
                async for partial in stream:
                    snapshot = partial.model_dump(exclude_none=True, warnings=False)
                    if snapshot != last:
                        last = snapshot
                        yield Partial(snapshot)
        if last is None:
            raise ExtractionFailed("the model's answer held no object", schema=schema.name, raw_answer=upstream.answer)
        try:
            # The final object is validated from the JSON the model wrote, not from the partial parser's snapshot.
            answer = repair_control_characters(upstream.answer)
            if answer:
                final = schema.model.model_validate_json(answer, context=call["context"])
            else:
                final = schema.model.model_validate(last, context=call["context"])
        except ValidationError as exc:
            raise ExtractionFailed(
                "the model's answer did not match the schema",
                schema=schema.name,
                attempts=1,
                errors=_validation_errors(exc),
                raw_answer=upstream.answer,
            ) from exc
        yield Final(final)

    async def _items(self, schema: CompiledSchema, call: dict[str, Any]) -> AsyncGenerator[BaseModel, None]:
        count = 0
        async with _watched_stream(self._translated(schema.name)) as upstream:
            items = self._stream_from(self._stream_model(schema.model, "items"), upstream.hooks, call)
            async with aclosing(items) as stream:
                async for item in stream:
                    count += 1
                    if count > self._settings.max_list_items:
                        raise self._too_many(schema)
                    yield item

    async def _within_deadline(self, source: AsyncGenerator[T, None], schema_name: str) -> AsyncIterator[T]:
        """``source`` bounded by the request deadline.

        The deadline is applied to each step on its own, because a stream's steps may run in different tasks
        (the first event is awaited before the response starts) and ``asyncio.timeout`` belongs to one task.
        """
        deadline = asyncio.get_running_loop().time() + self._settings.request_timeout
        async with aclosing(source):
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        item = await anext(source)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise UpstreamTimeout("the upstream LLM did not finish in time", schema=schema_name) from None
                yield item

    def _call(
        self, schema: CompiledSchema, text: str, shape: Shape, model: str | None, instructions: str | None
    ) -> dict[str, Any]:
        """The keyword arguments of one instructor call: messages, model, budget and bounds."""
        settings = self._settings
        options = schema.options
        chosen_model = model or options.model or self._model
        if settings.allowed_models is not None and chosen_model not in settings.allowed_models:
            allowed = ", ".join(settings.allowed_models)
            raise InvalidRequest(f"model {chosen_model!r} is not allowed here (allowed: {allowed})", schema=schema.name)
        call: dict[str, Any] = {
            "messages": build_messages(schema, text, shape=shape, instructions=instructions, small_model=self._local),
            "model": chosen_model,
            "max_retries": settings.max_retries if options.max_retries is None else options.max_retries,
            "max_tokens": self._max_tokens,
            # Validators that check answers against the input (x-gateway.from_text) read it from here.
            "context": ValidationContext(text=text),
        }
        temperature = settings.temperature if options.temperature is None else options.temperature
        if temperature is not None:
            call["temperature"] = temperature
        if self._local and options.from_text:
            # The local model's grammar only lets it write values the text offers (see grounding.value_choices).
            properties = schema.model_schema.get("properties", {})
            choices = value_choices(properties, tuple(options.from_text), text)
            if choices:
                call[RESTRICT_KEY] = (schema.model.__name__, choices)
        return call


class ValidationContext(dict[str, Any]):
    """The validation context handed to instructor: the input text, for ``x-gateway.from_text`` checks.

    It is always false: instructor renders every message as a Jinja template whenever the context is truthy,
    which would rewrite any ``{{ }}`` in the user's text (and cost a template compile per message).
    """

    def __bool__(self) -> bool:
        return False


class _UpstreamStream:
    """Watches the raw upstream stream of one call: what the model wrote and why it stopped; closes it at the end.

    instructor parses the SDK's stream inside generators of its own. It never closes the stream when its consumer
    stops early (client gone, error, deadline), so the connection would linger until garbage collection; and an
    answer cut short (no finish reason, broken JSON) just ends its item stream as if the list were complete.
    The ``completion:response`` hook hands us the stream before instructor reads it.
    """

    def __init__(self) -> None:
        self.hooks = Hooks()
        self.hooks.on("completion:response", self._watch)
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

    async def close(self) -> None:
        for stream in self._streams:
            with contextlib.suppress(Exception):
                await stream.close()


@asynccontextmanager
async def _watched_stream(translated: "_Translated") -> AsyncIterator[_UpstreamStream]:
    """One streamed upstream call: failures mapped, the answer checked complete once read, the connection closed."""
    upstream = _UpstreamStream()
    try:
        with translated:
            yield upstream
        upstream.check_complete(translated.schema_name)
    finally:
        await upstream.close()


class _Translated:
    """Context manager mapping instructor/openai/transport failures to ``GatewayError`` (once, here). A failure to
    reach an embedded model that is down becomes its ``503 model_unavailable`` (``unavailable``)."""

    def __init__(self, schema_name: str, unavailable: Callable[[], ModelUnavailable | None]) -> None:
        self.schema_name = schema_name
        self.unavailable = unavailable

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, GatewayError) and exc.schema is None:
            exc.schema = self.schema_name  # raised below the extraction (the embedded model is down)
        if exc is None or isinstance(exc, (GatewayError, asyncio.CancelledError, GeneratorExit)):
            return
        if not isinstance(exc, Exception):
            return
        error = translate_error(exc, self.schema_name)
        if type(error) is UpstreamError:
            error = self.unavailable() or error
        if error is not None:
            error.schema = error.schema or self.schema_name
            raise error from exc


def translate_error(exc: Exception, schema_name: str) -> GatewayError | None:
    """The ``GatewayError`` for an exception raised while extracting, or None if it is not ours to map."""
    if isinstance(exc, InstructorRetryException):
        cause = exc.__cause__
        if isinstance(cause, GatewayError):
            return cause
        if isinstance(cause, Exception) and not isinstance(cause, (ValidationError, ValueError)):
            return translate_error(cause, schema_name)
        attempts = exc.n_attempts
        last = exc.failed_attempts[-1] if exc.failed_attempts else None
        problem = last.exception if last else cause
        return ExtractionFailed(
            f"the model's answer did not match the schema after {attempts} attempt(s)",
            schema=schema_name,
            attempts=attempts,
            errors=_validation_errors(problem),
            raw_answer=_raw_answer(last.completion if last else exc.last_completion),
        )
    if isinstance(exc, IncompleteOutputException):
        return ExtractionFailed(
            "the model's answer was cut off (it reached max_tokens) before the object was complete",
            schema=schema_name,
            raw_answer=_raw_answer(exc.last_completion),
        )
    if isinstance(exc, (ValidationError, json.JSONDecodeError)):
        return ExtractionFailed(
            "the model's answer did not match the schema", schema=schema_name, errors=_validation_errors(exc)
        )
    if isinstance(exc, (TimeoutError, openai.APITimeoutError, httpx2.TimeoutException)):
        return UpstreamTimeout("the upstream LLM did not answer in time", schema=schema_name)
    if isinstance(exc, openai.RateLimitError):
        return UpstreamRateLimited(
            f"the upstream LLM is rate limiting: {_upstream_message(exc)}",
            schema=schema_name,
            retry_after=exc.response.headers.get("retry-after"),
            upstream_status=exc.status_code,
        )
    if isinstance(exc, openai.APIStatusError):
        return UpstreamError(
            f"the upstream LLM answered {exc.status_code}: {_upstream_message(exc)}",
            schema=schema_name,
            upstream_status=exc.status_code,
        )
    if isinstance(exc, (openai.APIConnectionError, httpx2.TransportError)):
        return UpstreamError(f"the upstream LLM is unreachable or dropped the connection: {exc}", schema=schema_name)
    if isinstance(exc, openai.APIError):
        return UpstreamError(f"the upstream LLM failed: {exc}", schema=schema_name)
    return None


def _upstream_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if isinstance(message, str):
            return message
    return exc.message


def _validation_errors(exc: BaseException | None) -> list[dict[str, Any]]:
    if isinstance(exc, ValidationError):
        return [
            {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
            for error in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
    if exc is None:
        return []
    return [{"loc": [], "msg": str(exc).splitlines()[0] if str(exc) else type(exc).__name__, "type": "parse_error"}]


def _raw_answer(completion: Any) -> str | None:
    """The text the LLM produced: the tool call's arguments or the message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if message.tool_calls:
        return str(message.tool_calls[0].function.arguments)
    return message.content if isinstance(message.content, str) else None
