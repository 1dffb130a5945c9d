"""Running the Huey consumer: inside the web server (embedded) or as ``doum worker``."""

from __future__ import annotations

import logging
import threading

from huey import Huey
from huey.consumer import Consumer

from doum.config import Settings, get_settings

logger = logging.getLogger(__name__)

_embedded: Consumer | None = None
_embedded_lock = threading.Lock()


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer running as threads of the host process: it leaves the host's signal
    handling (uvicorn's) alone."""

    def _set_signal_handlers(self) -> None:
        return None


def start_embedded_consumer(
    settings: Settings | None = None, *, huey: Huey | None = None
) -> Consumer | None:
    """Start the in-process consumer (SQLite queue) and re-queue unfinished documents.

    Call from the web app's lifespan start; a no-op (returns ``None``) when the queue is
    Redis (separate ``doum worker`` processes), in immediate mode, or when
    ``jobs.embedded_consumer`` is off. ``huey`` is the queue to consume (default: the
    process-wide :func:`~doum.jobs.queue.get_queue`).
    """
    global _embedded
    settings = settings or get_settings()
    jobs = settings.jobs
    if jobs.immediate or jobs.backend != "sqlite" or not jobs.embedded_consumer:
        return None
    from doum.jobs.queue import get_queue
    from doum.jobs.tasks import resume_unfinished

    with _embedded_lock:
        if _embedded is not None:
            return _embedded
        huey = huey or get_queue()
        consumer = EmbeddedConsumer(
            huey,
            workers=max(1, jobs.workers),
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=1.0,
        )
        consumer.start()
        _embedded = consumer
    resume_unfinished(huey=huey)
    logger.info("embedded job consumer started", extra={"workers": jobs.workers})
    return consumer


def stop_embedded_consumer(*, graceful: bool = True) -> None:
    """Stop the in-process consumer (call from the lifespan end). Unfinished documents are
    picked up again at the next start."""
    global _embedded
    with _embedded_lock:
        consumer, _embedded = _embedded, None
    if consumer is not None:
        consumer.stop(graceful=graceful)
        logger.info("embedded job consumer stopped")


def run_worker(settings: Settings | None = None, *, workers: int | None = None) -> None:
    """Run a consumer in the foreground (``doum worker``) until SIGINT/SIGTERM."""
    settings = settings or get_settings()
    from doum.jobs.queue import get_queue
    from doum.jobs.tasks import resume_unfinished

    huey = get_queue()
    consumer = huey.create_consumer(
        workers=workers or max(1, settings.jobs.workers),
        worker_type="thread",
        periodic=False,
        max_delay=2.0,
    )
    resume_unfinished(huey=huey)
    consumer.run()
