"""Every failure of an extraction mapped, once, to one ``GatewayError``: the answer's (invalid, cut off) here, the
connection's by the backend (``ChatBackend.translate``)."""

import asyncio
import json
from typing import Any

from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import ValidationError

from gateway.backends import ChatBackend
from gateway.errors import ExtractionFailed, GatewayError, UpstreamTimeout


class Translated:
    """Context manager: a failure inside leaves as a ``GatewayError`` naming the schema."""

    def __init__(self, schema_name: str, backend: ChatBackend) -> None:
        self.schema_name = schema_name
        self.backend = backend

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, GatewayError):
            exc.schema = exc.schema or self.schema_name  # raised below the extraction (by the backend)
            return
        if exc is None or isinstance(exc, (asyncio.CancelledError, GeneratorExit)) or not isinstance(exc, Exception):
            return
        error = self.translate(exc)
        if error is not None:
            error.schema = error.schema or self.schema_name
            raise error from exc

    def translate(self, exc: Exception) -> GatewayError | None:
        if isinstance(exc, InstructorRetryException):
            # instructor's streaming calls wrap whatever failed (a backend error too) in their retry exception.
            cause = exc.__cause__
            if isinstance(cause, GatewayError):
                return cause
            if isinstance(cause, Exception) and not isinstance(cause, (ValidationError, ValueError)):
                return self.translate(cause)
            last = exc.failed_attempts[-1] if exc.failed_attempts else None
            return ExtractionFailed(
                f"the model's answer did not match the schema after {exc.n_attempts} attempt(s)",
                attempts=exc.n_attempts,
                errors=validation_errors(last.exception if last else cause),
                raw_answer=raw_answer(last.completion if last else exc.last_completion),
            )
        if isinstance(exc, IncompleteOutputException):
            return ExtractionFailed(
                "the model's answer was cut off (it reached max_tokens) before the object was complete",
                raw_answer=raw_answer(exc.last_completion),
            )
        if isinstance(exc, (ValidationError, json.JSONDecodeError)):
            return ExtractionFailed("the model's answer did not match the schema", errors=validation_errors(exc))
        if isinstance(exc, TimeoutError):
            return UpstreamTimeout("the upstream LLM did not answer in time")
        return self.backend.translate(exc)


def validation_errors(exc: BaseException | None) -> list[dict[str, Any]]:
    if isinstance(exc, ValidationError):
        return [
            {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
            for error in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
    if exc is None:
        return []
    return [{"loc": [], "msg": str(exc).splitlines()[0] if str(exc) else type(exc).__name__, "type": "parse_error"}]


def raw_answer(completion: Any) -> str | None:
    """The text the LLM produced: the tool call's arguments or the message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if message.tool_calls:
        return str(message.tool_calls[0].function.arguments)
    return message.content if isinstance(message.content, str) else None
