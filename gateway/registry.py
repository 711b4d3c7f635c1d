"""Schema name -> compiled schema, built once from a folder; bad files are kept as failures, not fatal."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from gateway.compiler import CompiledSchema, compile_schema, schema_files
from gateway.errors import SchemaCompileError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemaFailure:
    """A schema file that is not served, and why."""

    name: str
    path: Path
    message: str


@dataclass
class SchemaRegistry:
    schemas: dict[str, CompiledSchema] = field(default_factory=dict)
    failures: dict[str, SchemaFailure] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, cache_dir: Path, *, max_list_items: int = 50) -> "SchemaRegistry":
        """Compile every schema file in ``folder``; one bad file never keeps the others from loading."""
        registry = cls()
        if not folder.is_dir():
            logger.warning("schema folder %s does not exist; serving no schemas", folder)
            return registry
        by_name: defaultdict[str, list[Path]] = defaultdict(list)
        for path in schema_files(folder):
            by_name[path.stem].append(path)
        for name, paths in by_name.items():
            if len(paths) > 1:
                files = ", ".join(path.name for path in paths)
                registry._fail(name, paths[0], f"{folder}: duplicate schema name {name!r} ({files}); keep one file")
                continue
            try:
                registry.schemas[name] = compile_schema(paths[0], cache_dir, max_list_items=max_list_items)
            except SchemaCompileError as exc:
                registry._fail(name, paths[0], str(exc))
        return registry

    def ready(self, name: str) -> CompiledSchema | None:
        """The schema ``name`` with its model built (a file compiled on an earlier start builds it on first
        use), or None when it is unknown or its model cannot be built (it then joins ``failures``)."""
        schema = self.schemas.get(name)
        if schema is None:
            return None
        try:
            schema.model  # noqa: B018 - builds it
        except SchemaCompileError as exc:
            self.schemas.pop(name, None)
            self._fail(name, schema.path, str(exc))
            return None
        return schema

    def _fail(self, name: str, path: Path, message: str) -> None:
        logger.error("schema %s not served: %s", name, message)
        self.failures[name] = SchemaFailure(name=name, path=path, message=message)

    @property
    def names(self) -> list[str]:
        return sorted(self.schemas)
