"""Pure ASGI middleware refusing request bodies over ``GATEWAY_MAX_BODY_BYTES`` with a 413 in the error envelope."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import PayloadTooLarge
from gateway.request_context import note_error, with_request_id


class BodyLimit:
    """A declared ``Content-Length`` over the limit is refused before the body is read; a chunked body is
    counted as it arrives and stops the request (via ``PayloadTooLarge``) once it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._error()
            return message

        await self.app(scope, counted_receive, send)

    def _error(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"the request body is larger than {self.max_bytes} bytes (GATEWAY_MAX_BODY_BYTES)")

    async def _refuse(self, send: Send) -> None:
        error = self._error()
        note_error(error)
        body = json.dumps({"error": with_request_id(error.to_dict())}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
