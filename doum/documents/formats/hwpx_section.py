"""Reading one HWPX section (``Contents/sectionN.xml``) into blocks, in one pass.

The section bytes are scanned for the tags that carry text or structure
(:mod:`~doum.documents.formats.hwpx_scan`); a stack of frames follows their nesting.
Reading order is the one the HWP reader uses, so both formats of one document give the
same text: a paragraph's text, then the objects anchored in it (tables, notes, text
boxes, pictures) in the order they appear. Table cells, captions, notes and
headers/footers collect plain text only — no :class:`Block` is built for a paragraph
inside a cell. A tag in a place the schema does not allow (a cell outside a table, a
paragraph directly in a table) is skipped with everything inside it.
"""

from __future__ import annotations

from typing import Any

from doum.documents.blocks import classify_line, text_block
from doum.documents.errors import CorruptDocument
from doum.documents.formats.hwpx_scan import (
    Attributes,
    Irregular,
    canonical_owpml,
    decode,
    paragraph_prefix,
    plain_owpml,
    run_text,
    scanner,
)
from doum.documents.formats.hwpx_styles import ParagraphStyles
from doum.documents.model import Block, BlockKind, TableCell
from doum.documents.tables import mark_header_row, table_from_cells

MAX_DEPTH = 128
"""Deepest frame stack followed (tables nested in cells about 40 deep); deeper content
is skipped."""
MAX_NESTING = 512
"""Deeper than this is refused, as lxml refuses trees deeper than 256."""

# Frames on the stack: [kind, items, text_only, ...]. ``items`` receives the finished
# paragraphs and objects inside the frame: blocks, or strings when ``text_only``.
ROOT, PARA, TABLE, CELL, CAPTION, NOTE, DRAWING = range(7)
# PARA:    [PARA, objects, text_only, text parts, style id, paraPr id]
# TABLE:   [TABLE, None, text_only, cells, caption, repeatHeader]
# CELL:    [CELL, texts, True, row, col, row span, col span, header]
# CAPTION: [CAPTION, texts, True]
# NOTE:    [NOTE, texts, True, element name, note number]
# DRAWING: [DRAWING, items of the paragraph, text_only, has a picture]
# A frame's last element is the name of the tag that closes it; [-1, name] is a tag
# whose content is skipped: in the wrong place, or too deep.
_OBJECT_PARENTS = frozenset({PARA, DRAWING})
_TEXT_PARENTS = frozenset({ROOT, PARA, CELL, CAPTION, NOTE, DRAWING})
_NOTE_KINDS = {b"footNote": "footnote", b"endNote": "endnote"}
_HEADER_FOOTER = {b"header": BlockKind.HEADER, b"footer": BlockKind.FOOTER}
_PICTURES = frozenset({b"pic", b"ole"})


class SectionReader:
    """Reads the sections of one document; note and image numbers run on across them."""

    def __init__(self, styles: ParagraphStyles) -> None:
        self.styles = styles
        self.notes = 0
        self.images = 0
        self._attributes = Attributes()

    def read(self, data: bytes, out: list[Block]) -> None:
        """Append the blocks of one section (the bytes of ``sectionN.xml``) to ``out``."""
        if plain_owpml(data):
            notes, images, blocks = self.notes, self.images, len(out)
            try:
                self._scan(data, out)
                return
            except Irregular:
                self.notes, self.images = notes, images
                del out[blocks:]
        try:
            self._scan(canonical_owpml(data), out)
        except Irregular as exc:
            raise CorruptDocument(format="HWPX") from exc

    def _scan(self, data: bytes, out: list[Block]) -> None:
        scan = scanner(paragraph_prefix(data))
        attributes = self._attributes
        stack: list[list[Any]] = [[ROOT, out, False, b""]]
        for match in scan.tokens.finditer(data):
            plain, end, name, rest = match.groups()
            top = stack[-1]
            if plain is not None:
                if top[0] == PARA:
                    top[3].append(decode(plain))
            elif end:
                if name != b"t":
                    frame = stack.pop()
                    if frame[-1] != name or not stack:
                        raise Irregular
                    if frame[0] >= 0:
                        self._close(frame, stack[-1])
            elif name == b"t":
                if top[0] == PARA and not rest.endswith(b"/"):
                    top[3].append(run_text(data, match.end(), scan))
            elif name == b"cellAddr":
                if top[0] == CELL:
                    top[3], top[4] = attributes.pair(rest, b"rowAddr", b"colAddr", 0)
            elif name == b"cellSpan":
                if top[0] == CELL:
                    top[5], top[6] = attributes.pair(rest, b"rowSpan", b"colSpan", 1)
            else:
                if top[0] < 0 or len(stack) >= MAX_DEPTH:
                    if len(stack) >= MAX_NESTING:
                        raise Irregular
                    frame = [-1, name]
                else:
                    frame = self._open(name, rest, top)
                if not rest.endswith(b"/"):
                    stack.append(frame)
                elif frame[0] >= 0:
                    self._close(frame, top)
        if len(stack) != 1:
            raise Irregular

    def _open(self, name: bytes, rest: bytes, parent: list[Any]) -> list[Any]:
        kind = parent[0]
        if name == b"p":
            if kind in _TEXT_PARENTS:
                values = self._attributes(rest)
                style, para_pr = values.get(b"styleIDRef", ""), values.get(b"paraPrIDRef", "")
                return [PARA, [], parent[2], [], style, para_pr, name]
        elif name == b"tc":
            if kind == TABLE:
                header = self._attributes(rest).get(b"header") == "1"
                return [CELL, [], True, 0, 0, 1, 1, header, name]
        elif name == b"caption":
            if kind == TABLE:
                return [CAPTION, [], True, name]
            if kind in _OBJECT_PARENTS:  # a picture's caption: its text follows the picture
                return [DRAWING, parent[1], parent[2], False, name]
        elif kind in _OBJECT_PARENTS:
            if name == b"tbl":
                repeat = self._attributes(rest).get(b"repeatHeader") == "1"
                return [TABLE, None, parent[2], [], "", repeat, name]
            if name in _NOTE_KINDS:
                self.notes += 1
                return [NOTE, [], True, name, self.notes, name]
            if name in _HEADER_FOOTER:
                return [NOTE, [], True, name, 0, name]
            return [DRAWING, parent[1], parent[2], name in _PICTURES, name]
        return [-1, name]

    def _close(self, frame: list[Any], parent: list[Any]) -> None:
        kind = frame[0]
        if kind == PARA:
            items = parent[1]
            text = "".join(frame[3])
            if text.strip():
                items.append(text if frame[2] else self._text_block(frame[4], frame[5], text))
            if frame[1]:
                items.extend(frame[1])
        elif kind == CELL:
            text = "\n".join(t for t in frame[1] if t)
            parent[3].append(TableCell(text, frame[3], frame[4], frame[5], frame[6], frame[7]))
        elif kind == TABLE:
            self._table(frame, parent)
        elif kind == CAPTION:
            parent[4] = "\n".join(t for t in frame[1] if t)
        elif kind == NOTE:
            self._note(frame, parent)
        elif kind == DRAWING and frame[3]:
            # One image per object in a paragraph, after its text, however deep the
            # picture sits in a group of shapes (``container``): as the HWP reader counts.
            if parent[0] == DRAWING:
                parent[3] = True
                return
            self.images += 1
            if not parent[2]:
                parent[1].append(Block(kind=BlockKind.IMAGE, attrs={"index": self.images}))

    def _note(self, frame: list[Any], parent: list[Any]) -> None:
        text = "\n".join(t for t in frame[1] if t)
        if not text:
            return
        name = frame[3]
        if parent[2]:
            parent[1].append(text)
        elif name in _NOTE_KINDS:
            attrs = {"note": _NOTE_KINDS[name], "number": frame[4]}
            parent[1].append(Block(kind=BlockKind.FOOTNOTE, text=text, attrs=attrs))
        else:
            parent[1].append(Block(kind=_HEADER_FOOTER[name], text=text))

    def _text_block(self, style: str, para_pr: str, text: str) -> Block:
        title, level, name = self.styles.lookup(style, para_pr)
        if title:
            return Block(kind=BlockKind.TITLE, text=text)
        if level:
            _, marker, _ = classify_line(text)
            return Block(kind=BlockKind.HEADING, text=text, level=level, marker=marker)
        block = text_block(text)
        if name:
            block.attrs["style"] = name
        return block

    def _table(self, frame: list[Any], parent: list[Any]) -> None:
        cells: list[TableCell] = frame[3]
        if not cells:
            return
        any_header = any(c.header for c in cells)
        table = table_from_cells(cells, caption=frame[4], header_rows=None if any_header else 0)
        if not any_header and frame[5] and len(table.rows) > 1:
            mark_header_row(table)
        block = Block(kind=BlockKind.TABLE, table=table)
        parent[1].append(block.plain_text() if parent[2] else block)
