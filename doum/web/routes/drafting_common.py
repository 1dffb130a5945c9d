"""Running drafting service calls in the thread pool with a session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


async def in_reader(runtime: Any, fn: Callable[[Any], T]) -> T:
    def run() -> T:
        with runtime.database.reader() as session:
            return fn(session)

    return await run_in_threadpool(run)


async def in_session(runtime: Any, fn: Callable[[Any], T]) -> T:
    def run() -> T:
        with runtime.database.session() as session:
            return fn(session)

    return await run_in_threadpool(run)
