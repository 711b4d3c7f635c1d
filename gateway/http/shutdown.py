"""A stopping gateway's grace period (``GATEWAY_SHUTDOWN_GRACE``).

On SIGTERM (or SIGINT) the server stops accepting connections and lets the requests in flight finish. When the
grace period ends, the extraction requests still running are cancelled *by the drain*, and answer for it: a JSON
request gets ``503 shutting_down``, a stream its ``error`` event (``shutting_down``), ``usage`` and ``done`` - no
stream is cut silently. ``gateway serve`` starts the drain from the server's own signal handling
(``gateway.process``); an app embedded elsewhere can call ``DRAIN.begin``.
"""

import asyncio
import logging

from gateway.errors import ShuttingDown

logger = logging.getLogger("gateway")


class Drain:
    """The extraction requests of one process, and the deadline they are given once it stops."""

    def __init__(self) -> None:
        self._requests: set[asyncio.Task[object]] = set()
        self._ended: set[asyncio.Task[object]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.begun = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the process serves on (at start-up)."""
        self._loop, self.begun = loop, False
        self._requests.clear()
        self._ended.clear()

    def track(self, task: asyncio.Task[object]) -> None:
        self._requests.add(task)

    def untrack(self, task: asyncio.Task[object]) -> None:
        self._requests.discard(task)
        self._ended.discard(task)

    def begin(self, grace: float) -> None:
        """Start the grace period (safe from a signal handler or another thread; once)."""
        loop = self._loop
        if loop is None or self.begun or loop.is_closed():
            return
        self.begun = True
        loop.call_soon_threadsafe(self._schedule, grace)

    def _schedule(self, grace: float) -> None:
        assert self._loop is not None
        if self._requests:
            logger.info("stopping: %d request(s) in flight have %.0f s to finish", len(self._requests), grace)
        self._loop.call_later(grace, self._expire)

    def _expire(self) -> None:
        for task in list(self._requests):
            if not task.done():
                self._ended.add(task)
                task.cancel()

    def ended(self, task: asyncio.Task[object] | None) -> bool:
        """Whether ``task`` was cancelled because the grace period ended (taking the cancellation back)."""
        if task is None or task not in self._ended:
            return False
        self._ended.discard(task)
        task.uncancel()
        return True


DRAIN = Drain()


def shutting_down(schema: str | None) -> ShuttingDown:
    return ShuttingDown(
        "the gateway is shutting down and the request did not finish in its grace period; retry",
        schema=schema,
        retry_after=1,
    )
