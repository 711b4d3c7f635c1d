"""The compiled-model cache: one signed JSON entry per schema file, keyed by its exact bytes and the toolchain.

Each entry carries an HMAC of its content under a key kept in its own file of the cache folder: an entry edited by
hand, or half written, no longer matches and is generated again instead of being trusted.
"""

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from gateway.schemas import codegen

logger = logging.getLogger(__name__)

# Bump when the generation options or what the compiler checks change: it invalidates every cached model.
CODEGEN_REVISION = "6"


@cache
def _toolchain() -> str:
    """The generator's and pydantic's versions: generated code is only reused with the same pair."""
    return f"{codegen.generator_version()}+pydantic-{version('pydantic')}"


def _entry(cache_dir: Path, content_hash: str, suffix: str) -> Path:
    """Cache entry of a schema file: its exact bytes (hashed), its syntax, this gateway's codegen revision and
    the generator's and pydantic's versions."""
    material = "\0".join((CODEGEN_REVISION, _toolchain(), suffix, content_hash))
    return cache_dir / f"{hashlib.sha256(material.encode()).hexdigest()}.json"


def is_compiled(cache_dir: Path, content_hash: str, suffix: str) -> bool:
    return _entry(cache_dir, content_hash, suffix).is_file()


_KEY_FILE = "entries.key"


def _cache_key(cache_dir: Path) -> bytes | None:
    """The cache's signing key, made on first use; None if the folder cannot hold one (then nothing is cached)."""
    path = cache_dir / _KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    # Written whole under another name, then linked into place: a process racing this one either makes the
    # link first or reads a complete key, never an empty file it would sign with.
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".key.tmp")
    except OSError:
        return None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(os.urandom(32))
        os.link(tmp, path)
    except FileExistsError:
        pass  # another process made it first
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    try:
        return path.read_bytes()
    except OSError:
        return None


def _digest(key: bytes, entry: dict[str, Any]) -> str:
    content = json.dumps([entry["document"], entry["class_name"], entry["source"]], ensure_ascii=False)
    return hmac.new(key, content.encode(), hashlib.sha256).hexdigest()


def load_compiled(
    cache_dir: Path, content_hash: str, suffix: str, *, where: str = ""
) -> tuple[dict[str, Any], str, str] | None:
    """``(document, class_name, source)`` of a file compiled before, or None: never cached, unreadable, or not
    matching its digest (then it is removed and the caller generates it again; the log says so once)."""
    path = _entry(cache_dir, content_hash, suffix)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        document, class_name, source = entry["document"], entry["class_name"], entry["source"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        entry = None
    key = _cache_key(cache_dir)
    if entry is None or key is None or not hmac.compare_digest(str(entry.get("digest", "")), _digest(key, entry)):
        logger.warning(
            "%s: its compiled-model cache entry %s does not match its digest; generating it again", where, path
        )
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return document, class_name, source


@contextlib.contextmanager
def compiling(cache_dir: Path, content_hash: str, suffix: str) -> Iterator[None]:
    """Held while one process compiles a file (a lock file beside its entry): the gateway's other workers wait for
    it instead of compiling the same file at once. Without a writable cache, nothing is held."""
    entry = _entry(cache_dir, content_hash, suffix)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(entry.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def store_compiled(
    cache_dir: Path, content_hash: str, suffix: str, document: dict[str, Any], class_name: str, source: str
) -> None:
    key = _cache_key(cache_dir)
    if key is None:
        return  # a read-only cache only costs speed on the next start
    entry: dict[str, Any] = {"document": document, "class_name": class_name, "source": source}
    entry["digest"] = _digest(key, entry)
    _write_atomically(_entry(cache_dir, content_hash, suffix), json.dumps(entry, ensure_ascii=False))


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError:
        # A read-only cache only costs speed on the next start.
        pass
