"""What ``gateway serve`` does to the process it owns, and an app embedded in another program must not get: the
garbage collector tuned for serving."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from gateway.http.app import create_app

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


def served_app(app: FastAPI | None = None) -> FastAPI:
    """The app ``gateway serve`` runs (uvicorn's factory): ``create_app()`` with the process tuned once it started."""
    app = app or create_app()
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with started(app) as state, tuned_garbage_collector():
            yield state

    app.router.lifespan_context = lifespan
    return app
