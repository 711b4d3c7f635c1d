"""Shared pieces of the benchmarks: CPU pinning, starting and stopping the fake upstream / gateway / relay as
separate processes, reading ``/proc``, percentiles, the machine-busy check and the result rows.

Everything here talks to ``127.0.0.1`` only, and every wait is bounded in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = REPO_ROOT / "schemas"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
LOG_DIR = RESULTS_DIR / "logs"
PYTHON = sys.executable
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
# Open files wanted by the processes holding many connections (the stream benchmark holds ~2000 sockets).
NOFILE_WANTED = 16384

USER_TEXT = "Jason is 25 years old"
USER_BODY: dict[str, str] = {"text": USER_TEXT}

T = TypeVar("T")


def log(message: str) -> None:
    """Progress line on stderr (stdout is kept for the final table)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on uvloop when installed (as the gateway does), else on asyncio's default loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a gateway dependency
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


# --------------------------------------------------------------------------- pinning


@dataclass(frozen=True)
class Pinning:
    """Which cores the gateway (or relay) and the load side (fake upstream, load generator, clients) run on."""

    server_cpus: tuple[int, ...]
    load_cpus: tuple[int, ...]
    all_cpus: tuple[int, ...]
    pinned: bool

    def describe(self) -> dict[str, Any]:
        return {
            "pinned": self.pinned,
            "gateway_cpus": list(self.server_cpus),
            "fake_and_load_cpus": list(self.load_cpus),
            "all_cpus": list(self.all_cpus),
        }


def plan_pinning() -> Pinning:
    """Gateway on the first core, everything else on the second, when at least two cores are available."""
    cpus = tuple(sorted(os.sched_getaffinity(0)))
    if len(cpus) >= 2 and shutil.which("taskset"):
        return Pinning((cpus[0],), (cpus[1],), cpus, True)
    return Pinning(cpus, cpus, cpus, False)


def pin_self(cpus: Sequence[int]) -> None:
    """Pin this process (and the threads and children it creates later) to ``cpus``."""
    os.sched_setaffinity(0, set(cpus))


def raise_nofile(wanted: int = NOFILE_WANTED) -> int:
    """Raise this process's open-files soft limit towards ``wanted`` (children inherit it); returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --------------------------------------------------------------------------- /proc


def cpu_seconds(pid: int) -> float:
    """utime + stime of process ``pid`` (all its threads), in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # After "(comm) ", field 3 (state) is index 0: utime is field 14 -> index 11, stime field 15 -> index 12.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    """Resident set size (VmRSS) of process ``pid`` in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from the first line of ``/proc/stat``."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


def steal_seconds(cpus: tuple[int, ...]) -> float:
    """CPU seconds the hypervisor has taken from ``cpus`` since boot (``steal`` in ``/proc/stat``): time the
    gateway's core was not running anything, which shows up as latency no code change can remove."""
    total = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus and len(values) > 7:
            total += int(values[7])
    return total / CLK_TCK


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine (all cores) has been busy since boot."""
    return _machine_ticks()[0] / CLK_TCK


def machine_busy_fraction(seconds: float = 1.0) -> float:
    """Fraction of the whole machine (all cores) busy during ``seconds``."""
    busy0, total0 = _machine_ticks()
    time.sleep(seconds)
    busy1, total1 = _machine_ticks()
    return (busy1 - busy0) / max(1, total1 - total0)


def code_fingerprint() -> str:
    """A short hash of the code under test (``gateway/`` and the fake upstream): others may edit it mid-run."""
    digest = hashlib.sha256()
    for path in sorted([*(REPO_ROOT / "gateway").rglob("*.py"), REPO_ROOT / "tests" / "fake_openai.py"]):
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linearly interpolated between neighbours; nan if there are no values.

    ``inf`` entries (failed requests) sort last, and a percentile that reaches into them is ``inf``.
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    fraction = rank - low
    if fraction == 0 or ordered[high] == ordered[low]:
        return ordered[low]
    if math.isinf(ordered[high]):
        return math.inf
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def ms(seconds: float) -> float | None:
    """Seconds -> milliseconds rounded to 3 decimals (None for nan/inf, which JSON cannot hold)."""
    return None if not math.isfinite(seconds) else round(seconds * 1000, 3)


def distribution_ms(values: Sequence[float]) -> dict[str, float | None]:
    """p50/p90/p99/max/mean of latencies in seconds, as milliseconds."""
    finite = [v for v in values if math.isfinite(v)]
    return {
        "p50_ms": ms(percentile(values, 50)),
        "p90_ms": ms(percentile(values, 90)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values)) if values else None,
        "mean_ms": ms(sum(finite) / len(finite)) if finite else None,
    }


# --------------------------------------------------------------------------- result rows

Comparison = Literal["<=", ">=", "=="]


@dataclass
class Row:
    """One line of the results table: a metric, its value, and the target it is held to (if any)."""

    benchmark: str
    metric: str
    value: float | None
    unit: str
    target: float | None = None
    comparison: Comparison = "<="
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.value is None or not math.isfinite(self.value):
            return False
        if self.comparison == "<=":
            return self.value <= self.target
        if self.comparison == ">=":
            return self.value >= self.target
        return self.value == self.target

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


@dataclass
class BenchResult:
    """What one benchmark hands back: table rows, raw details for the JSON file, and any error."""

    name: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    foreign_load: float = 0.0  # share of the machine other processes used meanwhile (set by bench.__main__)
    stolen: float = 0.0  # share of the gateway's cores the hypervisor took meanwhile (set by bench.__main__)
    code: str = ""  # code_fingerprint() at the start, with " -> <new>" if the code changed during the benchmark


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    """GET a loopback URL; (status, body), or (0, b"") when nothing answers."""
    assert url.startswith(f"http://{HOST}:"), url
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), b""
    except (OSError, urllib.error.URLError):
        return 0, b""


class Service:
    """A child process (fake upstream, gateway or relay), pinned with ``taskset``, logging to a file.

    It runs in its own process group, so that stopping it also stops anything it started.
    """

    def __init__(
        self,
        name: str,
        args: Sequence[str],
        *,
        cpus: Sequence[int] | None,
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO_ROOT,
    ) -> None:
        self.name = name
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"
        command = list(args)
        if cpus is not None and shutil.which("taskset"):
            command = ["taskset", "-c", ",".join(map(str, cpus)), *command]
        self.command = command
        self.started_at = time.perf_counter()
        with self.log_path.open("ab") as log_file:
            log_file.write(f"\n=== {time.strftime('%H:%M:%S')} {' '.join(command)}\n".encode())
            log_file.flush()
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_http(self, url: str, timeout: float, interval: float = 0.01) -> float:
        """Poll ``url`` until it answers 200; returns seconds since the process was started."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            status, _ = http_get(url, timeout=max(0.5, interval * 10))
            if status == 200:
                return time.perf_counter() - self.started_at
            time.sleep(interval)
        raise TimeoutError(f"{self.name} not ready at {url} after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL it if it does not exit in ``timeout`` seconds."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        else:  # the leader is gone; make sure nothing it started is left behind
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


def start_fake(
    pinning: Pinning, *, latency: float = 0.0, chunk_delay: float = 0.0, chunk_size: int = 8, name: str = "fake"
) -> tuple[Service, str]:
    """Start ``tests/fake_openai.py`` on the load core; returns the service and its ``/v1`` base URL."""
    port = free_port()
    args = [PYTHON, "-m", "tests.fake_openai", "--host", HOST, "--port", str(port), "--latency", str(latency)]
    args += ["--chunk-delay", str(chunk_delay), "--chunk-size", str(chunk_size)]
    service = Service(name, args, cpus=pinning.load_cpus)
    base_url = f"http://{HOST}:{port}/v1"
    service.wait_http(f"{base_url}/models", timeout=30)
    return service, base_url


def gateway_env(upstream: str, cache_dir: Path, schemas_dir: Path = SCHEMAS_DIR) -> dict[str, str]:
    """The gateway's environment: the fake upstream (so the local model is never started) and a private cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "OPENAI_"))}
    env.update(
        OPENAI_BASE_URL=upstream,
        OPENAI_API_KEY="x",
        GATEWAY_MODEL="fake-model",
        GATEWAY_PROVIDER="openai",
        GATEWAY_CACHE_DIR=str(cache_dir),
        GATEWAY_SCHEMAS_DIR=str(schemas_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def start_gateway(
    pinning: Pinning,
    upstream: str,
    cache_dir: Path,
    *,
    schemas_dir: Path = SCHEMAS_DIR,
    name: str = "gateway",
    ready_timeout: float = 120.0,
    env: dict[str, str] | None = None,
) -> tuple[Service, str, float]:
    """Start ``python -m gateway serve`` on the server core (``env``: more variables); returns (service, base URL,
    seconds to ready)."""
    port = free_port()
    service = Service(
        name,
        [PYTHON, "-m", "gateway", "serve", "--port", str(port), "--schemas", str(schemas_dir)],
        cpus=pinning.server_cpus,
        env={**gateway_env(upstream, cache_dir, schemas_dir), **(env or {})},
    )
    url = f"http://{HOST}:{port}"
    try:
        ready = service.wait_http(f"{url}/healthz", timeout=ready_timeout)
    except BaseException:
        service.stop()
        raise
    return service, url, ready


def start_relay(pinning: Pinning, upstream: str, template_file: Path, mode: str) -> tuple[Service, str]:
    """Start ``bench/relay.py`` (a bare FastAPI relay, SDK call ``mode``) exactly as the gateway is served."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "OPENAI_"))}
    env["PYTHONUNBUFFERED"] = "1"
    args = [PYTHON, "-m", "bench.relay", "--port", str(port), "--upstream", upstream]
    args += ["--template", str(template_file), "--mode", mode]
    service = Service(f"relay-{mode}", args, cpus=pinning.server_cpus, env=env)
    url = f"http://{HOST}:{port}"
    try:
        service.wait_http(f"{url}/healthz", timeout=60)
    except BaseException:
        service.stop()
        raise
    return service, url


@contextlib.contextmanager
def services() -> Iterator[list[Service]]:
    """A list to put started services in; all are stopped (last first) when the block ends, whatever happens."""
    started: list[Service] = []
    try:
        yield started
    finally:
        for service in reversed(started):
            service.stop()


@contextlib.contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"gateway-bench-{prefix}-") as path:
        yield Path(path)


# --------------------------------------------------------------------------- the gateway's upstream request


@dataclass(frozen=True)
class UpstreamRequests:
    """The exact chat-completions bodies the gateway sends for ``POST /extract/user_detail`` (and its stream)."""

    extract: dict[str, Any]
    stream: dict[str, Any]

    def save(self, folder: Path) -> Path:
        path = folder / "upstream_request.json"
        path.write_text(json.dumps(self.extract))
        return path


_captured: UpstreamRequests | None = None


def capture_upstream_requests(pinning: Pinning) -> UpstreamRequests:
    """Send one extraction and one stream through a gateway to an in-process fake and keep what reached it, so
    that the direct baselines and the relay send exactly the gateway's payload (messages, tools, options)."""
    global _captured
    if _captured is not None:
        return _captured
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as fake, temp_dir("capture") as cache, services() as running:
        gateway, url, _ = start_gateway(pinning, fake.base_url, cache, name="gateway-capture")
        running.append(gateway)
        for path in ("/extract/user_detail", "/extract/user_detail/stream"):
            request = urllib.request.Request(
                f"{url}{path}", data=json.dumps(USER_BODY).encode(), headers={"content-type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        calls = fake.calls
    extract = next(call for call in calls if not call.get("stream"))
    stream = next(call for call in calls if call.get("stream"))
    _captured = UpstreamRequests(extract, stream)
    return _captured


def replace_user_text(body: Mapping[str, Any], text: str) -> dict[str, Any]:
    """A copy of a chat-completions body whose last user message is ``text``."""
    messages = [dict(message) for message in body["messages"]]
    for message in reversed(messages):
        if message.get("role") == "user":
            message["content"] = text
            break
    return {**body, "messages": messages}
