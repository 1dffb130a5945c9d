"""The public entry points: read a file or bytes into a :class:`Document`.

* :func:`read_document` / :func:`read_bytes` — one file; bad input raises a
  :class:`~doum.documents.errors.DocumentError` subclass with a stable code.
* :func:`read_many` — a batch; one bad file never stops the good ones.

By default the file is parsed in an isolated worker process (see
:mod:`doum.documents.isolation`); ``isolated=False`` parses in this process, which is
faster and is what trusted, already-vetted inputs (the statute corpus) use.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from doum.config.documents import DocumentSettings
from doum.documents.detect import detect_format, extension_matches, label
from doum.documents.errors import (
    CorruptDocument,
    DocumentError,
    DocumentNotFound,
    DocumentTooLarge,
    EmptyDocument,
)
from doum.documents.limits import Limits, human_size
from doum.documents.model import Document
from doum.messages import message_for

logger = logging.getLogger(__name__)


def _settings(settings: DocumentSettings | None) -> DocumentSettings:
    if settings is not None:
        return settings
    from doum.config import get_settings

    return get_settings().documents


def read_document(
    path: Path | str,
    *,
    filename: str | None = None,
    isolated: bool = True,
    settings: DocumentSettings | None = None,
) -> Document:
    """Read the file at ``path``. ``filename`` (default: the path's name) is only used
    for warnings and to tell text formats apart; the format comes from the content."""
    conf = _settings(settings)
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise DocumentNotFound(path=str(path)) from exc
    if not file.is_file():
        raise DocumentNotFound(path=str(path))
    if size > conf.max_file_bytes:
        raise DocumentTooLarge(size=human_size(size), limit=human_size(conf.max_file_bytes))
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise DocumentNotFound(path=str(path)) from exc
    return read_bytes(data, filename=filename or file.name, isolated=isolated, settings=conf)


def read_bytes(
    data: bytes,
    *,
    filename: str | None = None,
    isolated: bool = True,
    settings: DocumentSettings | None = None,
) -> Document:
    """Read a whole file given as bytes (an upload). See :func:`read_document`."""
    conf = _settings(settings)
    if len(data) > conf.max_file_bytes:
        raise DocumentTooLarge(size=human_size(len(data)), limit=human_size(conf.max_file_bytes))
    if not data.strip():
        raise EmptyDocument()
    limits = Limits.from_settings(conf)
    started = time.perf_counter()
    if isolated and conf.isolate:
        from doum.documents.isolation import parse_isolated

        document = parse_isolated(
            data,
            filename=filename,
            limits=limits,
            timeout_seconds=conf.parse_timeout_seconds,
            memory_mb=conf.parse_memory_mb,
        )
    else:
        document = parse_in_process(data, filename=filename, limits=limits)
    logger.info(
        "document parsed",
        extra={
            "document_name": filename,
            "format": document.format,
            "bytes": len(data),
            "blocks": len(document.blocks),
            "isolated": isolated and conf.isolate,
            "seconds": round(time.perf_counter() - started, 4),
        },
    )
    return document


def parse_in_process(
    data: bytes, *, filename: str | None = None, limits: Limits | None = None
) -> Document:
    """Detect the format and parse in this process (the worker calls this too).

    Only :class:`DocumentError` leaves this function: any other exception from a parser
    or a library is logged with its cause and reported as a corrupt document.
    """
    from doum.documents.parser import parser_for

    fmt = detect_format(data, filename=filename)
    parser = parser_for(fmt, limits)
    try:
        document = parser.parse(data, filename=filename)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise CorruptDocument(format=label(fmt)) from exc
    except MemoryError:
        raise
    except Exception as exc:
        logger.exception(
            "parser failed on unexpected input", extra={"format": fmt, "document_name": filename}
        )
        raise CorruptDocument(format=label(fmt)) from exc
    if filename and not extension_matches(fmt, filename):
        extension = Path(filename).suffix.lstrip(".").lower()
        document.warnings.append(
            message_for("document.extension_mismatch", extension=extension, format=label(fmt))
        )
    return document


@dataclass(slots=True)
class ReadOutcome:
    """One file of a batch: either ``document`` or ``error`` is set."""

    path: Path
    document: Document | None = None
    error: DocumentError | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None


def read_many(
    paths: Iterable[Path | str],
    *,
    isolated: bool = True,
    settings: DocumentSettings | None = None,
) -> list[ReadOutcome]:
    """Read every file; a bad file gets its error in its outcome and the rest go on."""
    conf = _settings(settings)
    outcomes: list[ReadOutcome] = []
    for path in paths:
        outcome = ReadOutcome(path=Path(path))
        try:
            outcome.document = read_document(path, isolated=isolated, settings=conf)
        except DocumentError as error:
            logger.warning("document rejected", extra={"path": str(path), "code": error.code})
            outcome.error = error
        outcomes.append(outcome)
    return outcomes
