"""What ``gateway serve`` does to the processes it owns, and an app embedded in another program must not get: the
server configured for the edge (``gateway.http.edge``), enough file descriptors for its connections, metrics
shared by several workers, the garbage collector tuned for serving, and a signal that starts the grace period
(``gateway.http.shutdown``)."""

import asyncio
import gc
import logging
import os
import resource
import signal
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI

from gateway.http.app import create_app
from gateway.http.shutdown import DRAIN
from gateway.logs import logging_config
from gateway.settings import Settings

logger = logging.getLogger("gateway")

# Descriptors a process needs besides its client connections: upstream connections, files, the model's pipes.
SPARE_DESCRIPTORS = 512
# Seconds uvicorn waits beyond the grace period for the requests the drain ended to send their last bytes.
SHUTDOWN_MARGIN = 5.0

# Garbage-collector thresholds while serving (Python's defaults: 700 allocations, 10, 10). Under load each request's
# objects live as long as its upstream call, so every young collection walks the objects of every request in
# flight: one every 10 000 net allocations instead of 700, and a full collection after 100 middle-generation ones
# instead of 10 (each pauses every request). Garbage in reference cycles is still collected. Figures: docs/.
YOUNG_COLLECTION_EVERY = 10_000
FULL_COLLECTION_EVERY = 100


@asynccontextmanager
async def tuned_garbage_collector() -> AsyncIterator[None]:
    """While serving: what start-up made (models, routes, docs) is frozen out of collections, which then only walk
    the requests' own objects, and collections come less often. Undone when serving ends."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, thresholds[1], FULL_COLLECTION_EVERY)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def grace_on_signals(grace: float) -> Any:
    """While serving: SIGTERM and SIGINT start the drain's grace period, then reach the server's own handler
    (which stops accepting and waits for the requests in flight). uvicorn restores its handlers when it ends."""
    DRAIN.attach(asyncio.get_running_loop())
    signals = (signal.SIGTERM, signal.SIGINT)
    previous: dict[int, Any] = {number: signal.getsignal(number) for number in signals}

    def chained(number: int, frame: FrameType | None) -> None:
        DRAIN.begin(grace)
        handler = previous[number]
        if callable(handler):
            handler(number, frame)

    try:
        for number in signals:
            if callable(previous[number]):  # the server's (only the main thread has signal handlers)
                signal.signal(number, chained)
    except ValueError:  # not the main thread: an embedded server, which stops the way its host says
        pass
    yield


def served_app(app: FastAPI | None = None) -> FastAPI:
    """The app ``gateway serve`` runs (uvicorn's factory): ``create_app()`` with the process tuned once it started
    and its signals starting the grace period."""
    app = app or create_app()
    started = app.router.lifespan_context
    grace = app.state.settings.shutdown_grace

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with started(app) as state, tuned_garbage_collector():
            with grace_on_signals(grace):
                yield state
        _metrics_process_done()

    app.router.lifespan_context = lifespan
    return app


def serve(settings: Settings, *, host: str, port: int, workers: int, reload: bool) -> None:
    """Run the gateway: one process, several workers sharing the socket, or (``reload``) one restarted on code
    changes."""
    raise_descriptor_limit(settings.max_connections)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its samples here and /metrics reads them all; made before the workers start.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="gateway-metrics-")
    uvicorn.run(
        "gateway.process:served_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=None if reload else workers,
        http="gateway.http.edge:EdgeProtocol",
        timeout_keep_alive=max(1, round(settings.keep_alive_timeout)),
        timeout_graceful_shutdown=round(settings.shutdown_grace + SHUTDOWN_MARGIN),
        log_config=logging_config(settings.log_format, settings.log_level),
        access_log=False,  # the gateway logs requests itself (gateway.request_log)
        reload_dirs=[str(Path(__file__).parent)] if reload else None,
    )


def raise_descriptor_limit(connections: int, *, warn: Callable[[str], None] = logger.warning) -> None:
    """Let the process hold ``connections`` sockets and its own files: the soft descriptor limit raised towards
    the hard one. Said when the hard limit is lower (connections beyond it are then refused by the OS)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_DESCRIPTORS
    if hard != resource.RLIM_INFINITY and hard < wanted:
        warn(
            f"the file descriptor limit ({hard}) is below GATEWAY_MAX_CONNECTIONS + {SPARE_DESCRIPTORS}; "
            f"lower GATEWAY_MAX_CONNECTIONS to {max(1, hard - SPARE_DESCRIPTORS)} or raise the limit (ulimit -n)"
        )
        wanted = hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _metrics_process_done() -> None:
    """A worker that stops takes its live gauges (requests in flight, open streams) out of the shared metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
