"""Reading files into one structured :class:`Document`, and writing drafts out.

Reading::

    from doum.documents import read_document
    doc = read_document("보고서.hwp")          # format detected from the content
    doc.text(), doc.tables(), doc.metadata

Writing::

    from doum.documents import DocumentDraft, write_hwpx, write_docx
    draft = DocumentDraft.from_document(doc)   # or build one by hand
    write_hwpx(draft, "보고서.hwpx")

Heavy modules (parsers, writers) are imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doum.documents.api import ReadOutcome, read_bytes, read_document, read_many
from doum.documents.detect import FORMATS, detect_format
from doum.documents.errors import DocumentError
from doum.documents.model import Block, BlockKind, Document, StatuteRef, Table, TableCell
from doum.documents.parser import DocumentParser

if TYPE_CHECKING:
    from doum.documents.draft import DocumentDraft, Gongmun, Section
    from doum.documents.writers import write_docx, write_hwpx

_LAZY = {
    "DocumentDraft": "doum.documents.draft",
    "Gongmun": "doum.documents.draft",
    "Section": "doum.documents.draft",
    "write_hwpx": "doum.documents.writers",
    "write_docx": "doum.documents.writers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "FORMATS",
    "Block",
    "BlockKind",
    "Document",
    "DocumentDraft",
    "DocumentError",
    "DocumentParser",
    "Gongmun",
    "ReadOutcome",
    "Section",
    "StatuteRef",
    "Table",
    "TableCell",
    "detect_format",
    "read_bytes",
    "read_document",
    "read_many",
    "write_docx",
    "write_hwpx",
]
