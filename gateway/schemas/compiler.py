"""Schema file -> ``CompiledSchema``: parse, refuse what is unsafe, generate a Pydantic model, load it."""

import hashlib
import json
import logging
import re
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Literal

import jsonschema_rs
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from gateway.errors import SchemaCompileError
from gateway.schemas import cache, codegen, safety
from gateway.schemas.from_text import with_text_checks

logger = logging.getLogger(__name__)

SCHEMA_SUFFIXES = (".json", ".yaml", ".yml")
# libyaml's safe loader when PyYAML was built with it: ten times faster than the pure-Python one at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMA_NAME = re.compile(r"[a-z0-9_-]+")
OPTIONS_KEY = "x-gateway"
# Generator keys that make generated code import arbitrary modules; schema text must never reach an import.
_FORBIDDEN_KEYS = frozenset({"customTypePath", "customBasePath"})
_FORBIDDEN_KEY_PREFIX = "x-python-"
_REF_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")
# The meta-schemas a file may name in `$schema` (bundled with the validator; no other is ever fetched or read).
_META_SCHEMAS = {
    f"json-schema.org/{draft}/schema": url
    for draft, url in {
        "draft-04": "http://json-schema.org/draft-04/schema#",
        "draft-06": "http://json-schema.org/draft-06/schema#",
        "draft-07": "http://json-schema.org/draft-07/schema#",
        "draft/2019-09": "https://json-schema.org/draft/2019-09/schema",
        "draft/2020-12": "https://json-schema.org/draft/2020-12/schema",
    }.items()
}


class Example(BaseModel):
    """One few-shot example: an input text and the object expected from it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    output: dict[str, Any] | list[dict[str, Any]] = Field(
        description="The object expected from the text; a list of objects makes it an example for list routes."
    )


class LabelledCase(BaseModel):
    """A text and what a careful reader extracts from it: one object, or (a list) every object of the type."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    expect: dict[str, Any] | list[dict[str, Any]] = Field(
        description="Leave out what the text does not state; a list makes it a case for list extraction."
    )


class SchemaOptions(BaseModel):
    """The optional ``x-gateway`` block of a schema file."""

    model_config = ConfigDict(extra="forbid")

    instructions: str | None = None
    model: str | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_retries: int | None = Field(default=None, ge=0, le=10)
    examples: list[Example] = Field(default_factory=list)
    from_text: list[str] = Field(
        default_factory=list,
        description="Top-level fields whose values must come from the input text (re-asked otherwise).",
    )
    remove: dict[str, str] = Field(
        default_factory=dict,
        description="Top-level string field -> regular expression removed from its value (e.g. leading titles).",
    )
    derived: list[str] = Field(
        default_factory=list,
        description="Fields whose value is worded or judged rather than copied from the text (a title, a summary, "
        "a sentiment): small models write them freely instead of choosing from the text. Dotted for nested fields.",
    )
    tests: list[LabelledCase] = Field(
        default_factory=list, description="Labelled cases `gateway test` scores the extraction of this schema on."
    )
    model_profile: Literal["standard", "small"] | None = Field(
        default=None, description="The model profile for this schema's requests (GATEWAY_MODEL_PROFILE otherwise)."
    )


@dataclass(frozen=True)
class CompiledSchema:
    """One served schema: its public name, its model, and what the docs show about it."""

    name: str
    path: Path
    title: str
    description: str | None
    content_hash: str
    json_schema: dict[str, Any]
    options: SchemaOptions
    model_factory: Callable[[], type[BaseModel]] = field(repr=False)
    source: str
    from_cache: bool
    max_list_items: int = 50
    # The served schema this one is a part of (an array's item, an object field), read from a piece of the
    # request's text rather than the whole; None for a served schema.
    part_of: str | None = None

    @property
    def version(self) -> str:
        """The version clients see (``Schema-Version``): the start of the file's content hash."""
        return self.content_hash[:16]

    @cached_property
    def model(self) -> type[BaseModel]:
        """The Pydantic model. A file compiled on an earlier start is executed on first use, not at start-up;
        raises ``SchemaCompileError`` if that fails."""
        return self.model_factory()

    @cached_property
    def list_model(self) -> type[BaseModel]:
        """``{"items": [model, ...]}``: what the list route asks the LLM for, so the whole list is validated.
        Built on first use."""
        return _list_model(self.model, self.max_list_items)

    @cached_property
    def model_schema(self) -> dict[str, Any]:
        """The model's own JSON Schema (what the LLM's tool is built from), made on first use."""
        return self.model.model_json_schema()


def schema_files(folder: Path) -> list[Path]:
    """The schema files of ``folder``, sorted (hidden files and other suffixes skipped)."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix in SCHEMA_SUFFIXES and not path.name.startswith(".") and path.is_file()
    )


def compile_schema(
    path: Path,
    cache_dir: Path,
    *,
    max_list_items: int = 50,
    generated: Mapping[str, str] | None = None,
    use_cache: bool = True,
) -> CompiledSchema:
    """Compile one schema file. ``generated`` may hold its model source already, by content hash (see
    ``batching.generate_in_batches``); ``use_cache=False`` generates it again whatever the cache holds.

    Raises:
        SchemaCompileError: naming the file and the problem, for anything that keeps it from being served.
    """
    where = str(path)
    name = path.stem
    if not SCHEMA_NAME.fullmatch(name):
        raise SchemaCompileError(where, f"schema name {name!r} must match [a-z0-9_-]+ (rename the file)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemaCompileError(where, f"cannot read file: {exc.strerror}") from exc
    content_hash = hashlib.sha256(raw).hexdigest()
    # A file compiled before (same bytes, same generator) skips parsing, checking and generation: only the
    # generated source's allow-list check runs again before it is executed.
    cached = cache.load_compiled(cache_dir, content_hash, path.suffix, where=where) if use_cache else None
    model: type[BaseModel] | None = None
    if cached is not None:
        # Compiled, built and checked before (same bytes, same generator): the model is made on first use.
        # Its source still passes the allow-list check before it is executed.
        document, class_name, source = cached
        options = _read_options(document, where)
    else:
        # One process compiles a file at a time: other workers wait, then find it in the cache.
        with cache.compiling(cache_dir, content_hash, path.suffix):
            cached = cache.load_compiled(cache_dir, content_hash, path.suffix, where=where) if use_cache else None
            if cached is not None:
                document, class_name, source = cached
                options = _read_options(document, where)
            else:
                logger.debug("compiling %s (version %s)", where, content_hash[:16])
                document = parse_document(raw, path)
                schema = without_gateway_keys(document)
                check_schema(schema, where, raw.decode("utf-8"))
                class_name = class_name_for(schema.get("title"), name)
                source = (generated or {}).get(content_hash, "")
                try:
                    source = source or codegen.generate_source(schema, class_name)
                except Exception as exc:  # the generator raises many kinds; all mean "this file can't be served"
                    raise SchemaCompileError(where, f"cannot generate a model: {_summary(exc)}") from exc
                options = _read_options(document, where)
                model = _build_model(source, class_name, name, options, where, new=True)
                cache.store_compiled(cache_dir, content_hash, path.suffix, document, class_name, source)
    model_factory = partial(_build_model, source, class_name, name, options, where)
    description = document.get("description")
    compiled = CompiledSchema(
        name=name,
        path=path,
        title=str(document.get("title") or class_name),
        description=description if isinstance(description, str) else None,
        content_hash=content_hash,
        json_schema=document,
        options=options,
        model_factory=model_factory,
        source=source,
        from_cache=model is None,
        max_list_items=max_list_items,
    )
    if model is not None:
        compiled.__dict__["model"] = model
    return compiled


def _build_model(
    source: str, class_name: str, name: str, options: SchemaOptions, where: str, *, new: bool = False
) -> type[BaseModel]:
    """Check and execute the generated ``source``, then add the ``x-gateway`` text checks. A ``new`` file's
    model is built at once and its examples validated, so that whatever pydantic refuses (say, a ``pattern``
    its regex engine cannot compile) or an example that does not fit fails at start-up."""
    try:
        safety.check_generated_source(source)
        model = _load_model(source, class_name, name)
        if new:
            # Models defer building their validators (schemas.model_base); a new file is built now.
            model.model_rebuild(force=True)
    except Exception as exc:  # pydantic raises many kinds when building a model from odd schemas
        raise SchemaCompileError(where, f"cannot generate a model: {_summary(exc)}") from exc
    for field_name in [*options.from_text, *options.remove]:
        if field_name not in model.model_fields:
            problem = f"x-gateway names the field {field_name!r}, which is not a top-level property"
            raise SchemaCompileError(where, problem)
    if options.from_text or options.remove:
        model = with_text_checks(model, tuple(options.from_text), _patterns(options.remove, where))
    if new:
        for index, example in enumerate(options.examples):
            try:
                for output in example.output if isinstance(example.output, list) else [example.output]:
                    model.model_validate(output, context={"text": example.text})
            except ValidationError as exc:
                problem = f"x-gateway.examples[{index}].output does not match the schema: {_first_line(exc, 2)}"
                raise SchemaCompileError(where, problem) from exc
    return model


def _patterns(remove: dict[str, str], where: str) -> dict[str, re.Pattern[str]]:
    patterns = {}
    for field_name, pattern in remove.items():
        try:
            patterns[field_name] = re.compile(pattern)
        except re.error as exc:
            raise SchemaCompileError(
                where, f"x-gateway.remove.{field_name} is not a valid regular expression: {exc}"
            ) from exc
    return patterns


def without_gateway_keys(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema the generator sees: no gateway options, no ``$id`` (refs resolve within the file)."""
    return {key: value for key, value in document.items() if key != OPTIONS_KEY and key != "$id"}


def parse_document(raw: bytes, path: Path) -> dict[str, Any]:
    where = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaCompileError(where, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_YAML_LOADER)
    except json.JSONDecodeError as exc:
        raise SchemaCompileError(where, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise SchemaCompileError(where, f"invalid YAML{at}: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise SchemaCompileError(where, f"invalid YAML: {_first_line(exc, 3)}") from exc
    except RecursionError as exc:
        raise SchemaCompileError(where, "nested too deeply to parse") from exc
    if not isinstance(document, dict):
        raise SchemaCompileError(where, f"the root must be a JSON Schema object, not {type(document).__name__}")
    if document.get("type") != "object":
        raise SchemaCompileError(where, "the root schema must have 'type: object'")
    return document


def _read_options(document: dict[str, Any], where: str) -> SchemaOptions:
    try:
        return SchemaOptions.model_validate(document.get(OPTIONS_KEY) or {})
    except ValidationError as exc:
        raise SchemaCompileError(where, f"invalid {OPTIONS_KEY} block: {_first_line(exc, 3)}") from exc


def check_schema(schema: dict[str, Any], where: str, text: str | None = None) -> None:
    """Refuse keys that reach outside the file, then check it is valid JSON Schema with resolvable refs and a
    ``required`` that names properties. Messages name the place: a JSON pointer, and the line and column in
    ``text`` (the file's text) where it can."""
    try:
        nodes = list(_walk(schema, "#"))
    except RecursionError as exc:
        raise SchemaCompileError(where, "nested too deeply") from exc
    for pointer, node in nodes:
        _check_required(node, pointer, where, text)
        for key, value in node.items():
            if key == "$schema":
                _check_meta_schema(value, pointer, where)
            if key in _FORBIDDEN_KEYS or key.startswith(_FORBIDDEN_KEY_PREFIX):
                raise SchemaCompileError(where, f"{key!r} at {pointer} is not allowed (it makes generated code import)")
            if key in _REF_KEYS:
                if not isinstance(value, str) or not value.startswith("#"):
                    raise SchemaCompileError(
                        where, f"{key} {value!r} at {pointer}: only local references ('#/$defs/...') are allowed"
                    )
                if _resolve_pointer(schema, value) is None:
                    defined = [*(schema.get("$defs") or {}), *(schema.get("definitions") or {})]
                    known = (
                        f"; the definitions are: {', '.join(map(str, defined))}" if defined else "; there are no $defs"
                    )
                    at = _at(text, [*_parts(pointer), key])
                    raise SchemaCompileError(where, f"{key} {value!r} at {pointer}{at} does not resolve{known}")
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        parts = [str(part) for part in exc.instance_path]
        location = "/".join(parts) or "(root)"
        hint = _type_hint(parts, exc.instance)
        problem = f"invalid JSON Schema at {location}{_at(text, parts)}: {_first_line(exc)}{hint}"
        raise SchemaCompileError(where, problem) from exc
    except (ValueError, jsonschema_rs.ReferencingError) as exc:
        raise SchemaCompileError(where, f"invalid JSON Schema: {_first_line(exc)}") from exc


# What a type written the Python (or another language's) way most likely meant.
_TYPE_NAMES = {
    "str": "string", "text": "string", "int": "integer", "float": "number", "double": "number", "decimal": "number",
    "bool": "boolean", "dict": "object", "map": "object", "list": "array", "tuple": "array", "none": "null",
}  # fmt: skip


def _type_hint(parts: list[str], value: Any) -> str:
    if parts and parts[-1] == "type" and isinstance(value, str) and value.lower() in _TYPE_NAMES:
        return f" - did you mean `{_TYPE_NAMES[value.lower()]}`?"
    return ""


def _check_required(node: dict[str, Any], pointer: str, where: str, text: str | None) -> None:
    """``required`` may only name the object's own properties (the generator would drop the others silently)."""
    required, properties = node.get("required"), node.get("properties")
    if not isinstance(required, list) or not isinstance(properties, dict):
        return
    unknown = [name for name in required if isinstance(name, str) and name not in properties]
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        at = _at(text, [*_parts(pointer), "required"])
        raise SchemaCompileError(
            where,
            f"required at {pointer}{at} names {names}, which is not a property here "
            f"(the properties are: {', '.join(properties) or 'none'})",
        )


def _parts(pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.removeprefix("#").split("/") if part]


def _at(text: str | None, parts: list[str]) -> str:
    """ " (line L, column C)" of the node at ``parts`` in the file's text, or "" where it cannot be told."""
    if text is None:
        return ""
    try:
        node: Any = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return ""
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
        else:
            node = None
        if node is None:
            return ""
    mark = node.start_mark
    return f" (line {mark.line + 1}, column {mark.column + 1})"


def _check_meta_schema(value: Any, pointer: str, where: str) -> None:
    """Only the bundled drafts: a `$schema` naming a file or a URL would make the validator read or fetch it."""
    known = isinstance(value, str) and value.split("://", 1)[-1].rstrip("#") in _META_SCHEMAS
    if not known or not value.startswith(("http://", "https://")):
        drafts = ", ".join(_META_SCHEMAS.values())
        raise SchemaCompileError(
            where, f"$schema {value!r} at {pointer} is not a bundled JSON Schema draft (use one of: {drafts})"
        )


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


def _resolve_pointer(schema: dict[str, Any], ref: str) -> Any:
    """The node a local ``$ref`` points at, or None ("#anchor" forms are not supported by the generator)."""
    if ref == "#":
        return schema
    if not ref.startswith("#/"):
        return None
    node: Any = schema
    for raw_part in ref[2:].split("/"):
        part = raw_part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def class_name_for(title: Any, stem: str) -> str:
    """A Python class name from the title, else from the file stem ('user_detail' -> 'UserDetail')."""
    if isinstance(title, str) and title.isidentifier() and title.isascii() and not title.startswith("_"):
        return title[0].upper() + title[1:]
    words = re.findall(r"[A-Za-z0-9]+", title if isinstance(title, str) and title.strip() else stem)
    name = "".join(word[0].upper() + word[1:] for word in words) or "Schema"
    return name if name[0].isalpha() else f"Schema{name}"


def _load_model(source: str, class_name: str, name: str) -> type[BaseModel]:
    """Execute checked source in a module of its own, so equal class names in two schemas never collide."""
    module_name = f"gateway.compiled.{name}"
    module = types.ModuleType(module_name)
    sys.modules[module_name] = module
    exec(compile(source, f"<schema {name}>", "exec"), module.__dict__)  # checked by safety.check_generated_source
    model = module.__dict__.get(class_name)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model
    # The generator renames classes whose name it dislikes (a keyword, a clash): the root model comes last.
    defined = [
        value
        for value in module.__dict__.values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module_name
    ]
    if not defined:
        raise ValueError(f"the generated code defines no model (expected {class_name!r})")
    return defined[-1]


def _list_model(model: type[BaseModel], max_items: int) -> type[BaseModel]:
    """``{"items": [model, ...]}``: what the list route asks the LLM for, so the whole list is validated."""
    list_model: type[BaseModel] = create_model(
        f"{model.__name__}List",
        __doc__=f"Every {model.__name__} found in the text, in order of appearance.",
        __module__=model.__module__,
        items=(
            list[model],  # type: ignore[valid-type]
            Field(max_length=max_items, description=f"Every {model.__name__} in the text; empty if none."),
        ),
    )
    return list_model


def _summary(exc: BaseException, limit: int = 400) -> str:
    """The whole message on one line: pydantic puts the useful part (e.g. a regex error) last."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _first_line(exc: BaseException, lines: int = 1) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(line.strip() for line in text.splitlines()[:lines])
