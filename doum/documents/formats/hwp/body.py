"""BodyText records → blocks: paragraphs, tables, text boxes, notes, headers/footers."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from doum.documents.blocks import classify_line, text_block
from doum.documents.formats.hwp.docinfo import DocInfo
from doum.documents.formats.hwp.records import (
    TAG_CTRL_HEADER,
    TAG_LIST_HEADER,
    TAG_PARA_HEADER,
    TAG_PARA_TEXT,
    TAG_SHAPE_COMPONENT_PICTURE,
    TAG_TABLE,
    Record,
    ctrl_id,
)
from doum.documents.model import Block, BlockKind, TableCell
from doum.documents.tables import mark_header_row, table_from_cells

_NOTE_KINDS = {"fn  ": "footnote", "en  ": "endnote"}
_HEADER_FOOTER = {"head": BlockKind.HEADER, "foot": BlockKind.FOOTER}
MAX_NESTING = 32


class BodyReader:
    """Turns the record tree of one section into blocks, in reading order."""

    def __init__(self, docinfo: DocInfo) -> None:
        self.docinfo = docinfo
        self.images = 0
        self.notes = 0

    def blocks(self, roots: list[Record]) -> list[Block]:
        out: list[Block] = []
        self._paragraphs(roots, out, depth=0)
        return out

    # -- paragraphs --------------------------------------------------------------

    def _paragraphs(self, records: list[Record], out: list[Block], *, depth: int) -> None:
        if depth > MAX_NESTING:
            return
        for record in records:
            if record.tag == TAG_PARA_HEADER:
                self._paragraph(record, out, depth=depth)

    def _paragraph(self, para: Record, out: list[Block], *, depth: int) -> None:
        text = ""
        controls: list[Record] = []
        for child in para.children:
            if child.tag == TAG_PARA_TEXT:
                from doum.documents.formats.hwp.text import decode_para_text

                text = decode_para_text(child.data)
            elif child.tag == TAG_CTRL_HEADER:
                controls.append(child)
        if text.strip():
            out.append(self._text_block(para, text))
        for control in controls:
            self._control(control, out, depth=depth + 1)

    def _text_block(self, para: Record, text: str) -> Block:
        style = para_shape = -1
        if len(para.data) >= 11:
            para_shape, style = struct.unpack_from("<HB", para.data, 8)
        if self.docinfo.style_name(style) in ("제목", "문서 제목", "Title"):
            return Block(kind=BlockKind.TITLE, text=text)
        level = self.docinfo.heading_level(para_shape, style)
        if level:
            _, marker, _ = classify_line(text)
            return Block(kind=BlockKind.HEADING, text=text, level=level, marker=marker)
        name = self.docinfo.style_name(style)
        block = text_block(text)
        if name:
            block.attrs["style"] = name
        return block

    def paragraph_text(self, records: list[Record], *, depth: int) -> str:
        """All text under ``records`` (cell contents), nested objects included."""
        inner: list[Block] = []
        self._paragraphs(records, inner, depth=depth)
        return "\n".join(b.plain_text() for b in inner if b.plain_text())

    # -- controls ----------------------------------------------------------------

    def _control(self, control: Record, out: list[Block], *, depth: int) -> None:
        if depth > MAX_NESTING:
            return
        cid = ctrl_id(control.data)
        if cid == "tbl ":
            self._table(control, out, depth=depth)
        elif cid in _NOTE_KINDS:
            self.notes += 1
            for paras in _sublists(control.children):
                text = self.paragraph_text(paras, depth=depth)
                if text:
                    out.append(
                        Block(
                            kind=BlockKind.FOOTNOTE,
                            text=text,
                            attrs={"note": _NOTE_KINDS[cid], "number": self.notes},
                        )
                    )
        elif cid in _HEADER_FOOTER:
            for paras in _sublists(control.children):
                text = self.paragraph_text(paras, depth=depth)
                if text:
                    out.append(Block(kind=_HEADER_FOOTER[cid], text=text))
        elif cid == "gso ":
            self._drawing(control, out, depth=depth)

    def _drawing(self, control: Record, out: list[Block], *, depth: int) -> None:
        """Text boxes, captions and pictures inside a drawing object (any nesting)."""
        stack = [control]
        found_picture = False
        while stack:
            record = stack.pop()
            children = record.children
            if any(c.tag == TAG_SHAPE_COMPONENT_PICTURE for c in children):
                found_picture = True
            if any(c.tag == TAG_LIST_HEADER for c in children):
                for paras in _sublists(children):
                    self._paragraphs(paras, out, depth=depth + 1)
            stack.extend(
                reversed([c for c in children if c.tag not in (TAG_PARA_HEADER, TAG_LIST_HEADER)])
            )
        if found_picture:
            self.images += 1
            out.append(Block(kind=BlockKind.IMAGE, text="", attrs={"index": self.images}))

    def _table(self, control: Record, out: list[Block], *, depth: int) -> None:
        table_record = next((c for c in control.children if c.tag == TAG_TABLE), None)
        if table_record is None or len(table_record.data) < 4:
            return  # a table control without its TABLE record: nothing to place cells in
        (props,) = struct.unpack_from("<I", table_record.data, 0)
        cells: list[TableCell] = []
        for header, paras in _cells(control.children, after_tag=TAG_TABLE):
            if len(header.data) < 16:
                continue
            col, row, col_span, row_span = struct.unpack_from("<HHHH", header.data, 8)
            cells.append(
                TableCell(
                    text=self.paragraph_text(paras, depth=depth + 1),
                    row=row,
                    col=col,
                    row_span=max(row_span, 1),
                    col_span=max(col_span, 1),
                )
            )
        if not cells:
            return
        caption = "\n".join(
            text
            for _, paras in _cells(control.children, before_tag=TAG_TABLE)
            if (text := self.paragraph_text(paras, depth=depth + 1))
        )
        table = table_from_cells(cells, caption=caption, header_rows=0)
        # "Repeat header row" (bit 1) marks the first row as the table's header.
        if props & 0x2 and len(table.rows) > 1:
            mark_header_row(table)
        out.append(Block(kind=BlockKind.TABLE, table=table))


def _sublists(children: list[Record]) -> Iterator[list[Record]]:
    """The paragraph lists that follow each LIST_HEADER among ``children``."""
    for _, paras in _cells(children):
        yield paras


def _cells(
    children: list[Record], *, after_tag: int | None = None, before_tag: int | None = None
) -> Iterator[tuple[Record, list[Record]]]:
    """(LIST_HEADER, its paragraphs) pairs; only those after the first ``after_tag``
    record, or only those before the first ``before_tag`` record (a table's caption
    comes before its TABLE record, its cells after)."""
    current: Record | None = None
    paras: list[Record] = []
    started = after_tag is None
    for child in children:
        if not started:
            started = child.tag == after_tag
            continue
        if before_tag is not None and child.tag == before_tag:
            break
        if child.tag == TAG_LIST_HEADER:
            if current is not None:
                yield current, paras
            current, paras = child, []
        elif child.tag == TAG_PARA_HEADER and current is not None:
            paras.append(child)
    if current is not None:
        yield current, paras
