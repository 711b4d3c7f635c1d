"""JSON Schema -> Pydantic module source, by datamodel-code-generator run in-process."""

import json
import logging
import warnings
from functools import cache
from importlib.metadata import version
from typing import Any

logger = logging.getLogger(__name__)

# The module every generated model's base class comes from (the safety allow-list admits this import).
MODEL_BASE_MODULE = "gateway.schemas.model_base"


@cache
def generator_version() -> str:
    return version("datamodel-code-generator")


def load_generator() -> None:
    """Import datamodel-code-generator now (about a second), e.g. before forking workers that use it."""
    import datamodel_code_generator  # noqa: F401


def generate_source(schema: dict[str, Any], class_name: str) -> str:
    """Run datamodel-code-generator in-process; return the module source for ``schema``."""
    # Imported here: it costs about a second, and a warm start (everything cached) never needs it.
    # Its enums are exported lazily (a module __getattr__), which mypy cannot see.
    from datamodel_code_generator import (  # type: ignore[attr-defined]
        DataModelType,
        InputFileType,
        LiteralType,
        PythonVersion,
        generate,
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = generate(
            json.dumps(schema),
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            class_name=class_name,
            formatters=[],
            disable_timestamp=True,
            use_annotated=True,
            field_constraints=True,
            use_standard_collections=True,
            use_union_operator=True,
            use_schema_description=True,
            enum_field_as_literal=LiteralType.All,
            allow_remote_refs=False,
            base_class=f"{MODEL_BASE_MODULE}.SchemaModel",
            disable_future_imports=True,
        )
    for warning in caught:
        # Constraints the generator could not express (e.g. maxLength on a URL) are worth one log line.
        logger.warning("%s: %s", class_name, warning.message)
    if not isinstance(source, str):
        raise ValueError("the generator split the schema into several modules; keep it to one root object")
    return source


# The class of a batch's own root document, dropped from the output (see generate_sources).
