"""gateway: JSON Schema files in, typed LLM extraction endpoints out."""

from gateway.http.app import create_app
from gateway.settings import Settings

__all__ = ["Settings", "create_app"]
