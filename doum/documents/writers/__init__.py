"""Writers: :class:`~doum.documents.draft.DocumentDraft` → HWPX and DOCX files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doum.documents.errors import DocumentWriteError

if TYPE_CHECKING:
    from doum.documents.draft import DocumentDraft


def write_target(data: bytes, target: Any) -> None:
    """Write ``data`` to a path (atomically: temp file then rename) or a file object."""
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise DocumentWriteError(detail=str(path)) from exc
        return
    if not hasattr(target, "write"):
        raise TypeError("target must be a path or a binary file object")
    target.write(data)


def write_hwpx(draft: DocumentDraft, target: Any) -> None:
    """Write ``draft`` as HWPX (Hancom Office) to a path or binary file object."""
    from doum.documents.writers.hwpx import write_hwpx as _write

    _write(draft, target)


def write_docx(draft: DocumentDraft, target: Any) -> None:
    """Write ``draft`` as DOCX (Word) to a path or binary file object."""
    from doum.documents.writers.docx import write_docx as _write

    _write(draft, target)


__all__ = ["write_docx", "write_hwpx", "write_target"]
