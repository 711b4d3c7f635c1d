"""Schema name -> compiled schema, from a folder; bad files are kept as failures, not fatal.

The folder is live (``gateway.schemas.watch``): changed files are compiled off the event loop
(``compile_changes``) and the result swapped in at once on it (``apply``), each mapping replaced whole, so a request
holds the version it started with to its end. A file that breaks keeps its last good version serving, ``stale``.
"""

import hashlib
import logging
import multiprocessing
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
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


@dataclass(frozen=True)
class StaleSchema:
    """A schema whose file changed and no longer compiles: its last good version keeps serving."""

    name: str
    path: Path
    message: str
    since: float


@dataclass(frozen=True)
class Compiled:
    """A changed file that compiled (``compile_changes``)."""

    schema: CompiledSchema


@dataclass(frozen=True)
class Removed:
    """A schema whose file is gone."""

    name: str


Change = Compiled | SchemaFailure | Removed  # a changed file that compiled, did not, or is gone


@dataclass
class SchemaRegistry:
    cache_dir: Path
    max_list_items: int = 50
    schemas: dict[str, CompiledSchema] = field(default_factory=dict)
    failures: dict[str, SchemaFailure] = field(default_factory=dict)
    stale: dict[str, StaleSchema] = field(default_factory=dict)
    live_since: dict[str, float] = field(default_factory=dict)  # name -> when its served version went live
    folder: Path | None = None
    generation: int = 0  # bumped on every change; what is built from the registry (docs) follows it
    on_change: Callable[[str], None] | None = None  # told each change's outcome: live, stale, failed, removed

    @classmethod
    def load(cls, folder: Path, cache_dir: Path, *, max_list_items: int = 50) -> "SchemaRegistry":
        """Compile every schema file in ``folder``; one bad file never keeps the others from loading."""
        if not folder.is_dir():
            logger.warning("schema folder %s does not exist; serving no schemas", folder)
            return cls(cache_dir, max_list_items, folder=folder)
        registry = cls.from_files(schema_files(folder), cache_dir, max_list_items=max_list_items)
        registry.folder = folder
        return registry

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
                registry.live_since[name] = time.time()
            except SchemaCompileError as exc:
                registry._fail(name, paths[0], str(exc))
        return registry

    def compile_changes(self, changed: set[Path]) -> list[Change]:
        """What the changed files now are, compiled (CPU work: run it off the event loop). A file compiled before
        with the same bytes is left out: nothing to swap."""
        folder = self.folder
        present = schema_files(folder) if folder is not None and folder.is_dir() else []
        by_name: defaultdict[str, list[Path]] = defaultdict(list)
        for path in present:
            by_name[path.stem].append(path)
        results: list[Change] = []
        for name in sorted({path.stem for path in changed}):
            paths = by_name.get(name, [])
            if not paths:
                if name in self.schemas or name in self.failures:
                    results.append(Removed(name))
                continue
            if len(paths) > 1:
                files = ", ".join(str(path) for path in paths)
                message = f"duplicate schema name {name!r} ({files}); keep one file"
                results.append(SchemaFailure(name, paths[0], message))
                continue
            try:
                schema = compile_schema(paths[0], self.cache_dir, max_list_items=self.max_list_items)
            except SchemaCompileError as exc:
                results.append(SchemaFailure(name, paths[0], str(exc)))
                continue
            served = self.schemas.get(name)
            if served is None or served.content_hash != schema.content_hash or name in self.stale:
                results.append(Compiled(schema))
        return results

    def apply(self, changes: list[Change]) -> None:
        """Swap the changes in (on the event loop): each mapping is replaced whole, never changed in place."""
        if not changes:
            return
        schemas, failures, stale, live = (
            dict(self.schemas),
            dict(self.failures),
            dict(self.stale),
            dict(self.live_since),
        )
        for change in changes:
            outcome = "removed" if isinstance(change, Removed) else "live" if isinstance(change, Compiled) else None
            if isinstance(change, Removed):
                for mapping in (schemas, failures, stale, live):
                    mapping.pop(change.name, None)
                logger.info("schema %s removed: its file is gone", change.name)
            elif isinstance(change, Compiled):
                name = change.schema.name
                schemas[name], live[name] = change.schema, time.time()
                failures.pop(name, None)
                stale.pop(name, None)
                logger.info("schema %s is live, version %s (%s)", name, change.schema.version, change.schema.path)
            elif change.name in schemas:
                outcome = "stale"
                previous = stale.get(change.name)
                stale[change.name] = StaleSchema(change.name, change.path, change.message, time.time())
                if previous is None or previous.message != change.message:
                    logger.error(
                        "schema %s is stale: its file no longer compiles, version %s keeps serving: %s",
                        change.name,
                        schemas[change.name].version,
                        change.message,
                    )
            else:
                outcome = "failed"
                known = failures.get(change.name)
                if known is None or known.message != change.message:
                    logger.error("schema %s not served: %s", change.name, change.message)
                failures[change.name] = change
            if self.on_change is not None and outcome is not None:
                self.on_change(outcome)
        self.schemas, self.failures, self.stale, self.live_since = schemas, failures, stale, live
        self.generation += 1

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
                self.schemas = {**self.schemas, name: fresh}
                return fresh
            except SchemaCompileError as exc:
                error = exc
        self.schemas = {key: value for key, value in self.schemas.items() if key != name}
        self._fail(name, schema.path, str(error))
        self.generation += 1
        return None

    def _fail(self, name: str, path: Path, message: str) -> None:
        logger.error("schema %s not served: %s", name, message)
        self.failures = {**self.failures, name: SchemaFailure(name=name, path=path, message=message)}

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
