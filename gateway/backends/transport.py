"""The upstream HTTP transport: the OpenAI SDK's ``httpx2`` client sending through an ``aiohttp`` connection pool.

httpcore's pool scans every pooled connection, with a ``poll`` system call each, on every request: at hundreds of
concurrent upstream calls that scan was the gateway's largest CPU cost. aiohttp keeps idle connections in a
per-host queue. The SDK above is unchanged (same requests, same error types, same streaming): this module only
moves bytes, and maps aiohttp's failures onto httpx2's exception types, which the SDK and ``llm.translate_error``
already understand.
"""

import contextlib
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, NamedTuple

import aiohttp
import httpx2
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

# As many concurrent upstream connections as the SDK's own default pool allows.
MAX_CONNECTIONS = 1000
KEEPALIVE_SECONDS = 30.0
_MAX_REMEMBERED_URLS = 64


class _Proxy(NamedTuple):
    url: URL | None
    auth: aiohttp.BasicAuth | None


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """Re-raise aiohttp's errors as the httpx2 error a request would have raised through httpcore."""
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx2.ConnectTimeout(str(exc) or "timed out connecting to the upstream") from exc
    except (TimeoutError, aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError) as exc:
        raise httpx2.ReadTimeout(str(exc) or "timed out reading from the upstream") from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx2.ConnectError(str(exc)) from exc
    except aiohttp.ClientPayloadError as exc:
        raise httpx2.RemoteProtocolError(f"the upstream's answer was cut short: {exc}") from exc
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
        raise httpx2.ReadError(str(exc) or "the upstream closed the connection") from exc
    except aiohttp.ClientError as exc:
        raise httpx2.TransportError(str(exc) or type(exc).__name__) from exc


class _ResponseBody(httpx2.AsyncByteStream):
    """An aiohttp response body as httpx2 reads it; closing it early closes the connection (the upstream sees
    the hang-up and stops generating) instead of returning it to the pool half read."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        if self._response.content.is_eof():
            self._response.release()
        else:
            self._response.close()


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """``httpx2.AsyncBaseTransport`` over one ``aiohttp.ClientSession``, created on first use in the running loop."""

    def __init__(self, *, max_connections: int = MAX_CONNECTIONS) -> None:
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, _Proxy] = {}  # by URL: the gateway calls one or two upstream URLs

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=KEEPALIVE_SECONDS)
            # No cookies; bodies left compressed for httpx2 to decode by the response headers. Proxies: see _proxy.
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False
            )
        return self._session

    def _proxy(self, url: str) -> _Proxy:
        """The proxy for ``url`` from HTTP(S)_PROXY / NO_PROXY (as the SDK's own client honours them), looked up
        once per URL. aiohttp's ``trust_env`` looks it up on every request, in a worker thread,
        and reads ~/.netrc each time: about a third of the gateway's CPU per request under load."""
        proxy = self._proxies.get(url)
        if proxy is None:
            if len(self._proxies) >= _MAX_REMEMBERED_URLS:
                self._proxies.clear()
            try:
                proxy = _Proxy(*get_env_proxy_for_url(URL(url)))
            except LookupError:
                proxy = _Proxy(None, None)
            self._proxies[url] = proxy
        return proxy

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        timeouts = request.extensions.get("timeout", {})
        body = await request.aread()
        url = str(request.url)
        proxy = self._proxy(url)
        with _as_httpx_errors():
            response = await self._get_session().request(
                request.method,
                url,
                headers=request.headers.multi_items(),
                data=body or None,
                allow_redirects=False,
                proxy=proxy.url,
                proxy_auth=proxy.auth,
                timeout=aiohttp.ClientTimeout(
                    connect=timeouts.get("pool"), sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
                ),
            )
        return httpx2.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_ResponseBody(response),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()},
        )

    async def post(
        self, url: str, headers: Mapping[str, str], body: bytes, read_seconds: float
    ) -> tuple[int, Any, bytes]:
        """One POST read to the end: ``(status, headers, body)``; connecting and each read may take up to
        ``read_seconds``. The gateway's JSON upstream calls come here directly, without the SDK's request and
        response layers; failures are httpx2's exception types."""
        read_timeout = aiohttp.ClientTimeout(sock_connect=read_seconds, sock_read=read_seconds)
        proxy = self._proxy(url)
        with _as_httpx_errors():
            # Decompressed here (aiohttp asks for gzip/deflate); the SDK's streams are decoded by httpx2 instead.
            async with self._get_session().post(
                url,
                data=body,
                headers=headers,
                timeout=read_timeout,
                auto_decompress=True,
                proxy=proxy.url,
                proxy_auth=proxy.auth,
            ) as response:
                return response.status, response.headers, await response.read()

    async def status_of(self, url: str, headers: Mapping[str, str], seconds: float) -> int:
        """The status of a GET of ``url`` (its body discarded); failures are httpx2's exception types."""
        timeout = aiohttp.ClientTimeout(total=seconds)
        proxy = self._proxy(url)
        with _as_httpx_errors():
            async with self._get_session().get(
                url, headers=headers, timeout=timeout, proxy=proxy.url, proxy_auth=proxy.auth
            ) as response:
                status: int = response.status
                return status

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
