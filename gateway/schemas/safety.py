"""The allow-list generated code must pass before it is executed.

It admits the shapes datamodel-code-generator emits - imports from known modules, classes of annotated fields,
calls to ``Field``/``ConfigDict``, ``Model.model_rebuild()`` - so whatever a schema's text contains can only ever be
a string constant, never a call, an attribute access on something foreign, or an import.
"""

import ast

from gateway.schemas.codegen import MODEL_BASE_MODULE

_ALLOWED_IMPORTS = frozenset(
    {"__future__", "typing", "typing_extensions", "enum", "datetime", "decimal", "uuid", "ipaddress", "pydantic"}
)
_ALLOWED_CALLS = frozenset({"Field", "ConfigDict", "AnyUrl", "Decimal", "UUID", "date", "datetime", "time"})


class UnsafeSourceError(ValueError):
    """Generated code outside the allow-list."""


def check_generated_source(source: str) -> None:
    """Refuse generated code that does anything but declare models (see the module docstring)."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module not in _ALLOWED_IMPORTS and node.module != MODEL_BASE_MODULE):
                _refuse(node, f"import from {node.module!r}")
        elif isinstance(node, ast.ClassDef):
            _check_class(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            _check_assignment(node)
        elif isinstance(node, ast.Expr):
            if not (_is_docstring(node) or _is_model_rebuild(node)):
                _refuse(node, "a bare expression")
        else:
            _refuse(node, type(node).__name__)


def _check_class(node: ast.ClassDef) -> None:
    if node.decorator_list or node.keywords:
        _refuse(node, "a class decorator or keyword")
    for base in node.bases:
        _check_expression(base)
    for item in node.body:
        if isinstance(item, (ast.Assign, ast.AnnAssign)):
            _check_assignment(item)
        elif not (isinstance(item, ast.Pass) or (isinstance(item, ast.Expr) and _is_docstring(item))):
            _refuse(item, f"{type(item).__name__} in a class body")


def _check_assignment(node: ast.Assign | ast.AnnAssign) -> None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if not isinstance(target, ast.Name) or target.id.startswith("__"):
            _refuse(node, "an assignment to something other than a plain name")
    if isinstance(node, ast.AnnAssign):
        _check_expression(node.annotation)
    if node.value is not None:
        _check_expression(node.value)


def _check_expression(node: ast.expr) -> None:
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            if not (isinstance(child.func, ast.Name) and child.func.id in _ALLOWED_CALLS):
                _refuse(child, "a call")
            if any(keyword.arg is None for keyword in child.keywords):
                _refuse(child, "a ** argument")
        elif isinstance(child, ast.Name):
            if child.id.startswith("_"):
                _refuse(child, f"the name {child.id!r}")
        elif isinstance(child, ast.Attribute):
            if not isinstance(child.value, ast.Name) or child.attr.startswith("_"):
                _refuse(child, "an attribute access")
        elif not isinstance(child, _SAFE_EXPRESSION_NODES):
            _refuse(child, type(child).__name__)


_SAFE_EXPRESSION_NODES = (
    ast.Constant,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.Set,
    ast.BinOp,
    ast.BitOr,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.keyword,
    ast.Load,
    ast.Slice,
)


def _is_docstring(node: ast.Expr) -> bool:
    return isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_model_rebuild(node: ast.Expr) -> bool:
    call = node.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.attr == "model_rebuild"
        and not call.args
        and not call.keywords
    )


def _refuse(node: ast.AST, what: str) -> None:
    line = getattr(node, "lineno", "?")
    raise UnsafeSourceError(f"generated code contains {what} (line {line}); refusing to load it")
