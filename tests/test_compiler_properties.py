"""Property-based: any schema file, generated or hostile, becomes a model or a clear error - never a crash, never
code execution."""

import json
import string
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.errors import SchemaCompileError
from gateway.schemas.compiler import compile_schema

CANARY = Path("/tmp/gateway-compiler-canary")

# Text that tries to become code wherever it lands in generated Python: quotes, triple quotes, backslashes,
# newlines, format braces, dunder calls writing the canary.
CODE_LIKE = [
    f"__import__('pathlib').Path('{CANARY}').write_text('x')",
    f"'); __import__('pathlib').Path('{CANARY}').write_text('x'); ('",
    f'"""); __import__("pathlib").Path("{CANARY}").write_text("x"); ("""',
    f"\\\n__import__('pathlib').Path('{CANARY}').write_text('x')\n#",
    "{__import__('os').system('id')}",
    "class X: pass",
    "\x00\x1f\u2028\u2029\ufeff",
]
words = st.one_of(
    st.sampled_from(CODE_LIKE),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
    st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=12),
)
names = st.one_of(words, st.sampled_from(["class", "def", "import", "model_config", "__init__", "self", "schema"]))

scalars = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("string")}, optional={"description": words, "maxLength": st.integers(0, 50)}
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["integer", "number"])},
        optional={"minimum": st.integers(-5, 5), "maximum": st.integers(6, 100), "description": words},
    ),
    st.fixed_dictionaries({"type": st.just("boolean")}),
    st.fixed_dictionaries(
        {"type": st.just("string"), "format": st.sampled_from(["date", "date-time", "email", "uri"])}
    ),
    st.builds(lambda values: {"enum": values}, st.lists(words, min_size=1, max_size=300, unique=True)),
    st.builds(lambda default: {"type": "string", "default": default}, words),
)


def objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(
            lambda props, title: {"type": "object", "title": title, "properties": props},
            st.dictionaries(names, children, max_size=5),
            words,
        ),
        st.builds(lambda item: {"type": "array", "items": item, "maxItems": 3}, children),
        st.builds(lambda options: {"anyOf": options}, st.lists(children, min_size=1, max_size=3)),
    )


schemas = st.recursive(scalars, objects, max_leaves=25)


def root(properties: dict[str, Any], defs: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    document: dict[str, Any] = {"type": "object", "title": title, "description": description, "properties": properties}
    if defs:
        document["$defs"] = defs
        document["properties"]["ref"] = {"$ref": f"#/$defs/{next(iter(defs))}"}
    return document


documents = st.builds(
    root,
    st.dictionaries(names, schemas, min_size=1, max_size=6),
    st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=8), schemas, max_size=2),
    words,
    words,
)


@given(document=documents)
@settings(max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_any_schema_compiles_or_fails_clearly(document: dict[str, Any], tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "generated.json"
    path.write_text(json.dumps(document))
    try:
        compiled = compile_schema(path, folder / "cache")
    except SchemaCompileError as exc:
        assert str(path) in str(exc) and exc.problem
    else:
        compiled.model.model_json_schema()
    assert not CANARY.exists(), "schema text was executed"


def nested(depth: int) -> str:
    """A schema nested ``depth`` objects deep, as JSON text (too deep for json.dumps to write)."""
    opening = "".join(f'{{"type": "object", "properties": {{"level{level}": ' for level in range(depth))
    return (
        '{"title": "Deep", "type": "object", "properties": {"top": '
        + opening
        + '{"type": "string"}'
        + "}}" * depth
        + "}}"
    )


def test_deep_nesting_compiles_or_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "deep30.json"
    path.write_text(nested(30))
    assert compile_schema(path, tmp_path / "cache").model.model_json_schema()["title"] == "Deep"
    path = tmp_path / "deep5000.json"
    path.write_text(nested(5000))
    try:
        compile_schema(path, tmp_path / "cache")
    except SchemaCompileError as exc:
        assert "nested too deeply" in str(exc)


def test_recursive_ref_compiles(tmp_path: Path) -> None:
    document = {
        "title": "Tree",
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}},
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "label": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
            }
        },
    }
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(document))
    model = compile_schema(path, tmp_path / "cache").model
    value = {"root": {"label": "a", "children": [{"label": "b", "children": []}]}}
    assert model.model_validate(value).model_dump(exclude_none=True) == value


def test_huge_enum_compiles(tmp_path: Path) -> None:
    values = [f"value {index} '\"\\" for index in range(5000)]
    document = {"title": "Big", "type": "object", "properties": {"kind": {"enum": values}}, "required": ["kind"]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document))
    model = compile_schema(path, tmp_path / "cache").model
    assert model.model_validate({"kind": values[4321]}).model_dump() == {"kind": values[4321]}
