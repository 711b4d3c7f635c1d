"""Schema files -> models: features survive, bad files fail clearly, hostile text executes nothing."""

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from gateway.errors import SchemaCompileError
from gateway.schemas import batching, cache, codegen, safety
from gateway.schemas import registry as registry_module
from gateway.schemas.batching import generate_in_batches
from gateway.schemas.compiler import compile_schema, schema_files
from gateway.schemas.registry import SchemaRegistry
from tests.conftest import SHIPPED_SCHEMAS

NAME_AGE: dict[str, Any] = {"name": {"type": "string", "description": "The name"}, "age": {"type": "integer"}}
USER = {"title": "UserDetail", "type": "object", "properties": NAME_AGE, "required": ["name", "age"]}


def write(folder: Path, filename: str, document: Any) -> Path:
    path = folder / filename
    if isinstance(document, str):
        path.write_text(document, encoding="utf-8")
    elif filename.endswith(".json"):
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", schema_files(SHIPPED_SCHEMAS), ids=lambda path: path.name)
def test_every_shipped_schema_compiles_with_its_examples(path: Path, tmp_path: Path) -> None:
    compiled = compile_schema(path, tmp_path)
    document = yaml.safe_load(path.read_text())
    assert compiled.name == path.stem
    assert compiled.model.__name__ == document["title"]
    json_schema = compiled.model.model_json_schema()
    assert set(json_schema["properties"]) == set(document["properties"])
    for field, spec in document["properties"].items():
        assert json_schema["properties"][field].get("description") == spec["description"], field
    for example in compiled.options.examples:
        outputs = example.output if isinstance(example.output, list) else [example.output]
        for output in outputs:
            compiled.model.model_validate(output)


def test_user_detail_is_the_seed_model(tmp_path: Path) -> None:
    model = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path).model
    assert model.model_validate({"name": "Jason", "age": 25}).model_dump() == {"name": "Jason", "age": 25}
    assert set(model.model_json_schema()["required"]) == {"name", "age"}


def test_refs_enums_formats_and_constraints_survive(tmp_path: Path) -> None:
    model = compile_schema(SHIPPED_SCHEMAS / "invoice.yaml", tmp_path).model
    schema = model.model_json_schema()
    assert {"Party", "Address", "LineItem"} <= set(schema["$defs"])
    assert schema["properties"]["issue_date"]["format"] == "date"
    assert "EUR" in schema["properties"]["currency"]["enum"]
    assert schema["properties"]["line_items"]["maxItems"] == 50
    assert schema["$defs"]["LineItem"]["properties"]["unit_price"]["minimum"] == 0
    assert "pattern" in schema["properties"]["invoice_number"]
    contact = compile_schema(SHIPPED_SCHEMAS / "contact_card.json", tmp_path).model
    with pytest.raises(ValueError, match="email"):
        contact.model_validate({"full_name": "A", "email": "nope", "role": "other", "preferred_channel": "none"})


def test_class_name_falls_back_to_the_stem(tmp_path: Path) -> None:
    document = {key: value for key, value in USER.items() if key != "title"}
    assert compile_schema(write(tmp_path, "shipping_label.yaml", document), tmp_path).model.__name__ == "ShippingLabel"
    spaced = {**document, "title": "Shipping label (v2)"}
    assert compile_schema(write(tmp_path, "label.yaml", spaced), tmp_path).model.__name__ == "ShippingLabelV2"


def test_two_schemas_defining_address_do_not_collide(tmp_path: Path) -> None:
    def with_address(title: str, field: str) -> dict[str, Any]:
        return {
            "title": title,
            "type": "object",
            "properties": {"address": {"$ref": "#/$defs/Address"}},
            "$defs": {"Address": {"type": "object", "properties": {field: {"type": "string"}}}},
        }

    write(tmp_path, "home.yaml", with_address("Home", "street"))
    write(tmp_path, "office.yaml", with_address("Office", "building"))
    registry = SchemaRegistry.load(tmp_path, tmp_path / "cache")
    home, _ = get_args(registry.schemas["home"].model.model_fields["address"].annotation)
    office, _ = get_args(registry.schemas["office"].model.model_fields["address"].annotation)
    assert home.__name__ == office.__name__ == "Address"
    assert set(home.model_fields) == {"street"} and set(office.model_fields) == {"building"}


def test_restart_with_unchanged_files_does_no_code_generation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "user.yaml", USER)
    first = compile_schema(path, tmp_path / "cache")
    assert not first.from_cache

    def no_generation(*args: object) -> str:
        raise AssertionError("code generation ran although the cache holds this schema")

    monkeypatch.setattr(codegen, "generate_source", no_generation)
    second = compile_schema(path, tmp_path / "cache")
    assert second.from_cache and second.source == first.source
    # A changed file is generated anew.
    write(tmp_path, "user.yaml", {**USER, "description": "changed"})
    with pytest.raises(SchemaCompileError, match="code generation ran"):
        compile_schema(path, tmp_path / "cache")


def test_gateway_options_are_read_and_checked(tmp_path: Path) -> None:
    options = {"instructions": "Be brief.", "model": "m", "temperature": 0.2, "max_retries": 3}
    document = {**USER, "x-gateway": {**options, "examples": [{"text": "Al is 3", "output": {"name": "Al", "age": 3}}]}}
    compiled = compile_schema(write(tmp_path, "user.yaml", document), tmp_path)
    assert compiled.options.instructions == "Be brief." and compiled.options.max_retries == 3
    assert compiled.options.examples[0].output == {"name": "Al", "age": 3}
    assert "x-gateway" not in compiled.model.model_json_schema()


BAD_FILES: list[tuple[str, Any, str]] = [
    ("broken.yaml", "title: [unclosed", "invalid YAML"),
    ("broken.json", "{not json", "invalid JSON at line 1"),
    ("list.yaml", ["a", "b"], "root must be a JSON Schema object"),
    ("string.yaml", {"type": "string"}, "type: object"),
    ("typo.yaml", {"type": "object", "properties": {"a": {"type": "strin"}}}, "invalid JSON Schema at properties/a"),
    (
        "python_type.yaml",
        "type: object\nproperties:\n  a:\n    type: str\n",
        "properties/a/type (line 4, column 11): \"str\" is not valid under any of the schemas listed in the 'anyOf' "
        "keyword - did you mean `string`?",
    ),
    (
        "unknown_required.yaml",
        "type: object\nproperties:\n  name: {type: string}\n  age: {type: integer}\nrequired: [name, agee]\n",
        "required at # (line 5, column 11) names 'agee', which is not a property here (the properties are: name, age)",
    ),
    (
        "nested_required.json",
        '{"type": "object", "properties": {"pet": {"$ref": "#/$defs/Pet"}},\n'
        ' "$defs": {"Pet": {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["knd"]}}}',
        "required at #/$defs/Pet (line 2, column 94) names 'knd', which is not a property here",
    ),
    (
        "dangling.yaml",
        "type: object\nproperties:\n  a: {$ref: '#/$defs/Nope'}\n$defs:\n  Addr: {type: object}\n",
        "$ref '#/$defs/Nope' at #/properties/a (line 3, column 13) does not resolve; the definitions are: Addr",
    ),
    ("yaml_position.yaml", "type: object\nproperties:\n  a: [\n", "invalid YAML at line 4 column 1"),
    ("remote.yaml", {**USER, "properties": {**NAME_AGE, "a": {"$ref": "https://x.example/s.json"}}}, "only local"),
    ("local_file.yaml", {**USER, "properties": {**NAME_AGE, "a": {"$ref": "other.yaml#/X"}}}, "only local"),
    (
        "custom_type.yaml",
        {**USER, "properties": {**NAME_AGE, "a": {"type": "string", "customTypePath": "os.system"}}},
        "not allowed",
    ),
    ("custom_base.yaml", {**USER, "customBasePath": "os.Popen"}, "not allowed"),
    (
        "x_python.yaml",
        {**USER, "properties": {**NAME_AGE, "a": {"type": "string", "x-python-import": "os"}}},
        "not allowed",
    ),
    ("bad_option.yaml", {**USER, "x-gateway": {"temprature": 1}}, "invalid x-gateway block"),
    ("bad_example.yaml", {**USER, "x-gateway": {"examples": [{"text": "t", "output": {"name": 1}}]}}, "examples[0]"),
    ("Upper.yaml", USER, "must match [a-z0-9_-]+"),
    ("not_utf8.yaml", None, "not UTF-8"),
]


@pytest.mark.parametrize(("filename", "document", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_files_fail_with_a_message_naming_file_and_problem(
    tmp_path: Path, filename: str, document: Any, message: str
) -> None:
    if document is None:
        path = tmp_path / filename
        path.write_bytes(b"title: caf\xe9\n")
    else:
        path = write(tmp_path, filename, document)
    with pytest.raises(SchemaCompileError) as failure:
        compile_schema(path, tmp_path / "cache")
    assert str(path) in str(failure.value)
    assert message in str(failure.value)


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", USER)
    write(tmp_path, "bad.yaml", "type: object\nproperties: [")
    write(tmp_path, "twin.yaml", USER)
    write(tmp_path, "twin.json", USER)
    registry = SchemaRegistry.load(tmp_path, tmp_path / "cache")
    assert registry.names == ["good"]
    assert "invalid YAML" in registry.failures["bad"].message
    assert "duplicate schema name 'twin'" in registry.failures["twin"].message


# Each string tries to break out of the Python literal it lands in, or to be evaluated where it lands.
HOSTILE = [
    "__import__('pathlib').Path(r'{canary}').write_text('pwned')",
    "x'); __import__('pathlib').Path(r'{canary}').write_text('pwned'); ('",
    'x"); __import__("pathlib").Path(r"{canary}").write_text("pwned"); ("',
    '"""\n__import__("pathlib").Path(r"{canary}").write_text("pwned")\n"""',
    "'''\n__import__('pathlib').Path(r'{canary}').write_text('pwned')\n'''",
    "\\\nimport pathlib; pathlib.Path(r'{canary}').write_text('pwned')  #",
    "{{__import__('pathlib').Path(r'{canary}').write_text('pwned')}}",
]


def hostile_schema(payload: str) -> dict[str, Any]:
    return {
        "title": payload,
        "description": payload,
        "type": "object",
        "properties": {
            payload: {"type": "string", "description": payload, "default": payload, "title": payload},
            "kind": {"type": "string", "enum": [payload, "b"], "description": payload},
            "code": {"type": "string", "pattern": payload.replace("\\", ""), "maxLength": 5},
            "nested": {"$ref": "#/$defs/Inner", "description": payload},
        },
        "$defs": {"Inner": {"type": "object", "title": payload, "properties": {"v": {"const": payload}}}},
    }


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_schema_text_executes_nothing(tmp_path: Path, template: str) -> None:
    canary = tmp_path / "canary"
    payload = template.format(canary=canary)
    path = write(tmp_path, "hostile.json", hostile_schema(payload))
    try:
        compiled = compile_schema(path, tmp_path / "cache")
    except SchemaCompileError as exc:
        assert str(path) in str(exc)
        assert "regex" in str(exc)  # the only refusal expected: the payload is not a valid `pattern`
    else:
        assert issubclass(compiled.model, BaseModel)
        assert compiled.model.model_validate({"kind": payload}).model_dump()["kind"] == payload  # kept as data
    assert not canary.exists(), "schema text was executed"


@pytest.mark.parametrize(
    "source",
    [
        "import os\n",
        "from os import system\n",
        "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int = __import__('os').getpid()\n",
        "from pydantic import BaseModel\nclass A(BaseModel):\n    def f(self): pass\n",
        "from pydantic import BaseModel\n@print\nclass A(BaseModel):\n    pass\n",
        "from pydantic import Field\nx = Field(**{'a': 1})\n",
        "print('hi')\n",
        "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int = BaseModel.__subclasses__\n",
    ],
)
def test_generated_code_outside_the_allow_list_is_refused(source: str) -> None:
    with pytest.raises(safety.UnsafeSourceError):
        safety.check_generated_source(source)


BOUNDED_USER = {
    **USER,
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "maximum": 150}},
}


@pytest.mark.parametrize(
    "edit",
    [
        lambda source: source.replace("le=150", "le=100000"),  # a widened constraint
        lambda source: source + "\nimport os\n",  # code outside the allow-list
    ],
    ids=["widened-constraint", "import"],
)
def test_a_hand_edited_cache_entry_is_generated_again(
    tmp_path: Path, edit: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, "user.yaml", BOUNDED_USER)
    compiled = compile_schema(path, tmp_path / "cache")
    [entry] = (tmp_path / "cache").glob("*.json")
    cached = json.loads(entry.read_text())
    assert cached["source"] == compiled.source and "le=150" in compiled.source
    entry.write_text(json.dumps({**cached, "source": edit(compiled.source)}))
    registry = SchemaRegistry.load(tmp_path, tmp_path / "cache")
    schema = registry.ready("user")
    assert schema is not None and not schema.from_cache and schema.source == compiled.source
    with pytest.raises(ValidationError):
        schema.model.model_validate({"name": "Al", "age": 5000})
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1 and "does not match its digest" in warnings[0] and str(path) in warnings[0]
    # The entry was written again, whole: the next start trusts it.
    again = SchemaRegistry.load(tmp_path, tmp_path / "cache").schemas["user"]
    assert again.from_cache and again.source == compiled.source


def test_a_signed_cache_entry_that_fails_on_first_use_is_generated_again(tmp_path: Path) -> None:
    # An entry whose digest matches (signed with the cache's own key) but whose source no longer loads: the model
    # is generated again from the file on first use instead of the schema being refused from then on.
    path = write(tmp_path, "user.yaml", USER)
    compiled = compile_schema(path, tmp_path / "cache")
    [entry] = (tmp_path / "cache").glob("*.json")
    cached = json.loads(entry.read_text())
    key = (tmp_path / "cache" / "entries.key").read_bytes()
    broken = {**cached, "source": compiled.source + "\nimport os\n"}
    broken["digest"] = cache._digest(key, broken)
    entry.write_text(json.dumps(broken))
    registry = SchemaRegistry.load(tmp_path, tmp_path / "cache")
    assert registry.schemas["user"].from_cache
    schema = registry.ready("user")
    assert schema is not None and schema.source == compiled.source and registry.failures == {}
    assert json.loads(entry.read_text())["source"] == compiled.source


def test_a_warm_start_executes_no_generated_code_until_a_schema_is_used(tmp_path: Path) -> None:
    write(tmp_path, "user.yaml", USER)
    write(tmp_path, "other.yaml", {**USER, "title": "Other"})
    SchemaRegistry.load(tmp_path, tmp_path / "cache")
    warm = SchemaRegistry.load(tmp_path, tmp_path / "cache")
    assert all(schema.from_cache and "model" not in vars(schema) for schema in warm.schemas.values())
    user = warm.ready("user")
    assert user is not None and user.model.model_validate({"name": "Al", "age": 3})
    assert "model" not in vars(warm.schemas["other"])


def test_many_new_files_are_compiled_by_worker_processes(tmp_path: Path) -> None:
    count = registry_module.PARALLEL_THRESHOLD + 4
    for index in range(count):
        write(tmp_path, f"person_{index:02d}.yaml", {**USER, "title": f"Person{index}"})
    write(tmp_path, "broken.yaml", {**USER, "properties": {**NAME_AGE, "a": {"$ref": "#/$defs/Nope"}}})
    cold = SchemaRegistry.load(tmp_path, tmp_path / "cache")
    assert len(cold.schemas) == count and set(cold.failures) == {"broken"}
    assert "does not resolve" in cold.failures["broken"].message
    # The workers filled the cache: this process only loaded cached entries, as a warm start does.
    assert all(schema.from_cache for schema in cold.schemas.values())
    person = cold.ready("person_07")
    assert person is not None and person.model.__name__ == "Person7"


def _key_after_barrier(cache_dir: Path, barrier: Any) -> bytes | None:
    barrier.wait()
    return cache._cache_key(cache_dir)


def test_processes_making_the_cache_key_at_once_all_sign_with_one_whole_key(tmp_path: Path) -> None:
    # Worker processes start on an empty cache together: each must read the same whole key, never the empty file
    # of one still writing it (entries signed with b"" then failed their digest in the parent).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    for attempt in range(3):
        cache_dir = tmp_path / f"cache{attempt}"
        with context.Manager() as manager:
            barrier = manager.Barrier(6)
            with ProcessPoolExecutor(6, mp_context=context) as pool:
                keys = list(pool.map(_key_after_barrier, [cache_dir] * 6, [barrier] * 6))
        assert len(set(keys)) == 1 and keys[0] is not None and len(keys[0]) == 32
        assert [path.name for path in cache_dir.iterdir()] == ["entries.key"]


FLAT: dict[str, Any] = {
    "title": "Ticket",
    "description": "A support ticket.",
    "type": "object",
    "properties": {
        "code": {"type": "string", "maxLength": 12, "description": "Its code."},
        "opened": {"type": "string", "format": "date"},
        "level": {"type": "string", "enum": ["low", "high"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
        "count": {"type": "integer", "minimum": 0},
    },
    "required": ["code"],
}


ADDRESS = {"type": "object", "description": "A postal address.", "properties": {"city": {"type": "string"}}}
WITH_ADDRESS: dict[str, Any] = {
    **FLAT,
    "title": "Shipment",
    "properties": {**FLAT["properties"], "to": {"$ref": "#/$defs/Address", "description": "Where it goes."}},
    "$defs": {"Address": ADDRESS},
}


@pytest.mark.parametrize(
    ("schema", "batchable"),
    [
        (FLAT, True),
        (USER, True),
        (WITH_ADDRESS, True),
        ({**WITH_ADDRESS, "properties": {"to": {"type": "array", "items": {"$ref": "#/$defs/Address"}}}}, True),
        ({**FLAT, "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}}, False),
        ({**FLAT, "properties": {"a": {"type": "array", "items": {"type": "object"}}}}, False),
        ({**FLAT, "properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"type": "string"}}}, False),
        ({**WITH_ADDRESS, "$defs": {"address": ADDRESS}}, False),  # not named like a class
        ({**WITH_ADDRESS, "$defs": {}}, False),  # a reference to nothing
        ({**WITH_ADDRESS, "properties": {"to": {"$ref": "#/$defs/Address", "default": {}}}}, False),
        ({**FLAT, "properties": {"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}, False),
        ({**FLAT, "properties": {"a": {"enum": ["x", "y"]}}}, False),  # no type: left to the generator alone
        ({**FLAT, "additionalProperties": {"type": "string"}}, False),
        ({**FLAT, "additionalProperties": False}, True),
    ],
)
def test_which_schemas_can_share_a_generator_run(schema: dict[str, Any], batchable: bool) -> None:
    assert batching.is_batchable(schema) is batchable


def _class_source(source: str) -> tuple[set[str], str]:
    """The import lines (as a set) and the rest of a generated module, comments left out."""
    lines = [line for line in source.splitlines() if line.strip() and not line.startswith("#")]
    return {line for line in lines if line.startswith("from ")}, "\n".join(
        line for line in lines if not line.startswith("from ")
    )


def test_schemas_generated_in_one_run_match_their_own_runs(tmp_path: Path) -> None:
    invoice = SHIPPED_SCHEMAS / "invoice.yaml"
    documents = {
        "ticket": FLAT,
        "user": USER,
        "shipment": WITH_ADDRESS,
        "parcel": {**WITH_ADDRESS, "title": "Parcel"},  # its own Address, apart from the shipment's
        "note": {"type": "object", "properties": {"text": {"type": "string"}, "ok": {"type": "boolean"}}},
        "invoice": yaml.safe_load(invoice.read_text()),
    }
    paths = [write(tmp_path, f"{name}.json", document) for name, document in documents.items()]
    generated = generate_in_batches(paths)
    assert len(generated) == len(paths)
    for path in paths:
        batched = compile_schema(path, tmp_path / "batched", generated=generated)
        alone = compile_schema(path, tmp_path / "alone")
        assert batched.model.model_json_schema() == alone.model.model_json_schema()
        if path.stem in {"ticket", "shipment", "parcel"}:  # written as a one-schema run writes them
            assert _class_source(batched.source) == _class_source(alone.source)


def test_a_batch_that_does_not_split_into_the_schemas_own_classes_is_refused() -> None:
    nested = {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}}
    with pytest.raises(ValueError, match="exactly the schemas' own classes"):
        batching.generate_sources({"Ticket": FLAT, "Outer": nested})
    with pytest.raises(ValueError):  # a class named like something the generated code imports
        batching.generate_sources({"Ticket": FLAT, "Field": FLAT})
    to_annotated = {"to": {"$ref": "#/$defs/Annotated"}}
    renamed_back = {**WITH_ADDRESS, "properties": to_annotated, "$defs": {"Annotated": ADDRESS}}
    with pytest.raises(ValueError, match="also a name its code imports"):  # a definition named like an import
        batching.generate_sources({"Ticket": FLAT, "Shipment": renamed_back})
    with pytest.raises(ValueError, match="names both a schema and one of its definitions"):
        batching.generate_sources({"Address": WITH_ADDRESS})
    with pytest.raises(ValueError, match="cannot be batched"):
        batching.generate_sources({"Gwbatch0xTicket": FLAT})


def test_new_files_are_generated_in_batches_and_compile_as_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = registry_module.PARALLEL_THRESHOLD + 4
    folder = tmp_path / "schemas"
    folder.mkdir()
    for index in range(count):
        write(folder, f"ticket_{index:02d}.json", {**FLAT, "title": f"Ticket{index}"})
    write(folder, "nested.yaml", {"type": "object", "properties": {"a": {"type": "object", "properties": {}}}})
    write(folder, "sneaky.yaml", {**FLAT, "title": "Sneaky", "x-python-import": "os"})
    write(folder, "clash.yaml", {**FLAT, "title": "SchemaModel"})  # its batch fails: all compiled one by one
    runs: list[str] = []
    real_generate = codegen.generate_source

    def counted(schema: dict[str, Any], class_name: str) -> str:
        runs.append(class_name)
        return real_generate(schema, class_name)

    monkeypatch.setattr(codegen, "generate_source", counted)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})  # one core: in this process
    registry = SchemaRegistry.load(folder, tmp_path / "cache")
    assert len(registry.schemas) == count + 2 and set(registry.failures) == {"sneaky"}
    assert "x-python-import" in registry.failures["sneaky"].message
    # Three batches of up to ten (the one holding SchemaModel fails, so its files run alone), plus the nested file.
    batches = [name for name in runs if name == batching.BATCH_ROOT]
    assert len(batches) == 3 and len(runs) < count
    alone = tmp_path / "alone"
    for name in ("ticket_03", "ticket_17", "clash", "nested"):
        batched = registry.ready(name)
        single = compile_schema(folder / f"{name}.{'yaml' if name in {'clash', 'nested'} else 'json'}", alone)
        assert batched is not None and batched.model.model_json_schema() == single.model.model_json_schema()


def test_a_file_that_breaks_the_batch_check_is_generated_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [write(tmp_path, f"ticket_{index}.json", {**FLAT, "title": f"Ticket{index}"}) for index in range(3)]
    real_check = batching.is_batchable

    def deep_for_one(schema: dict[str, Any]) -> bool:
        if schema.get("title") == "Ticket1":
            raise RecursionError("maximum recursion depth exceeded")  # as a very deep YAML file would
        return real_check(schema)

    monkeypatch.setattr(batching, "is_batchable", deep_for_one)
    generated = generate_in_batches(paths)
    assert len(generated) == 2
    assert compile_schema(paths[1], tmp_path / "cache", generated=generated).model.__name__ == "Ticket1"


@pytest.mark.parametrize(
    "meta",
    [
        "https://json-schema.org/draft/2020-12/schema",
        "http://json-schema.org/draft-07/schema#",
        "http://json-schema.org/draft-04/schema",
        "https://json-schema.org/draft/2019-09/schema",
    ],
)
def test_bundled_meta_schemas_are_accepted(tmp_path: Path, meta: str) -> None:
    assert compile_schema(write(tmp_path, "user.yaml", {"$schema": meta, **USER}), tmp_path / "cache").title


def test_a_meta_schema_file_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"description": "TOP-SECRET-CONTENT"}')
    for where in ({"$schema": secret.as_uri(), **USER}, {**USER, "$defs": {"A": {"$schema": secret.as_uri()}}}):
        path = write(tmp_path, "user.yaml", where)
        with pytest.raises(SchemaCompileError) as caught:
            compile_schema(path, tmp_path / "cache")
        assert "is not a bundled JSON Schema draft" in str(caught.value) and str(path) in str(caught.value)
        assert "TOP-SECRET" not in str(caught.value)


def test_a_meta_schema_url_is_never_fetched(tmp_path: Path) -> None:
    # A listener that never answers: fetching from it would hang start-up; connecting at all is the failure.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/meta.json"
        path = write(tmp_path, "user.yaml", {"$schema": url, **USER})
        registry = SchemaRegistry.load(tmp_path, tmp_path / "cache")
        assert "is not a bundled JSON Schema draft" in registry.failures["user"].message
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    assert str(path) in registry.failures["user"].message
