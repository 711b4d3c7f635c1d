"""The checks every extraction request passes, in order: its key (``Authorization: Bearer`` or ``X-API-Key``), the
schema and options the key may use, and the key's limits; and afterwards what it spent. With no keys file the
gateway is open: every request passes, limits do not apply."""

import hmac
import logging
from dataclasses import dataclass
from pathlib import Path

from gateway.access.keys import ApiKey, KeyRing
from gateway.access.limits import Limits, MemoryLimits, RedisLimits, Verdict
from gateway.errors import Forbidden, RateLimited, Unauthorized
from gateway.settings import Settings

logger = logging.getLogger(__name__)

_LIMIT_WORDS = {
    "requests_per_minute": "requests per minute",
    "tokens_per_day": "tokens per day",
    "concurrent_streams": "concurrent streams",
}


@dataclass
class Pass:
    """What a request was let through with: its key (None when the gateway is open) and whether it holds a stream."""

    key: ApiKey | None
    verdict: Verdict | None = None
    stream: bool = False

    def rate_headers(self) -> dict[str, str]:
        """``RateLimit-Limit``/``-Remaining``/``-Reset`` for the key's requests-per-minute window."""
        verdict = self.verdict
        if verdict is None or verdict.limit is None:
            return {}
        return {
            "RateLimit-Limit": str(verdict.limit),
            "RateLimit-Remaining": str(verdict.remaining),
            "RateLimit-Reset": str(verdict.reset),
        }


class Gate:
    def __init__(self, keys_file: Path | None, limits: Limits, admin_key: str | None) -> None:
        self.keys = KeyRing(keys_file) if keys_file is not None else None
        self.limits = limits
        self._admin_key = admin_key

    @classmethod
    def from_settings(cls, settings: Settings) -> "Gate":
        limits: Limits = (
            RedisLimits(settings.redis_url, failure=settings.redis_failure) if settings.redis_url else MemoryLimits()
        )
        admin = settings.admin_key.get_secret_value() if settings.admin_key else None
        return cls(settings.api_keys_file, limits, admin)

    @property
    def open(self) -> bool:
        return self.keys is None

    def authenticate(self, authorization: str, api_key: str) -> ApiKey | None:
        """The request's key; ``Unauthorized`` when keys are on and it has none, or an unknown or revoked one."""
        if self.keys is None:
            return None
        secret = api_key or _bearer(authorization)
        if not secret:
            raise Unauthorized("an API key is required: send Authorization: Bearer <key> (or X-API-Key)")
        key = self.keys.find(secret)
        if key is None:
            raise Unauthorized("the API key is not valid (unknown or revoked)")
        return key

    def check_schema(self, key: ApiKey | None, name: str) -> None:
        if key is not None and not key.may_use(name):
            raise Forbidden(f"the key {key.name!r} may not use schema {name!r}", schema=name)

    def may_see(self, key: ApiKey | None, name: str) -> bool:
        """Whether a key may know the schema exists (open gateway: every schema)."""
        return key is None or key.may_use(name)

    def visible(self, key: ApiKey | None, names: list[str]) -> list[str]:
        """The schema names a key may know of."""
        return [name for name in names if self.may_see(key, name)]

    def check_options(
        self, key: ApiKey | None, *, schema: str, model: str | None, default_model: str, instructions: bool
    ) -> None:
        """With keys, a request's ``model`` and ``instructions`` are privileges: the schema's (or the default)
        model only, and no instructions, unless the key allows more."""
        if key is None:
            return
        if model is not None and model != default_model and model not in key.models:
            raise Forbidden(f"the key {key.name!r} may not choose the model {model!r}", schema=schema)
        if instructions and not key.instructions:
            raise Forbidden(f"the key {key.name!r} may not add instructions", schema=schema)

    async def admit(self, key: ApiKey | None, *, stream: bool, schema: str) -> Pass:
        if key is None:
            return Pass(None)
        verdict = await self.limits.admit(key, stream=stream)
        granted = Pass(key, verdict, stream and verdict.allowed)
        if not verdict.allowed:
            assert verdict.refused_by is not None and verdict.retry_after is not None
            raise RateLimited(
                f"the key {key.name!r} is over its limit of {_LIMIT_WORDS[verdict.refused_by]}",
                schema=schema,
                limit=verdict.refused_by,
                retry_after=verdict.retry_after,
                rate_headers=granted.rate_headers(),
            )
        return granted

    async def finish(self, granted: Pass, usage: dict[str, int]) -> None:
        """Count what the request spent, and release its stream."""
        if granted.key is None:
            return
        if granted.stream:
            await self.limits.release_stream(granted.key)
        await self.limits.spend(granted.key, usage)

    def check_admin(self, authorization: str, api_key: str) -> None:
        """Admin routes (usage totals, metrics) want the admin key when one is set."""
        if self._admin_key is None:
            if self.keys is not None:
                raise Forbidden("admin routes are off: set GATEWAY_ADMIN_KEY")
            return
        secret = api_key or _bearer(authorization)
        if not secret or not hmac.compare_digest(secret.encode(), self._admin_key.encode()):
            raise Unauthorized("the admin key is required")

    async def close(self) -> None:
        if isinstance(self.limits, RedisLimits):
            await self.limits.close()


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
