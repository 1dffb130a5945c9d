"""Parsing untrusted files in a separate process with time and memory limits.

A native library (pdfium, lxml) that crashes, a parser that loops, or a file that
needs gigabytes to open must not take the server down. :func:`parse_isolated` forks a
worker from a small fork server (started once, with the parsers preloaded so each job
starts in milliseconds), caps its address space and CPU time, and waits at most the
configured time. The result comes back pickled; a dead or killed worker becomes a
:class:`~doum.documents.errors.DocumentError` with a stable code.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from doum.documents.errors import (
    DocumentError,
    ParseMemoryExceeded,
    ParserCrashed,
    ParseTimeout,
)
from doum.documents.limits import Limits
from doum.documents.model import Document

logger = logging.getLogger(__name__)

_PRELOAD = [
    "doum.documents.api",
    "doum.documents.detect",
    "doum.documents.statute",
    "doum.documents.isolation",
]
_context: Any = None


def _get_context() -> Any:
    global _context
    if _context is None:
        method = (
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(_PRELOAD)
        _context = ctx
    return _context


def parse_isolated(
    data: bytes,
    *,
    filename: str | None,
    limits: Limits,
    timeout_seconds: float,
    memory_mb: int,
) -> Document:
    """Detect and parse ``data`` in a worker process; raise what the worker raised."""
    result = run_isolated(
        _parse,
        (data, filename, limits),
        timeout_seconds=timeout_seconds,
        memory_mb=memory_mb,
        label=filename,
    )
    assert isinstance(result, Document)
    return result


def _parse(data: bytes, filename: str | None, limits: Limits) -> Document:
    from doum.documents.api import parse_in_process

    return parse_in_process(data, filename=filename, limits=limits)


def run_isolated(
    target: Callable[..., Any],
    args: tuple[Any, ...],
    *,
    timeout_seconds: float,
    memory_mb: int,
    label: str | None = None,
) -> Any:
    """Call ``target(*args)`` (a module-level function) in a limited worker process.

    Returns its result; re-raises a :class:`DocumentError` it raised; a hang becomes
    :class:`ParseTimeout`, running out of memory :class:`ParseMemoryExceeded`, and a
    crash (signal, abort, any other exception) :class:`ParserCrashed`.
    """
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_worker,
        args=(sender, target, args, timeout_seconds, memory_mb),
        daemon=True,
    )
    started = time.monotonic()
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_seconds):
            _kill(process)
            logger.warning(
                "document parse timed out",
                extra={"document_name": label, "timeout_seconds": timeout_seconds},
            )
            raise ParseTimeout(seconds=_seconds(timeout_seconds))
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            process.join(5)
            code = process.exitcode
            logger.warning(
                "document parser process died",
                extra={"document_name": label, "exitcode": code},
            )
            killed = code is not None and -code in (signal.SIGXCPU, signal.SIGKILL)
            if killed and time.monotonic() - started >= timeout_seconds * 0.9:
                raise ParseTimeout(seconds=_seconds(timeout_seconds)) from None
            raise ParserCrashed() from None
    finally:
        receiver.close()
        if process.is_alive():
            process.join(1)
            _kill(process)
        else:
            process.join()
    if status == "ok":
        return payload
    if status == "memory":
        raise ParseMemoryExceeded(limit_mb=memory_mb)
    if isinstance(payload, DocumentError):
        raise payload
    logger.warning("document parser failed", extra={"document_name": label, "detail": payload})
    raise ParserCrashed()


def _seconds(value: float) -> str:
    return f"{value:g}"


def _kill(process: Any) -> None:
    if process.is_alive():
        process.kill()
        process.join(5)


def _worker(
    sender: Connection,
    target: Callable[..., Any],
    args: tuple[Any, ...],
    timeout_seconds: float,
    memory_mb: int,
) -> None:
    """Body of the worker process: limit itself, run, send one message, exit."""
    _limit_resources(timeout_seconds, memory_mb)
    message: tuple[str, Any]
    try:
        message = ("ok", target(*args))
    except MemoryError:
        message = ("memory", None)
    except DocumentError as error:
        message = ("error", error)
    except BaseException as error:  # reported to the parent as a crash, with its type
        message = ("crash", type(error).__name__)
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("memory", None))
    finally:
        sender.close()


def _limit_resources(timeout_seconds: float, memory_mb: int) -> None:
    cpu = int(timeout_seconds) + 2
    with contextlib.suppress(ValueError, OSError):  # a platform without the limit
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    baseline = _current_address_space()
    limit = baseline + memory_mb * 1_048_576
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # pragma: no cover
        pass


def _current_address_space() -> int:
    try:
        with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):  # pragma: no cover - not Linux
        return 0
