"""Model profiles: how requests to a family of models are built and their answers read, whoever serves them.

The engine asks the profile, never the provider. Each field below is one extension point:

- ``max_tokens``: the bound on one generation when the settings give none;
- ``name_the_type``, ``describe_fields``: what the system message says about the schema;
- ``prepare_text``: the user's text as the model is shown it (for the schema asked: a served one, or a part of
  one read from a piece of the text);
- ``narrow_tool``: the tool's schema narrowed, per request, to the values the text offers each field (a
  grammar-constrained server then cannot invent a value);
- ``lists``: how list routes read a text (default: the whole text in one call);
- ``objects``: how one object is read from a text (default: in one call), for the JSON and stream routes alike;
- ``stream_usage``: whether a streamed call asks for its token usage (``stream_options.include_usage``; servers
  that reject the option get none, and the gateway estimates);
- ``further_attempt``: what a further attempt after an invalid answer does - instructor's re-ask turn, or a
  resample of the same conversation at ``resample_temperature``;
- ``drop_invalid_optional``: whether the last answer, still invalid, keeps what it got right - each invalid
  value of an optional field left out - instead of failing the whole object;
- ``settle``: a validated object read once more against the text before it is answered (told whether it is the
  answer's one object or an item of its list).

Two profiles ship: ``standard`` (capable hosted models: instructor's behaviour) and ``small`` (small local models).
``GATEWAY_MODEL_PROFILE`` chooses (``auto``: small for the embedded model, standard otherwise), and a schema's
``x-gateway.model_profile`` overrides it.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from gateway.schemas.compiler import CompiledSchema
from gateway.settings import ProfileSetting

ProfileName = Literal["standard", "small"]
# What one answer holds: one object, the list wrapper ``{"items": [...]}``, or the ``{"tasks": [...]}`` wrapper
# instructor streams lists with.
Shape = Literal["one", "list", "items"]
Choices = dict[str, list[Any]]
# A validated object, the text it was read from, its schema, and whether it is the answer's one object.
Settle = Callable[[BaseModel, str, CompiledSchema, bool], BaseModel]


class Ask(Protocol):
    """One validated answer from the model about ``text`` (within the request's retry budget), its fields
    narrowed to ``choices`` when given, of ``schema`` when given (a part of the request's schema, such as the
    item of an array) else of the request's; raises ``ExtractionFailed`` when every attempt is invalid."""

    def __call__(
        self,
        shape: Literal["one", "list"],
        text: str,
        choices: Choices | None = None,
        *,
        schema: CompiledSchema | None = None,
    ) -> Awaitable[Any]: ...


class ListReader(Protocol):
    """A way of reading every object of a schema in a text, in calls the reader plans."""

    def applies_to(self, schema: CompiledSchema) -> bool:
        """Whether this reader can read lists of ``schema`` (else the whole text goes in one call)."""
        ...

    def read(self, schema: CompiledSchema, text: str, ask: Ask) -> AsyncIterator[BaseModel]:
        """The objects, in text order, as they are read."""
        ...


class ObjectReader(Protocol):
    """A way of reading one object of a schema from a text in several calls."""

    def applies_to(self, schema: CompiledSchema) -> bool:
        """Whether this reader reads objects of ``schema`` (else the whole object comes in one call)."""
        ...

    def read(self, schema: CompiledSchema, text: str, ask: Ask) -> AsyncIterator[dict[str, Any] | BaseModel]:
        """The object's progress as it is read (partial dicts), then the object itself, last."""
        ...


def _unchanged(text: str, shape: Shape, schema: CompiledSchema) -> str:
    return text


@dataclass(frozen=True, kw_only=True)
class ModelProfile:
    """How requests to a family of models are built and their answers read (see the module docstring)."""

    name: ProfileName
    max_tokens: int
    name_the_type: bool = True
    describe_fields: Callable[[CompiledSchema], str] | None = None
    prepare_text: Callable[[str, Shape, CompiledSchema], str] = _unchanged
    narrow_tool: Callable[[dict[str, Any], str, CompiledSchema, Choices], dict[str, Any]] | None = None
    lists: ListReader | None = None
    objects: ObjectReader | None = None
    stream_usage: bool = False
    further_attempt: Literal["reask", "resample"] = "reask"
    resample_temperature: float = 0.7
    drop_invalid_optional: bool = False
    settle: Settle | None = None


def profile_named(name: ProfileName) -> ModelProfile:
    # Imported here: the small profile's modules import this one.
    from gateway.profiles.small import SMALL
    from gateway.profiles.standard import STANDARD

    return SMALL if name == "small" else STANDARD


def choose_profile(setting: ProfileSetting, schema_choice: ProfileName | None, *, embedded: bool) -> ModelProfile:
    """The profile for a schema's requests: its own choice, else the setting, where ``auto`` means small for the
    gateway's embedded model and standard for any other."""
    if schema_choice is not None:
        return profile_named(schema_choice)
    if setting == "auto":
        return profile_named("small" if embedded else "standard")
    return profile_named(setting)
