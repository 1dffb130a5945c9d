"""The knowledge services a running process holds: its search backend and job queue.

Both are built lazily from the runtime's settings and kept in ``runtime.extras`` (the
drafting package reads the same ``retrieval.backend`` key), so the web app, its
in-process job consumer and every request share one index connection and one encoder.
A test or a site may put its own :class:`RetrievalBackend` there before first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import cast

from huey import Huey

from doum.retrieval.backend import RetrievalBackend, build_backend
from doum.runtime import Runtime

logger = logging.getLogger(__name__)

BACKEND_KEY = "retrieval.backend"
OWNED_KEY = "retrieval.backend_owned"
QUEUE_KEY = "jobs.queue"
CONSUMER_KEY = "jobs.embedded_consumer"

_lock = threading.Lock()


def retrieval_backend(runtime: Runtime) -> RetrievalBackend:
    """The runtime's search backend (store, analyzer, embedder), built on first use."""
    backend = runtime.extras.get(BACKEND_KEY)
    if backend is None:
        with _lock:
            backend = runtime.extras.get(BACKEND_KEY)
            if backend is None:
                backend = build_backend(runtime.settings)
                runtime.extras[BACKEND_KEY] = backend
                runtime.extras[OWNED_KEY] = True
    return cast(RetrievalBackend, backend)


def job_queue(runtime: Runtime) -> Huey:
    """The runtime's Huey queue; its tasks index into the runtime's database."""
    queue = runtime.extras.get(QUEUE_KEY)
    if queue is None:
        from doum.jobs.queue import build_queue
        from doum.jobs.tasks import bind_services

        with _lock:
            queue = runtime.extras.get(QUEUE_KEY)
            if queue is None:
                queue = build_queue(runtime.settings)
                bind_services(
                    queue, database=runtime.database, backend=lambda: retrieval_backend(runtime)
                )
                runtime.extras[QUEUE_KEY] = queue
    return cast(Huey, queue)


def enqueue(runtime: Runtime, document_ids: Sequence[str]) -> int:
    """Queue indexing (then vectors) for ``document_ids`` on the runtime's queue."""
    from doum.jobs import enqueue_documents

    if not document_ids:
        return 0
    return enqueue_documents(document_ids, huey=job_queue(runtime))


def start_jobs(runtime: Runtime) -> bool:
    """Start the in-process consumer when the queue is the embedded SQLite one (and
    re-queue documents a previous process left unfinished). With Redis, ``doum worker``
    processes do the work and this does nothing. Returns whether a consumer runs."""
    from doum.jobs import start_embedded_consumer

    jobs = runtime.settings.jobs
    if jobs.immediate or jobs.backend != "sqlite" or not jobs.embedded_consumer:
        return False
    consumer = start_embedded_consumer(runtime.settings, huey=job_queue(runtime))
    runtime.extras[CONSUMER_KEY] = consumer is not None
    return consumer is not None


def stop_jobs(runtime: Runtime) -> None:
    """Stop the in-process consumer started by :func:`start_jobs` and close the index
    connection this module opened (a backend put in ``extras`` by others is left alone)."""
    from doum.jobs import stop_embedded_consumer

    if runtime.extras.pop(CONSUMER_KEY, False):
        stop_embedded_consumer()
    if runtime.extras.pop(OWNED_KEY, False):
        backend = runtime.extras.pop(BACKEND_KEY, None)
        if isinstance(backend, RetrievalBackend):
            backend.store.close()


def start_knowledge_services(runtime: Runtime) -> None:
    """App start: open the search backend (so every part of the app, drafting included,
    shares it through ``runtime.extras``) and start the job consumer. A backend that
    cannot open (e.g. ``retrieval.store = "postgres"`` without pgvector) is reported and
    retried on first use, with its Korean error; the rest of the app still starts."""
    from doum.errors import DoumError

    try:
        retrieval_backend(runtime)
    except DoumError as error:
        logger.warning("search backend unavailable", extra={"code": error.code})
    start_jobs(runtime)


def stop_knowledge_services(runtime: Runtime) -> None:
    stop_jobs(runtime)
