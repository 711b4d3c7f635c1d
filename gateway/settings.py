"""Gateway configuration, read once from the environment (``GATEWAY_*``, plus the OpenAI SDK's own variables)."""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

InstructorModeName = Literal["tools", "json_schema"]


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "gateway"


class Settings(BaseSettings):
    """Everything the gateway can be told, with the defaults a first run needs."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    schemas_dir: Path = Field(default=Path("schemas"), description="Folder of schema files to serve.")
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where compiled models are cached, keyed by schema content and generator version.",
    )
    host: str = "127.0.0.1"
    port: int = 8000

    model: str = Field(default="gpt-4o-mini", description="Default upstream model name.")
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
    max_tokens: int = Field(default=1024, ge=1, description="Bound on one generation.")
    max_list_items: int = Field(default=50, ge=1, description="Bound on objects returned by list routes.")
    upstream_timeout: float = Field(default=60.0, gt=0, description="Seconds for one upstream read.")
    request_timeout: float = Field(
        default=120.0, gt=0, description="Deadline in seconds for a whole extraction, retries included."
    )
    max_text_chars: int = Field(default=100_000, ge=1, description="Longest input text accepted.")
