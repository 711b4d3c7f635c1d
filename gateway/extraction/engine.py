"""The extraction engine: one object, every object, or either streamed, from a text, for a compiled schema, through
a chat backend, as the schema's model profile says. Every failure leaves as one ``GatewayError``."""

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import instructor
from instructor.core.hooks import Hooks
from instructor.v2.core import patch as instructor_patch
from instructor.v2.core.client import AsyncInstructor
from instructor.v2.core.errors import AsyncValidationError, ResponseParsingError
from instructor.v2.core.function_calls import response_schema
from instructor.v2.core.patch import patch_v2
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.dsl.iterable import IterableModel
from instructor.v2.dsl.partial import Partial as InstructorPartial
from instructor.v2.validation import async_validators
from pydantic import BaseModel, ValidationError

from gateway.backends import ChatBackend
from gateway.errors import ExtractionFailed, InvalidRequest, UpstreamTimeout
from gateway.extraction.failures import Translated, raw_answer, validation_errors
from gateway.extraction.pinned import PinnedWriter, split_pinned, written_into
from gateway.extraction.prompt import build_messages
from gateway.extraction.repair import repair_control_characters
from gateway.extraction.streams import watched_stream
from gateway.profiles import Choices, ModelProfile, Settle, Shape, choose_profile
from gateway.schemas.compiler import CompiledSchema
from gateway.settings import ProfileSetting, Settings

logger = logging.getLogger(__name__)
# instructor logs every failed attempt at ERROR with its full text; the gateway maps each failure to one typed
# error (logged once per request), so instructor's own lines would only double the log under load.
logging.getLogger("instructor").setLevel(logging.CRITICAL)
T = TypeVar("T")


def _reject_async_validators_once(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """instructor's check that a response model has no async validators, run once per model instead of on
    every call: it walks the model's whole class tree, and a model's validators do not change. A refusal is not
    remembered, so it is raised again on every call."""
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

# Answers that fail for their content: another attempt may do better (instructor retries the same ones).
_ANSWER_ERRORS = (ValidationError, json.JSONDecodeError, AsyncValidationError, ResponseParsingError)
_MODES = {"tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA}
# The key of a call's keyword arguments that carries its narrowing (the profile's ``narrow_tool``, the text, the
# schema, choices fixed by the caller) through instructor's streaming calls to ``_send``.
_NARROW_KEY = "gateway_narrowing"
Narrowing = tuple[
    Callable[[dict[str, Any], str, CompiledSchema, Choices], dict[str, Any]], str, CompiledSchema, Choices
]


def _without_invalid_values(
    response_model: type[BaseModel], written: str | None, error: ValidationError, context: Any
) -> BaseModel | None:
    """The answer the model wrote (``written``) with each value the validation refused left out - an object's key,
    else the list item holding it - if what remains is valid, so only optional values go; None otherwise."""
    refused = [tuple(item["loc"]) for item in error.errors()]
    items = [item for loc in refused if (item := _list_item_of(loc))]
    for locations in (refused, items):
        try:
            answer = json.loads(written or "")
        except json.JSONDecodeError:
            return None
        _remove(answer, locations)
        try:
            return response_model.model_validate_json(json.dumps(answer), context=context, strict=True)
        except ValidationError:
            continue
    return None


def _list_item_of(location: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location of the list item holding ``location`` (``("items", 2)`` for ``("items", 2, "name")``)."""
    indexes = [index for index, step in enumerate(location) if isinstance(step, int)]
    return location[: indexes[-1] + 1] if indexes else ()


def _remove(answer: Any, locations: list[tuple[Any, ...]]) -> None:
    """Delete what each location points at (an object's key, a list's item) from ``answer``."""
    # Deepest first, and list items from the end: removing one does not move the others' locations.
    ordered = sorted(
        set(locations),
        key=lambda loc: (len(loc), [(0, step) if isinstance(step, int) else (1, str(step)) for step in loc]),
        reverse=True,
    )
    for location in ordered:
        if not location:  # the object as a whole was refused (a model validator): nothing to leave out
            continue
        *parents, last = location
        holder: Any = answer
        for step in parents:
            try:
                holder = holder[step]
            except (KeyError, IndexError, TypeError):
                holder = None
                break
        if isinstance(holder, dict) and isinstance(last, str):
            holder.pop(last, None)
        elif isinstance(holder, list) and isinstance(last, int) and 0 <= last < len(holder):
            del holder[last]


def _settled(answer: BaseModel, call: dict[str, Any], schema: CompiledSchema, *, alone: bool) -> BaseModel:
    """``answer`` as the call's profile settles a validated object of ``schema`` against the text (unchanged if it
    does not); ``alone``: the answer is the call's one object, not an item of its list."""
    settle: Settle | None = call["profile"].settle
    return answer if settle is None else settle(answer, call["context"]["text"], schema, alone)


@dataclass(frozen=True)
class Partial:
    """The object as formed so far (only the fields the LLM has written)."""

    data: dict[str, Any]


@dataclass(frozen=True)
class Final:
    """The complete object, validated against the schema's model."""

    value: BaseModel


class ValidationContext(dict[str, Any]):
    """The validation context handed to instructor: the input text, for ``x-gateway.from_text`` checks.

    It is always false: instructor renders every message as a Jinja template whenever the context is truthy,
    which would rewrite any ``{{ }}`` in the user's text (and cost a template compile per message).
    """

    def __bool__(self) -> bool:
        return False


class Extractor:
    """Runs extractions for compiled schemas through ``backend``."""

    def __init__(self, backend: ChatBackend, settings: Settings) -> None:
        self._backend = backend
        self._settings = settings
        mode = _MODES[backend.mode]
        self._client = AsyncInstructor(
            client=None, create=patch_v2(func=self._send, provider=Provider.OPENAI, mode=mode), mode=mode
        )
        self._handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
        self._prepared: dict[type[BaseModel], tuple[type[BaseModel], dict[str, Any]]] = {}
        self._stream_models: dict[tuple[str, type[BaseModel]], type[BaseModel]] = {}

    def default_model(self, schema: CompiledSchema) -> str:
        """The model a request for ``schema`` gets unless it names one."""
        return schema.options.model or self._backend.model

    def deterministic(self, schema: CompiledSchema) -> bool:
        """Whether the same request gets the same answer (temperature 0): only such answers may be cached."""
        options = schema.options
        return (self._settings.temperature if options.temperature is None else options.temperature) == 0

    def profile(self, schema: CompiledSchema) -> ModelProfile:
        setting: ProfileSetting = self._settings.model_profile
        return choose_profile(setting, schema.options.model_profile, embedded=self._backend.embedded)

    async def extract(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> BaseModel:
        """One object from ``text``, within the request's retry budget."""
        reader = self.profile(schema).objects
        with self._translated(schema):
            async with asyncio.timeout(self._settings.request_timeout):
                if reader is None or not reader.applies_to(schema):
                    ask = self._asker(schema, model, instructions)
                    return await ask("one", text)  # type: ignore[no-any-return]
                async with aclosing(self._object_steps(schema, text, model, instructions)) as steps:
                    async for step in steps:
                        if isinstance(step, Final):
                            return step.value
        raise AssertionError("unreachable: the steps end with the object or raise")

    async def extract_list(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> list[BaseModel]:
        """Every object of the schema's type in ``text``, as the profile reads lists (by default in one call, the
        whole list validated and re-asked at once)."""
        with self._translated(schema):
            async with asyncio.timeout(self._settings.request_timeout):
                async with aclosing(self._list_items(schema, text, model, instructions)) as items:
                    return [item async for item in items]

    def stream(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> AsyncIterator[Partial | Final]:
        """``Partial`` snapshots as fields appear, then one ``Final``. One upstream call, no re-ask mid-stream -
        unless the profile reads the object in steps: then each step's progress, as the JSON route reads it."""
        reader = self.profile(schema).objects
        if reader is not None and reader.applies_to(schema):
            steps = self._object_steps(schema, text, model, instructions)
            return self._within_deadline(steps, schema.name)
        call = self._call(schema, text, "one", model, instructions)
        return self._within_deadline(self._partials(schema, call), schema.name)

    async def _object_steps(
        self, schema: CompiledSchema, text: str, model: str | None, instructions: str | None
    ) -> AsyncGenerator[Partial | Final, None]:
        reader = self.profile(schema).objects
        assert reader is not None
        ask = self._asker(schema, model, instructions)
        with self._translated(schema):
            async with aclosing(reader.read(schema, text, ask)) as steps:  # type: ignore[type-var]
                async for step in steps:
                    if isinstance(step, BaseModel):
                        yield Final(step)
                        return
                    yield Partial(step)
        raise ExtractionFailed("the model's answer held no object", schema=schema.name)

    def stream_list(
        self, schema: CompiledSchema, text: str, *, model: str | None = None, instructions: str | None = None
    ) -> AsyncIterator[BaseModel]:
        """Each object as soon as it is complete and valid, at most ``max_list_items`` (a profile that reads lists
        in steps sends each step's objects once the step is read)."""
        if self._reads_in_steps(schema):
            return self._within_deadline(self._translated_items(schema, text, model, instructions), schema.name)
        call = self._call(schema, text, "items", model, instructions)
        return self._within_deadline(self._streamed_items(schema, call), schema.name)

    def _translated(self, schema: CompiledSchema) -> Translated:
        return Translated(schema.name, self._backend)

    def _reads_in_steps(self, schema: CompiledSchema) -> bool:
        reader = self.profile(schema).lists
        return reader is not None and reader.applies_to(schema)

    def _asker(
        self, whole: CompiledSchema, model: str | None, instructions: str | None
    ) -> Callable[..., Awaitable[Any]]:
        """The ``profiles.Ask`` of one request: one validated answer about a text, as one object or a list."""

        async def ask(
            shape: Literal["one", "list"],
            text: str,
            choices: Choices | None = None,
            *,
            schema: CompiledSchema | None = None,
        ) -> BaseModel:
            asked = schema or whole
            call = self._call(asked, text, shape, model, instructions, choices=choices)
            answer = await self._validated(asked, asked.model if shape == "one" else asked.list_model, call)
            if shape == "one":
                return _settled(answer, call, asked, alone=True)
            answer.items = [_settled(item, call, asked, alone=False) for item in answer.items]  # type: ignore[attr-defined]
            return answer

        return ask

    async def _list_items(
        self, schema: CompiledSchema, text: str, model: str | None, instructions: str | None
    ) -> AsyncGenerator[BaseModel, None]:
        reader = self.profile(schema).lists
        ask = self._asker(schema, model, instructions)
        if reader is None or not reader.applies_to(schema):
            answer = await ask("list", text)
            for item in answer.items:
                yield item
            return
        count = 0
        async with aclosing(reader.read(schema, text, ask)) as items:  # type: ignore[type-var]
            async for item in items:
                count += 1
                if count > self._settings.max_list_items:
                    raise self._too_many(schema)
                yield item

    async def _translated_items(
        self, schema: CompiledSchema, text: str, model: str | None, instructions: str | None
    ) -> AsyncGenerator[BaseModel, None]:
        with self._translated(schema):
            async with aclosing(self._list_items(schema, text, model, instructions)) as items:
                async for item in items:
                    yield item

    def _too_many(self, schema: CompiledSchema) -> ExtractionFailed:
        limit = self._settings.max_list_items
        return ExtractionFailed(
            f"the text holds more than {limit} objects (GATEWAY_MAX_LIST_ITEMS)", schema=schema.name
        )

    def _call(
        self,
        schema: CompiledSchema,
        text: str,
        shape: Shape,
        model: str | None,
        instructions: str | None,
        *,
        choices: Choices | None = None,
    ) -> dict[str, Any]:
        """The keyword arguments of one call: messages, model, budget, bounds, and the profile's narrowing."""
        settings, options, profile = self._settings, schema.options, self.profile(schema)
        chosen_model = model or self.default_model(schema)
        if settings.allowed_models is not None and chosen_model not in settings.allowed_models:
            allowed = ", ".join(settings.allowed_models)
            raise InvalidRequest(f"model {chosen_model!r} is not allowed here (allowed: {allowed})", schema=schema.name)
        call: dict[str, Any] = {
            "messages": build_messages(schema, text, shape=shape, profile=profile, instructions=instructions),
            "model": chosen_model,
            "max_retries": settings.max_retries if options.max_retries is None else options.max_retries,
            "max_tokens": settings.max_tokens or profile.max_tokens,
            # Validators that check answers against the input (x-gateway.from_text) read it from here.
            "context": ValidationContext(text=text),
            "profile": profile,
        }
        temperature = settings.temperature if options.temperature is None else options.temperature
        if temperature is not None:
            call["temperature"] = temperature
        if profile.narrow_tool is not None:
            call[_NARROW_KEY] = (profile.narrow_tool, text, schema, choices or {})
        return call

    def _prepare(self, model: type[BaseModel]) -> tuple[type[BaseModel], dict[str, Any]]:
        """instructor's response model for ``model`` and the request keys its mode adds (the tool and the forced
        tool choice, or the response format), built once: instructor otherwise rebuilds the tool schema and
        calls ``create_model`` on every request."""
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

    async def _send(self, **kwargs: Any) -> Any:
        """One chat-completions call as instructor makes it (and as ``_validated`` does): the narrowing applied
        to the tools, then the backend's JSON or stream call, with the fields it pins written into the answer."""
        narrowing: Narrowing | None = kwargs.pop(_NARROW_KEY, None)
        pinned: dict[str, Any] = {}
        if narrowing is not None and "tools" in kwargs:
            narrow, text, schema, fixed = narrowing
            tools = [narrow(tool, text, schema, fixed) for tool in kwargs["tools"]]
            if len(tools) == 1:  # the model's one forced tool: its pinned fields are written in, not generated
                tools[0], pinned = split_pinned(tools[0])
            kwargs["tools"] = tools
        if kwargs.get("stream"):
            stream = await self._backend.stream(kwargs)
            if pinned and hasattr(stream, "_iterator"):  # the SDK's AsyncStream, as UpstreamStream watches it
                setattr(stream, "_iterator", written_into(stream._iterator, pinned))  # noqa: B010
            return stream
        completion = await self._backend.complete(kwargs)
        for choice in completion.choices:
            message = choice.message
            for tool_call in message.tool_calls or []:
                if tool_call.type == "function":
                    arguments = repair_control_characters(tool_call.function.arguments)
                    tool_call.function.arguments = PinnedWriter(pinned).feed(arguments)
            if message.content:
                message.content = repair_control_characters(message.content)
        return completion

    async def _validated(self, schema: CompiledSchema, model: type[BaseModel], call: dict[str, Any]) -> BaseModel:
        """One validated object, within the call's retry budget (``1 + max_retries`` upstream calls).

        instructor's own pieces do the work - its request keys, its parsing and validation of the answer, its
        re-ask turn - in a loop of ours: instructor's ``create()`` wraps them in per-call machinery (a tenacity
        loop, usage accounting, message conversion, request copies) that costs more CPU than the rest of a
        request. A further attempt is the profile's: instructor's re-ask (the invalid answer and the validation
        errors go back as a tool message), or a resample of the same conversation at a higher temperature.
        """
        response_model, extra = self._prepare(model)
        context, profile = call["context"], call["profile"]
        request = {key: value for key, value in call.items() if key not in ("max_retries", "context", "profile")}
        request.update(extra)
        attempts = call["max_retries"] + 1
        for number in range(1, attempts + 1):
            if number > 1 and profile.further_attempt == "resample":
                request.update(temperature=profile.resample_temperature, seed=number - 1)
            completion = await self._send(**request)
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
                if number == attempts and profile.drop_invalid_optional and isinstance(exc, ValidationError):
                    kept = _without_invalid_values(response_model, raw_answer(completion), exc, context)
                    if kept is not None:
                        return kept
                if number == attempts:
                    raise ExtractionFailed(
                        f"the model's answer did not match the schema after {number} attempt(s)",
                        schema=schema.name,
                        attempts=number,
                        errors=validation_errors(exc),
                        raw_answer=raw_answer(completion),
                    ) from exc
                if profile.further_attempt == "reask":
                    request = self._handlers.reask_handler(kwargs=request, response=completion, exception=exc)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _stream_model(self, model: type[BaseModel], kind: Literal["partial", "items"]) -> type[BaseModel]:
        """instructor's stream wrapper of ``model`` (``Partial[model]``, or the ``{"tasks": [...]}`` iterable),
        ready as a tool, built once: ``create_partial``/``create_iterable`` build a new class on every call."""
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
        streamed: dict[str, Any] = {"stream": True}
        if call["profile"].stream_usage:
            streamed["stream_options"] = {"include_usage": True}
        kwargs = client.handle_kwargs({key: value for key, value in call.items() if key != "profile"} | streamed)
        stream = await client.create_fn(
            response_model=response_model, strict=False, hooks=client.hooks + hooks, **kwargs
        )
        async with aclosing(stream):
            async for item in stream:
                yield item

    async def _partials(self, schema: CompiledSchema, call: dict[str, Any]) -> AsyncGenerator[Partial | Final, None]:
        last: dict[str, Any] | None = None
        refused: ValidationError | None = None  # instructor validates the object once its JSON closes
        async with watched_stream(self._translated(schema), call) as upstream:
            partials = self._stream_from(self._stream_model(schema.model, "partial"), upstream.hooks, call)
            async with aclosing(partials) as stream:
                try:
                    async for partial in stream:
                        snapshot = partial.model_dump(exclude_none=True, warnings=False)
                        if snapshot != last:
                            last = snapshot
                            yield Partial(snapshot)
                except ValidationError as exc:
                    if not call["profile"].drop_invalid_optional:
                        raise
                    refused = exc
                    await upstream.drain()
        if refused is None and last is None:
            raise ExtractionFailed("the model's answer held no object", schema=schema.name, raw_answer=upstream.answer)
        final: BaseModel | None = None
        if refused is None:
            try:
                # The final object is validated from the JSON the model wrote, not the partial parser's snapshot.
                answer = repair_control_characters(upstream.answer)
                if answer:
                    final = schema.model.model_validate_json(answer, context=call["context"])
                else:
                    final = schema.model.model_validate(last, context=call["context"])
            except ValidationError as exc:
                refused = exc
        if refused is not None and call["profile"].drop_invalid_optional:
            final = _without_invalid_values(schema.model, upstream.answer, refused, call["context"])
        if final is None:
            assert refused is not None
            raise ExtractionFailed(
                "the model's answer did not match the schema",
                schema=schema.name,
                attempts=1,
                errors=validation_errors(refused),
                raw_answer=upstream.answer,
            ) from refused
        yield Final(_settled(final, call, schema, alone=True))

    async def _streamed_items(self, schema: CompiledSchema, call: dict[str, Any]) -> AsyncGenerator[BaseModel, None]:
        count = 0
        async with watched_stream(self._translated(schema), call) as upstream:
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
