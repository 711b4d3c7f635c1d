"""API keys: a YAML file of named keys (``GATEWAY_API_KEYS_FILE``), each stored as the SHA-256 of its secret with
the schemas it may use, its limits and its privileges. ``gateway keys create`` prints a secret once; the file never
holds one. The file is read again whenever it changes on disk (checked at most once a second), so a revoked key
stops working without a restart.
"""

import fnmatch
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

logger = logging.getLogger(__name__)

SECRET_PREFIX = "gw_"
# How often the file's modification time is looked at.
RELOAD_CHECK_SECONDS = 1.0


class ApiKey(BaseModel):
    """One key as the file stores it (its secret only as a hash)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the secret, hex.")
    schemas: list[str] = Field(default_factory=lambda: ["*"], description="Schema names or shell patterns.")
    requests_per_minute: int | None = Field(default=None, ge=1)
    tokens_per_day: int | None = Field(default=None, ge=1)
    concurrent_streams: int | None = Field(default=None, ge=1)
    models: list[str] = Field(
        default_factory=list, description="Models a request may name; empty: only the schema's or default model."
    )
    instructions: bool = Field(default=False, description="Whether requests may add instructions.")
    created: datetime
    revoked: datetime | None = None

    def may_use(self, schema: str) -> bool:
        return any(fnmatch.fnmatchcase(schema, pattern) for pattern in self.schemas)


class KeyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[ApiKey] = Field(default_factory=list)


class KeyFileError(ValueError):
    """The keys file cannot be read; the message names it and the problem."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def read_key_file(path: Path) -> KeyFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeyFile()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the keys file: {exc.strerror}") from exc
    try:
        document = yaml.safe_load(text) or {}
        return KeyFile.model_validate(document)
    except (yaml.YAMLError, ValidationError) as exc:
        raise KeyFileError(f"{path}: not a keys file: {' '.join(str(exc).split())[:300]}") from exc


def write_key_file(path: Path, keys: KeyFile) -> None:
    """Replace the file at once (readers never see half of it), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".keys-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        yaml.safe_dump(keys.model_dump(mode="json", exclude_none=True), out, sort_keys=False, allow_unicode=True)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def create_key(path: Path, name: str, **settings: Any) -> str:
    """Add a key named ``name`` and return its secret (shown once, stored only as a hash)."""
    keys = read_key_file(path)
    if any(key.name == name for key in keys.keys):
        raise KeyFileError(f"{path}: a key named {name!r} exists; revoke it or choose another name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, sha256=digest(secret), created=datetime.now(UTC), **settings)
    write_key_file(path, KeyFile(keys=[*keys.keys, key]))
    return secret


def revoke_key(path: Path, name: str) -> None:
    keys = read_key_file(path)
    if not any(key.name == name and key.revoked is None for key in keys.keys):
        raise KeyFileError(f"{path}: no active key named {name!r}")
    now = datetime.now(UTC)
    revoked = [key.model_copy(update={"revoked": now}) if key.name == name else key for key in keys.keys]
    write_key_file(path, KeyFile(keys=revoked))


@dataclass
class KeyRing:
    """The keys of a file, as a running gateway checks requests against them."""

    path: Path
    _keys: list[ApiKey] = field(default_factory=list)
    _mtime: float | None = None
    _checked: float = 0.0

    def __post_init__(self) -> None:
        self._reload(force=True)

    def _reload(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < RELOAD_CHECK_SECONDS:
            return
        self._checked = now
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            mtime = None
        if force or mtime != self._mtime:
            try:
                self._keys = [key for key in read_key_file(self.path).keys if key.revoked is None]
            except KeyFileError as exc:
                if force:
                    raise
                logger.error("%s; the keys read before stay in use", exc)  # a half-done edit must not open up
            self._mtime = mtime

    def find(self, secret: str) -> ApiKey | None:
        """The active key whose secret this is. Every stored hash is compared, in constant time each."""
        self._reload()
        wanted = digest(secret)
        found = None
        for key in self._keys:
            if hmac.compare_digest(key.sha256, wanted):
                found = key
        return found

    @property
    def keys(self) -> list[ApiKey]:
        self._reload()
        return list(self._keys)
