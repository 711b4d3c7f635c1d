"""The HTTP edge of `gateway serve` under abuse (bounded connections, head size and time), and its shutdown: a
SIGTERM lets requests in flight finish within the grace period and ends the rest with `shutting_down`, streams
included - none cut silently. Real processes and raw sockets on loopback."""

import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, served_env
from tests.fake_openai import FakeOpenAI
from tests.live_server import ServedProcess, served_process

JASON = {"text": "Jason is 25 years old."}


@pytest.fixture
def edge(upstream: FakeOpenAI, codegen_cache: Path) -> Iterator[ServedProcess]:
    env = served_env(
        upstream,
        codegen_cache,
        GATEWAY_MAX_CONNECTIONS="20",
        GATEWAY_MAX_HEADER_BYTES="8192",
        GATEWAY_HEADER_TIMEOUT="1",
        GATEWAY_KEEP_ALIVE_TIMEOUT="1",
    )
    with served_process(env, cwd=REPO) as served:
        served.client.close()  # its keep-alive connection would count against the limit
        yield served


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def _one_response(sock: socket.socket) -> bytes:
    """One whole response (head and Content-Length body), however the server split it into packets."""
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _content_length(data):
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed inside a response: {data!r}"
        data += chunk
    return data


def _content_length(data: bytes) -> int:
    head = data.partition(b"\r\n\r\n")[0]
    lengths = [
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    ]
    return lengths[0] if lengths else 0


def _status_and_error(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)["error"]


def _healthy(port: int) -> bool:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as fresh:
        return fresh.get("/healthz").status_code == 200


def test_connections_over_the_limit_are_refused_not_kept(edge: ServedProcess) -> None:
    idle = [_connect(edge.port) for _ in range(20)]
    try:
        for sock in idle:
            sock.sendall(b"G")  # one byte, then nothing
        time.sleep(0.2)
        with _connect(edge.port) as extra:
            status, error = _status_and_error(_answer(extra))  # answered and closed at once
        assert status == 503 and error["type"] == "too_many_connections"
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 5
    while not _healthy(edge.port):
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_an_idle_or_slow_head_is_closed_after_the_header_timeout(edge: ServedProcess) -> None:
    silent, one_byte, slow = _connect(edge.port), _connect(edge.port), _connect(edge.port)
    one_byte.sendall(b"G")
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    sent: list[int] = []

    def drip() -> None:  # slow-loris: a byte every 0.2 s (28 s in all), never finishing the head
        try:
            for byte in head:
                slow.sendall(bytes([byte]))
                sent.append(byte)
                time.sleep(0.2)
        except OSError:
            pass  # closed by the server, as it should

    dripping = threading.Thread(target=drip, daemon=True)
    dripping.start()
    for sock in (silent, one_byte, slow):
        with sock:
            status, error = _status_and_error(_answer(sock))
            assert status == 408 and error["type"] == "request_timeout"
    # The slow head was cut off while still arriving: the timeout covers the whole head, not each byte.
    dripping.join(timeout=60)
    assert not dripping.is_alive() and len(sent) < len(head)
    assert _healthy(edge.port)


def test_an_oversized_head_is_431_before_it_is_buffered(edge: ServedProcess) -> None:
    with _connect(edge.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        try:
            for _ in range(64):  # up to 4 MB of one header line; the server stops reading long before
                sock.sendall(b"a" * 65536)
        except OSError:
            pass
        status, error = _status_and_error(_answer(sock))
    assert status == 431 and error["type"] == "headers_too_large"
    with _connect(edge.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Many: 1\r\n" * 150 + b"\r\n")
        assert _status_and_error(_answer(sock))[0] == 431
    assert _healthy(edge.port)


def test_a_body_larger_than_the_head_limit_is_fine(edge: ServedProcess) -> None:
    text = "Jason is 25 years old. " + "Filler words. " * 5000  # 70 KB, in the same packets as the head
    with httpx.Client(base_url=f"http://127.0.0.1:{edge.port}", timeout=20) as client:
        answer = client.post("/extract/user_detail", json={"text": text})
        assert answer.status_code == 200, answer.text
        # A normal head on a kept-alive connection, after a request: no 408 from a timer left running.
        time.sleep(0.5)
        assert client.get("/healthz").status_code == 200


def test_sigterm_lets_requests_finish_and_ends_the_rest_said_so(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    env = served_env(
        upstream, codegen_cache, GATEWAY_SHUTDOWN_GRACE="2", GATEWAY_UPSTREAM_TIMEOUT="30", GATEWAY_REQUEST_TIMEOUT="60"
    )
    upstream.chunk_delay, upstream.chunk_size, upstream.hang_seconds = 0.4, 2, 20
    results: dict[str, object] = {}
    try:
        with served_process(env, cwd=REPO) as served:
            base = f"http://127.0.0.1:{served.port}"

            def quick() -> None:  # finishes well within the grace period
                with httpx.Client(base_url=base, timeout=30) as http:
                    results["quick"] = http.post("/extract/user_detail", json={"text": "Al is 3 years old."})

            def hung() -> None:  # the upstream never answers in time
                with httpx.Client(base_url=base, timeout=30) as http:
                    results["hung"] = http.post("/extract/user_detail", json={"text": "Bo is 4 [[fault:hang]]"})

            def stream() -> None:  # a slow stream: 0.4 s a chunk of 2 characters
                events: list[tuple[str, str]] = []
                with httpx.Client(base_url=base, timeout=30) as http:
                    with http.stream("POST", "/extract/user_detail/stream", json=JASON) as response:
                        name = ""
                        for line in response.iter_lines():
                            if line.startswith("event: "):
                                name = line.removeprefix("event: ")
                            elif line.startswith("data: "):
                                events.append((name, line.removeprefix("data: ")))
                results["stream"] = events

            upstream.latency = 0.0
            threads = [threading.Thread(target=target) for target in (hung, stream)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)  # both in flight
            upstream.latency = 1.0
            quick_thread = threading.Thread(target=quick)
            quick_thread.start()
            time.sleep(0.3)
            stopped = time.monotonic()
            served.process.send_signal(signal.SIGTERM)
            for thread in [*threads, quick_thread]:
                thread.join(20)
            served.process.wait(20)
            took = time.monotonic() - stopped
    finally:
        upstream.chunk_delay, upstream.chunk_size, upstream.hang_seconds, upstream.latency = 0.0, 8, 10, 0.0
    quick_answer = results["quick"]
    assert isinstance(quick_answer, httpx.Response) and quick_answer.status_code == 200, quick_answer
    hung_answer = results["hung"]
    assert isinstance(hung_answer, httpx.Response) and hung_answer.status_code == 503
    assert hung_answer.json()["error"]["type"] == "shutting_down" and hung_answer.headers["retry-after"] == "1"
    events = results["stream"]
    assert isinstance(events, list)
    names = [name for name, _ in events]
    assert names[0] == "partial" and names[-3:] == ["error", "usage", "done"], names
    assert json.loads(events[-3][1])["type"] == "shutting_down"
    assert took < 2 + 5, took  # the grace period, and the margin for the last bytes
    assert served.process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    assert any("request(s) in flight have 2 s to finish" in line for line in served.log)


def test_an_idle_keep_alive_connection_is_closed(edge: ServedProcess) -> None:
    with _connect(edge.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first = _one_response(sock)
        assert first.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert _answer(sock) == b""  # nothing more: the server closes it after GATEWAY_KEEP_ALIVE_TIMEOUT (1 s)
        assert time.monotonic() - started < 5
