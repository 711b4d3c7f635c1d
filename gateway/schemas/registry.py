"""Schema name -> compiled schema, built once from a folder; bad files are kept as failures, not fatal."""

import hashlib
import logging
import multiprocessing
import os
import threading
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from gateway.errors import SchemaCompileError
from gateway.schemas import cache, codegen
from gateway.schemas.batching import generate_in_batches
from gateway.schemas.compiler import CompiledSchema, compile_schema, schema_files

logger = logging.getLogger(__name__)

# Below this many files to generate, one process does it: starting workers would cost more than it saves.
PARALLEL_THRESHOLD = 16


@dataclass(frozen=True)
class SchemaFailure:
    """A schema file that is not served, and why."""

    name: str
    path: Path
    message: str


@dataclass
class SchemaRegistry:
    cache_dir: Path
    max_list_items: int = 50
    schemas: dict[str, CompiledSchema] = field(default_factory=dict)
    failures: dict[str, SchemaFailure] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, cache_dir: Path, *, max_list_items: int = 50) -> "SchemaRegistry":
        """Compile every schema file in ``folder``; one bad file never keeps the others from loading."""
        if not folder.is_dir():
            logger.warning("schema folder %s does not exist; serving no schemas", folder)
            return cls(cache_dir, max_list_items)
        return cls.from_files(schema_files(folder), cache_dir, max_list_items=max_list_items)

    @classmethod
    def from_files(cls, files: list[Path], cache_dir: Path, *, max_list_items: int = 50) -> "SchemaRegistry":
        """Compile the given schema files; two files with one stem are both refused (the name would be ambiguous)."""
        registry = cls(cache_dir, max_list_items)
        by_name: defaultdict[str, list[Path]] = defaultdict(list)
        for path in files:
            by_name[path.stem].append(path)
        unique = [paths[0] for paths in by_name.values() if len(paths) == 1]
        generated = _generate_new_files(unique, cache_dir, max_list_items)
        for name, paths in by_name.items():
            if len(paths) > 1:
                names = ", ".join(str(path) for path in paths)
                registry._fail(name, paths[0], f"duplicate schema name {name!r} ({names}); keep one file")
                continue
            try:
                registry.schemas[name] = compile_schema(
                    paths[0], cache_dir, max_list_items=max_list_items, generated=generated
                )
            except SchemaCompileError as exc:
                registry._fail(name, paths[0], str(exc))
        return registry

    def ready(self, name: str) -> CompiledSchema | None:
        """The schema ``name`` with its model built (a file compiled on an earlier start builds it on first
        use), or None when it is unknown or its model cannot be built (it then joins ``failures``). A model from
        the cache that fails is generated again from its file first."""
        schema = self.schemas.get(name)
        if schema is None:
            return None
        try:
            schema.model  # noqa: B018 - builds it
            return schema
        except SchemaCompileError as exc:
            error = exc
        if schema.from_cache:
            logger.warning("schema %s: its cached model failed (%s); generating it again from its file", name, error)
            try:
                fresh = compile_schema(schema.path, self.cache_dir, max_list_items=self.max_list_items, use_cache=False)
                self.schemas[name] = fresh
                return fresh
            except SchemaCompileError as exc:
                error = exc
        self.schemas.pop(name, None)
        self._fail(name, schema.path, str(error))
        return None

    def _fail(self, name: str, path: Path, message: str) -> None:
        logger.error("schema %s not served: %s", name, message)
        self.failures[name] = SchemaFailure(name=name, path=path, message=message)

    @property
    def names(self) -> list[str]:
        return sorted(self.schemas)


def _generate_new_files(paths: list[Path], cache_dir: Path, max_list_items: int) -> dict[str, str]:
    """Generate the models of the files the cache does not hold yet, when there are many: code generation
    (about 10-20 ms a file) is most of a cold start. Most schemas are generated ten to a generator run
    (``generate_in_batches``); with several usable cores, worker processes (one per core) compile the files into
    the cache and the caller loads them as cached files; on one core the sources are returned for the caller
    to compile with. A file that fails here is left to the caller, which reports it."""
    if len(paths) < PARALLEL_THRESHOLD:
        return {}  # decided without reading a file: small folders compile one by one
    new = [path for path in paths if not _is_cached(path, cache_dir)]
    if len(new) < PARALLEL_THRESHOLD:
        return {}
    workers = len(os.sched_getaffinity(0))
    if workers < 2:
        return generate_in_batches(new)
    # Forked workers start at once with everything imported; with other threads running (a lock held by one
    # of them would stay held in the child), workers start from a fresh interpreter instead.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    if method == "fork":
        codegen.load_generator()  # imported once here, inherited by every worker
    compile_chunk = partial(_compile_quietly, cache_dir=cache_dir, max_list_items=max_list_items)
    size = max(1, -(-len(new) // (workers * 4)))
    chunks = [new[start : start + size] for start in range(0, len(new), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
            for _ in pool.map(compile_chunk, chunks):
                pass
    except Exception:  # a pool that cannot start or breaks: the caller compiles whatever is left, one by one
        logger.warning("parallel schema compilation failed; compiling in one process", exc_info=True)
    return {}


def _is_cached(path: Path, cache_dir: Path) -> bool:
    try:
        content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return True  # unreadable: nothing to generate, the caller reports it
    return cache.is_compiled(cache_dir, content_hash, path.suffix)


def _compile_quietly(paths: list[Path], *, cache_dir: Path, max_list_items: int) -> None:
    """Worker: compile some files into the cache (most generated in batches); their problems are
    reported by the main process."""
    generated = generate_in_batches(paths)
    for path in paths:
        try:
            compile_schema(path, cache_dir, max_list_items=max_list_items, generated=generated)
        except Exception:  # noqa: S112 - the main process compiles this file again and reports why it fails
            continue
