"""DOCX (OOXML WordprocessingML) reader on a hardened lxml parse of the package parts.

Headings come from the paragraph style (Heading N / 제목 N / outline level), lists from
numbering properties, tables keep merged cells (gridSpan, vMerge), footnotes and
endnotes follow the paragraph that cites them, tracked deletions are left out.
"""

from __future__ import annotations

import re
from typing import Any

from doum.documents.blocks import classify_line, finish_document, text_block
from doum.documents.formats.ooxml import attr, child, core_properties, int_attr
from doum.documents.limits import Limits, SafeZip, parse_xml
from doum.documents.model import Block, BlockKind, Document, TableCell
from doum.documents.owpml import local
from doum.documents.tables import table_from_cells

_HEADING_RE = re.compile(r"^(?:heading|제목)\s*(\d)$", re.I)
_INLINE = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-", "softHyphen": ""}
_SKIP = frozenset({"del", "delText", "instrText", "rPr", "pPr", "fldChar", "commentReference"})
MAX_NESTING = 32


class DocxParser:
    format = "docx"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        archive = SafeZip(data, self.limits, fmt="DOCX")
        body_root = parse_xml(archive.read("word/document.xml"), fmt="DOCX")
        reader = _Reader(archive)
        document = Document(format=self.format)
        core = archive.read_optional("docProps/core.xml")
        if core:
            document.metadata.update(core_properties(parse_xml(core, fmt="DOCX")))
        for name in sorted(n for n in archive.names() if re.match(r"word/header\d*\.xml$", n)):
            reader.container(
                parse_xml(archive.read(name), fmt="DOCX"), document.blocks, kind=BlockKind.HEADER
            )
        body = child(body_root, "body")
        if body is not None:
            reader.container(body, document.blocks, depth=0)
        for name in sorted(n for n in archive.names() if re.match(r"word/footer\d*\.xml$", n)):
            reader.container(
                parse_xml(archive.read(name), fmt="DOCX"), document.blocks, kind=BlockKind.FOOTER
            )
        document.title = document.metadata.get("title", "")
        if not document.title:
            titles = [b.text for b in document.blocks if b.kind is BlockKind.TITLE]
            document.title = titles[0] if titles else ""
        return finish_document(document)


class _Reader:
    def __init__(self, archive: SafeZip) -> None:
        self.styles: dict[str, tuple[str, int]] = {}
        """styleId → (name, outline level or -1)."""
        raw = archive.read_optional("word/styles.xml")
        if raw:
            for style in parse_xml(raw, fmt="DOCX"):
                if local(style.tag) != "style":
                    continue
                name_el = child(style, "name")
                name = attr(name_el, "val") if name_el is not None else ""
                outline = -1
                ppr = child(style, "pPr")
                if ppr is not None and (lvl := child(ppr, "outlineLvl")) is not None:
                    outline = int_attr(lvl, "val", -1, maximum=9)
                self.styles[attr(style, "styleId")] = (name, outline)
        self.notes: dict[tuple[str, str], str] = {}
        for kind in ("footnote", "endnote"):
            raw = archive.read_optional(f"word/{kind}s.xml")
            if raw:
                for note in parse_xml(raw, fmt="DOCX"):
                    if local(note.tag) == kind and attr(note, "type") not in (
                        "separator",
                        "continuationSeparator",
                    ):
                        inner: list[Block] = []
                        self.container(note, inner)
                        self.notes[(kind, attr(note, "id"))] = "\n".join(
                            b.plain_text() for b in inner
                        )
        self.images = 0

    def container(
        self, parent: Any, out: list[Block], *, kind: BlockKind | None = None, depth: int = 0
    ) -> None:
        """Paragraphs and tables of a body, cell, header, note or text box."""
        if depth > MAX_NESTING:
            return
        for el in parent:
            name = local(el.tag)
            if name == "p":
                start = len(out)
                self.paragraph(el, out, depth=depth)
                if kind is not None:
                    for block in out[start:]:
                        if block.table is None and block.kind is not BlockKind.IMAGE:
                            block.kind = kind
            elif name == "tbl":
                self.table(el, out, depth=depth)
            elif name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
                self.container(el, out, kind=kind, depth=depth + 1)

    def paragraph(self, p: Any, out: list[Block], *, depth: int) -> None:
        parts: list[str] = []
        extras: list[Block] = []
        self._runs(p, parts, extras, depth=depth)
        text = "".join(parts)
        if text.strip():
            out.append(self._typed(p, text))
        out.extend(extras)

    def _runs(self, el: Any, parts: list[str], extras: list[Block], *, depth: int) -> None:
        for c in el:
            name = local(c.tag)
            if name in _SKIP:
                continue
            if name == "t":
                parts.append(c.text or "")
            elif name in _INLINE:
                parts.append(_INLINE[name])
            elif name in ("footnoteReference", "endnoteReference"):
                kind = name.removesuffix("Reference")
                text = self.notes.get((kind, attr(c, "id")), "")
                if text.strip():
                    extras.append(
                        Block(
                            kind=BlockKind.FOOTNOTE,
                            text=text,
                            attrs={"note": kind, "number": attr(c, "id")},
                        )
                    )
            elif name == "txbxContent":
                self.container(c, extras, depth=depth + 1)
            elif name in ("drawing", "pict", "object"):
                before = len(extras)
                self._runs(c, parts, extras, depth=depth + 1)
                if not any(b.kind is not BlockKind.IMAGE for b in extras[before:]):
                    self.images += 1
                    extras.append(Block(kind=BlockKind.IMAGE, attrs={"index": self.images}))
            elif depth < MAX_NESTING:
                self._runs(c, parts, extras, depth=depth + 1)

    def _typed(self, p: Any, text: str) -> Block:
        ppr = child(p, "pPr")
        style_id = ""
        outline = -1
        numbered = False
        level = 0
        if ppr is not None:
            if (style := child(ppr, "pStyle")) is not None:
                style_id = attr(style, "val")
            if (lvl := child(ppr, "outlineLvl")) is not None:
                outline = int_attr(lvl, "val", -1, maximum=9)
            if (num := child(ppr, "numPr")) is not None:
                numbered = True
                if (ilvl := child(num, "ilvl")) is not None:
                    level = int_attr(ilvl, "val", 0, maximum=9)
        name, style_outline = self.styles.get(style_id, (style_id, -1))
        if name.lower() in ("title", "제목"):
            return Block(kind=BlockKind.TITLE, text=text, level=0, attrs={"style": name})
        match = _HEADING_RE.match(name)
        heading = int(match.group(1)) if match else 0
        if (
            not heading
            and (outline >= 0 or style_outline >= 0)
            and outline < 9
            and style_outline < 9
        ):
            heading = max(outline, style_outline) + 1
        if heading:
            return Block(
                kind=BlockKind.HEADING,
                text=text,
                level=heading,
                marker=classify_line(text)[1],
                attrs={"style": name},
            )
        block = text_block(text)
        if numbered and block.kind is BlockKind.PARAGRAPH:
            block.kind = BlockKind.LIST_ITEM
            block.level = level
        elif numbered:
            block.level = level
        if name:
            block.attrs["style"] = name
        return block

    def table(self, tbl: Any, out: list[Block], *, depth: int) -> None:
        if depth > MAX_NESTING:
            return
        cells: list[TableCell] = []
        open_merges: dict[int, TableCell] = {}
        row_index = 0
        for tr in tbl:
            if local(tr.tag) != "tr":
                continue
            header = False
            trpr = child(tr, "trPr")
            if trpr is not None and child(trpr, "tblHeader") is not None:
                header = attr(child(trpr, "tblHeader"), "val", "1") not in ("0", "false")
            col = 0
            for tc in tr:
                if local(tc.tag) != "tc":
                    continue
                span, merge = 1, ""
                tcpr = child(tc, "tcPr")
                if tcpr is not None:
                    if (grid := child(tcpr, "gridSpan")) is not None:
                        span = max(int_attr(grid, "val", 1), 1)
                    if (vmerge := child(tcpr, "vMerge")) is not None:
                        merge = attr(vmerge, "val", "continue")
                if merge == "continue" and col in open_merges:
                    open_merges[col].row_span += 1
                else:
                    inner: list[Block] = []
                    self.container(tc, inner, depth=depth + 1)
                    cell = TableCell(
                        text="\n".join(t for b in inner if (t := b.plain_text())),
                        row=row_index,
                        col=col,
                        col_span=span,
                        header=header,
                    )
                    cells.append(cell)
                    if merge == "restart":
                        open_merges[col] = cell
                    else:
                        open_merges.pop(col, None)
                col += span
            row_index += 1
        if cells:
            out.append(Block(kind=BlockKind.TABLE, table=table_from_cells(cells)))
