"""Background work through a real task queue (Huey).

- ``jobs.backend = "sqlite"`` (default): a SQLite queue file under the data dir; the web
  server runs the consumer in-process (:func:`start_embedded_consumer` /
  :func:`stop_embedded_consumer` from the app lifespan), or ``doum worker`` runs it alone.
- ``jobs.backend = "redis"``: a Redis queue shared by several machines; run
  ``doum worker`` on each worker machine.

The task code is the same in both modes (:mod:`doum.jobs.tasks`).
"""

from doum.jobs.consumer import start_embedded_consumer, stop_embedded_consumer
from doum.jobs.queue import get_queue, reset_queue_cache
from doum.jobs.tasks import enqueue_documents, resume_unfinished

__all__ = [
    "enqueue_documents",
    "get_queue",
    "reset_queue_cache",
    "resume_unfinished",
    "start_embedded_consumer",
    "stop_embedded_consumer",
]
