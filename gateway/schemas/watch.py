"""The live schema folder: file changes watched (inotify, or polling where it is not available), bursts of writes
gathered, the changed files compiled off the event loop and swapped into the registry at once."""

import asyncio
import logging
from pathlib import Path
from typing import Literal

from watchfiles import Change, awatch

from gateway.schemas.compiler import SCHEMA_SUFFIXES, schema_files
from gateway.schemas.registry import SchemaRegistry

logger = logging.getLogger(__name__)

WatchMode = Literal["auto", "polling", "off"]
# A burst of writes (an editor's save, a `git checkout`) is taken as one change once no file has changed for this
# long; a stream of writes is cut every DEBOUNCE_MS.
QUIET_MS = 50
DEBOUNCE_MS = 1600
POLL_MS = 100


def _schema_file(change: Change, path: str) -> bool:
    name = Path(path).name
    return Path(path).suffix in SCHEMA_SUFFIXES and not name.startswith(".")


async def watch_schemas(registry: SchemaRegistry, mode: WatchMode, stop: asyncio.Event) -> None:
    """Keep ``registry`` in step with its folder until ``stop`` is set."""
    folder = registry.folder
    if mode == "off" or folder is None:
        return
    if not folder.is_dir():
        logger.warning("schema folder %s does not exist: not watching it", folder)
        return
    polling = mode == "polling"
    while not stop.is_set():
        try:
            async for changes in awatch(
                folder,
                watch_filter=_schema_file,
                step=QUIET_MS,
                debounce=DEBOUNCE_MS,
                stop_event=stop,
                force_polling=polling,
                poll_delay_ms=POLL_MS,
                recursive=False,
            ):
                await refresh(registry, {Path(path) for _, path in changes})
            return
        except (OSError, RuntimeError) as exc:  # no inotify here (or no more watches): poll instead
            if polling:
                raise
            logger.warning("cannot watch %s for changes (%s); polling it every %d ms", folder, exc, POLL_MS)
            polling = True


def schema_files_of(folder: Path) -> list[Path]:
    return schema_files(folder) if folder.is_dir() else []


async def refresh(registry: SchemaRegistry, changed: set[Path]) -> None:
    """Compile the changed files in a worker thread, then swap the result in on the event loop."""
    changes = await asyncio.to_thread(registry.compile_changes, changed)
    registry.apply(changes)
