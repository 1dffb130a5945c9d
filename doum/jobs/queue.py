"""The Huey instance for this process, built lazily from ``settings.jobs``."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey

from doum.config import Settings, get_settings
from doum.jobs.errors import JobsError

_lock = threading.Lock()


def queue_path(settings: Settings) -> Path:
    if settings.jobs.sqlite_path:
        return Path(settings.jobs.sqlite_path)
    return settings.resolved_data_dir() / "jobs.sqlite3"


def build_queue(settings: Settings) -> Huey:
    """A Huey for ``settings`` with doum's tasks registered on it."""
    jobs = settings.jobs
    huey: Huey
    if jobs.immediate:
        huey = MemoryHuey(jobs.name, immediate=True)
    elif jobs.backend == "sqlite":
        path = queue_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(jobs.name, filename=str(path), results=False)
    elif jobs.backend == "redis":
        # priorities (parse before embed) need the sorted-set storage of PriorityRedisHuey
        huey = PriorityRedisHuey(jobs.name, url=jobs.redis_url, results=False)
    else:
        raise JobsError("jobs.backend_invalid", backend=jobs.backend)
    from doum.jobs.tasks import register_tasks

    register_tasks(huey)
    return huey


@lru_cache(maxsize=1)
def get_queue() -> Huey:
    with _lock:
        return build_queue(get_settings())


def reset_queue_cache() -> None:
    get_queue.cache_clear()
