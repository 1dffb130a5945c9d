"""ODT (OpenDocument Text) reader on a hardened lxml parse of content.xml and meta.xml."""

from __future__ import annotations

from typing import Any

from doum.documents.blocks import classify_line, finish_document, text_block
from doum.documents.errors import CorruptDocument, EncryptedDocument
from doum.documents.formats.ooxml import attr, int_attr
from doum.documents.limits import Limits, SafeZip, parse_xml
from doum.documents.model import Block, BlockKind, Document, TableCell
from doum.documents.owpml import local
from doum.documents.tables import table_from_cells

MAX_NESTING = 32
_META = {
    "title": "title",
    "creator": "last_saved_by",
    "initial-creator": "author",
    "subject": "subject",
    "keyword": "keywords",
    "description": "comments",
    "creation-date": "created",
    "date": "modified",
}


class OdtParser:
    format = "odt"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        archive = SafeZip(data, self.limits, fmt="ODT")
        manifest = archive.read_optional("META-INF/manifest.xml") or b""
        if b"encryption-data" in manifest:
            raise EncryptedDocument(format="ODT")
        if "content.xml" not in archive:
            raise CorruptDocument(format="ODT")
        document = Document(format=self.format)
        meta = archive.read_optional("meta.xml")
        if meta:
            for el in parse_xml(meta, fmt="ODT").iter():
                key = _META.get(local(el.tag))
                if key and (el.text or "").strip() and key not in document.metadata:
                    document.metadata[key] = el.text.strip()
        document.title = document.metadata.get("title", "")
        root = parse_xml(archive.read("content.xml"), fmt="ODT")
        reader = _Reader()
        for el in root.iter():
            if local(el.tag) == "text" and local(el.getparent().tag) == "body":
                reader.container(el, document.blocks, depth=0)
                break
        return finish_document(document)


class _Reader:
    def __init__(self) -> None:
        self.images = 0
        self.notes = 0

    def container(self, parent: Any, out: list[Block], *, depth: int, list_level: int = -1) -> None:
        if depth > MAX_NESTING:
            return
        for el in parent:
            name = local(el.tag)
            if name in ("p", "h"):
                self.paragraph(el, out, depth=depth, heading=name == "h", list_level=list_level)
            elif name == "list":
                for item in el:
                    if local(item.tag) in ("list-item", "list-header"):
                        self.container(item, out, depth=depth + 1, list_level=list_level + 1)
            elif name == "table":
                self.table(el, out, depth=depth)
            elif name in ("section", "index-body", "table-of-content", "text-box"):
                self.container(el, out, depth=depth + 1, list_level=list_level)

    def paragraph(
        self, p: Any, out: list[Block], *, depth: int, heading: bool, list_level: int
    ) -> None:
        parts: list[str] = []
        extras: list[Block] = []
        self._inline(p, parts, extras, depth=depth)
        text = "".join(parts)
        if text.strip():
            if heading:
                level = int_attr(p, "outline-level", 1, maximum=10) or 1
                out.append(
                    Block(
                        kind=BlockKind.HEADING,
                        text=text,
                        level=level,
                        marker=classify_line(text)[1],
                    )
                )
            else:
                block = text_block(text)
                if list_level >= 0:
                    if block.kind is BlockKind.PARAGRAPH:
                        block.kind = BlockKind.LIST_ITEM
                    block.level = list_level
                out.append(block)
        out.extend(extras)

    def _inline(self, el: Any, parts: list[str], extras: list[Block], *, depth: int) -> None:
        if el.text:
            parts.append(el.text)
        for c in el:
            name = local(c.tag)
            if name == "s":
                parts.append(" " * min(int_attr(c, "c", 1), 1000))
            elif name == "tab":
                parts.append("\t")
            elif name == "line-break":
                parts.append("\n")
            elif name == "note":
                self.notes += 1
                for body in c:
                    if local(body.tag) == "note-body":
                        inner: list[Block] = []
                        self.container(body, inner, depth=depth + 1)
                        text = "\n".join(b.plain_text() for b in inner if b.plain_text())
                        if text:
                            extras.append(
                                Block(
                                    kind=BlockKind.FOOTNOTE,
                                    text=text,
                                    attrs={
                                        "note": attr(c, "note-class", "footnote"),
                                        "number": self.notes,
                                    },
                                )
                            )
            elif name == "frame":
                for inner_el in c:
                    inner_name = local(inner_el.tag)
                    if inner_name == "image":
                        self.images += 1
                        extras.append(
                            Block(
                                kind=BlockKind.IMAGE,
                                attrs={"index": self.images, "src": attr(inner_el, "href")},
                            )
                        )
                    elif inner_name == "text-box":
                        self.container(inner_el, extras, depth=depth + 1)
            elif name in (
                "annotation",
                "tracked-changes",
                "bookmark",
                "bookmark-start",
                "bookmark-end",
            ):
                pass
            elif depth < MAX_NESTING:
                self._inline(c, parts, extras, depth=depth + 1)
            if c.tail:
                parts.append(c.tail)

    def table(self, tbl: Any, out: list[Block], *, depth: int) -> None:
        if depth > MAX_NESTING:
            return
        cells: list[TableCell] = []
        occupied: set[tuple[int, int]] = set()
        row = 0

        def rows_of(parent: Any, header: bool) -> None:
            nonlocal row
            for el in parent:
                name = local(el.tag)
                if name in ("table-header-rows", "table-rows", "table-row-group"):
                    rows_of(el, header or name == "table-header-rows")
                elif name == "table-row":
                    col = 0
                    for tc in el:
                        tc_name = local(tc.tag)
                        if tc_name not in ("table-cell", "covered-table-cell"):
                            continue
                        repeat = min(int_attr(tc, "number-columns-repeated", 1), 1024) or 1
                        for _ in range(repeat):
                            while (row, col) in occupied:
                                col += 1
                            if tc_name == "table-cell":
                                row_span = int_attr(tc, "number-rows-spanned", 1, maximum=256) or 1
                                col_span = (
                                    int_attr(tc, "number-columns-spanned", 1, maximum=256) or 1
                                )
                                inner: list[Block] = []
                                self.container(tc, inner, depth=depth + 1)
                                text = "\n".join(t for b in inner if (t := b.plain_text()))
                                cells.append(
                                    TableCell(
                                        text=text,
                                        row=row,
                                        col=col,
                                        row_span=row_span,
                                        col_span=col_span,
                                        header=header,
                                    )
                                )
                                for r in range(row, row + row_span):
                                    for k in range(col, col + col_span):
                                        occupied.add((r, k))
                                col += col_span
                            else:
                                col += 1
                    row += 1

        rows_of(tbl, False)
        if cells:
            out.append(Block(kind=BlockKind.TABLE, table=table_from_cells(cells)))
