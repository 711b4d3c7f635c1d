"""Serve an ASGI app with uvicorn on a free loopback port in a background thread, or run `gateway serve` as a
process of its own (real HTTP for the tests)."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn


class LiveServer:
    def __init__(self, app: Any, *, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LiveServer":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self._sock, self.port = sock, int(sock.getsockname()[1])
        config = uvicorn.Config(self.app, lifespan="on", log_config=None, access_log=False, timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, args=(self._server, sock), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the gateway did not start; see the log above")
            time.sleep(0.01)
        return self

    def _run(self, server: uvicorn.Server, sock: socket.socket) -> None:
        # asyncio.Runner ends like asyncio.run: leftover tasks cancelled and awaited, then async generators closed.
        with asyncio.Runner() as runner:
            self.loop = runner.get_loop()
            runner.run(server.serve(sockets=[sock]))

    def task_count(self) -> int:
        """Tasks alive on the server's event loop (uvicorn's own included), counted from inside the loop."""
        assert self.loop is not None

        async def count() -> int:
            return len(asyncio.all_tasks()) - 1  # not this one

        return asyncio.run_coroutine_threadsafe(count(), self.loop).result(5)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@dataclass
class ServedProcess:
    """A running `gateway serve`: a client, its log lines (as they are written), the process and its port."""

    client: httpx.Client
    log: list[str]
    process: "subprocess.Popen[str]"
    port: int

    def __iter__(self) -> Iterator[Any]:
        return iter((self.client, self.log))


def _read_lines(process: "subprocess.Popen[str]", log: list[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        log.append(line.rstrip("\n"))


@contextmanager
def served_process(env: dict[str, str], *, cwd: Path) -> Iterator[ServedProcess]:
    """`gateway serve` as a real process, with only ``env``'s OPENAI_/GATEWAY_ variables; yields a client once it
    answers and the lines of its log as they come; stops it (SIGINT, unless the test stopped it) at the end."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "GATEWAY_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--port", str(port)],
        cwd=cwd,
        env={**clean, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    # The log is read as it is written, so a test can wait for a line while the gateway still serves.
    reader = threading.Thread(target=_read_lines, args=(process, log), daemon=True)
    reader.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, "gateway serve did not start"
                    time.sleep(0.1)
            yield ServedProcess(client, log, process, port)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
