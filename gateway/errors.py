"""The gateway's errors, each carrying the HTTP status and the ``type`` clients see.

SchemaCompileError              a schema file could not become a model (start-up / `gateway check`)

GatewayError                    served as {"error": {"type", "message", "schema", ...}}
├── Unauthorized                401 unauthorized         (no API key, or an unknown one)
├── Forbidden                   403 forbidden            (the key may not use this schema, model or option)
├── RateLimited                 429 rate_limited         (a limit of the key; Retry-After, RateLimit-*)
├── LimitsUnavailable           503 limits_unavailable   (the shared limits store is down, and set to refuse)
├── SchemaNotFound              404 unknown_schema
├── SchemaUnavailable           503 schema_unavailable   (the file exists but failed to compile)
├── MethodNotAllowed            405 method_not_allowed   (an extraction route is POST only)
├── SchemaVersionMismatch       412 schema_version_mismatch (If-Match names a version no longer served)
├── InvalidRequest              422 invalid_request      (the request body)
├── ExtractionFailed            422 extraction_failed    (the LLM's answer, after every re-ask)
├── ModelUnavailable            503 model_unavailable    (the embedded model is (re)starting; Retry-After)
├── ShuttingDown                503 shutting_down        (the grace period of a stopping gateway ended)
└── UpstreamError               502 upstream_error       (unreachable, 5xx, refused, incomplete)
    ├── UpstreamTimeout         504 upstream_timeout
    └── UpstreamRateLimited     429 upstream_rate_limited (Retry-After passed on)
"""

from typing import Any


class SchemaCompileError(Exception):
    """A schema file that cannot be served; the message names the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class GatewayError(Exception):
    """``message`` is what the client reads; ``log_detail`` (an upstream's own words, which may quote secrets or
    internal addresses) goes to the log only."""

    status_code = 500
    error_type = "gateway_error"

    def __init__(
        self,
        message: str,
        *,
        schema: str | None = None,
        log_detail: str | None = None,
        retry_after: int | str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.schema = schema
        self.log_detail = log_detail
        self.retry_after = retry_after
        self.details = details if retry_after is None else {**details, "retry_after": retry_after}

    def to_dict(self) -> dict[str, Any]:
        """The JSON body (or SSE ``error`` event data) for this error."""
        body: dict[str, Any] = {"type": self.error_type, "message": self.message, "schema": self.schema}
        body.update(self.details)
        return body

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


class Unauthorized(GatewayError):
    status_code = 401
    error_type = "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(GatewayError):
    status_code = 403
    error_type = "forbidden"


class RateLimited(GatewayError):
    status_code = 429
    error_type = "rate_limited"

    def __init__(self, message: str, *, limit: str, retry_after: int, rate_headers: dict[str, str], **details: Any):
        super().__init__(message, limit=limit, retry_after=retry_after, **details)
        self.rate_headers = rate_headers

    def headers(self) -> dict[str, str]:
        return {**super().headers(), **self.rate_headers}


class LimitsUnavailable(GatewayError):
    status_code = 503
    error_type = "limits_unavailable"


class SchemaNotFound(GatewayError):
    status_code = 404
    error_type = "unknown_schema"


class SchemaUnavailable(GatewayError):
    status_code = 503
    error_type = "schema_unavailable"


class MethodNotAllowed(GatewayError):
    status_code = 405
    error_type = "method_not_allowed"

    def headers(self) -> dict[str, str]:
        return {"Allow": "POST"}


class SchemaVersionMismatch(GatewayError):
    status_code = 412
    error_type = "schema_version_mismatch"

    def __init__(self, message: str, *, served: str, **details: Any) -> None:
        super().__init__(message, served_version=served, **details)
        self.served = served

    def headers(self) -> dict[str, str]:
        return {"Schema-Version": self.served}


class InvalidRequest(GatewayError):
    status_code = 422
    error_type = "invalid_request"


class PayloadTooLarge(GatewayError):
    status_code = 413
    error_type = "payload_too_large"


class UnsupportedMediaType(GatewayError):
    status_code = 415
    error_type = "unsupported_media_type"


class ExtractionFailed(GatewayError):
    status_code = 422
    error_type = "extraction_failed"


class ModelUnavailable(GatewayError):
    status_code = 503
    error_type = "model_unavailable"


class ShuttingDown(GatewayError):
    status_code = 503
    error_type = "shutting_down"


class UpstreamError(GatewayError):
    status_code = 502
    error_type = "upstream_error"


class UpstreamTimeout(UpstreamError):
    status_code = 504
    error_type = "upstream_timeout"


class UpstreamRateLimited(UpstreamError):
    status_code = 429
    error_type = "upstream_rate_limited"
