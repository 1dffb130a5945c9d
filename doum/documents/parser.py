"""The :class:`DocumentParser` protocol every format implements, and the registry.

A parser turns the bytes of one file into a :class:`Document`. It must raise only
:class:`~doum.documents.errors.DocumentError` subclasses for bad input (the fuzz tests
hold every parser to this), never hang, and never touch the network or the disk.
Parsers are looked up by format name; a third party can register another one with
:func:`register_parser` exactly as the built-in ones are registered.
"""

from __future__ import annotations

import importlib
from typing import Protocol, runtime_checkable

from doum.documents.limits import Limits
from doum.documents.model import Document


@runtime_checkable
class DocumentParser(Protocol):
    format: str
    """The format name this parser reads ("hwp", "pdf", …)."""

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        """Read ``data`` (the whole file) into a :class:`Document`."""
        ...


# format -> "module:Class"; imported only when that format is first read.
_PARSERS: dict[str, str] = {
    "hwp": "doum.documents.formats.hwp:HwpParser",
    "hwpx": "doum.documents.formats.hwpx:HwpxParser",
    "pdf": "doum.documents.formats.pdf:PdfParser",
    "docx": "doum.documents.formats.docx:DocxParser",
    "xlsx": "doum.documents.formats.sheets:XlsxParser",
    "csv": "doum.documents.formats.sheets:CsvParser",
    "odt": "doum.documents.formats.odt:OdtParser",
    "html": "doum.documents.formats.html:HtmlParser",
    "txt": "doum.documents.formats.text:TextParser",
    "md": "doum.documents.formats.markdown:MarkdownParser",
}


def register_parser(fmt: str, target: str) -> None:
    """Use ``target`` ("package.module:Class") to read ``fmt``. The class is built
    with one argument, a :class:`Limits`."""
    _PARSERS[fmt] = target


def registered_formats() -> list[str]:
    return list(_PARSERS)


def parser_for(fmt: str, limits: Limits | None = None) -> DocumentParser:
    """A parser instance for ``fmt`` (a key of the registry)."""
    from doum.documents.errors import UnsupportedFormat

    target = _PARSERS.get(fmt)
    if target is None:
        raise UnsupportedFormat()
    module_name, _, class_name = target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    parser: DocumentParser = cls(limits or Limits())
    return parser
