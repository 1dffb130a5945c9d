"""DocumentDraft → DOCX with python-docx (its default template gives Word's built-in
Title / Heading N / Table Grid styles, so the file reads as structured in Word).

Korean text is set in 맑은 고딕 (East Asian font); page numbers are a PAGE field in the
footer. python-docx cannot create real footnotes, so footnote blocks become small
paragraphs right after the block they annotate.
"""

from __future__ import annotations

import io
import os
from typing import Any, BinaryIO

from doum.documents.draft import DocumentDraft
from doum.documents.model import Block, BlockKind, Table

FONT = "맑은 고딕"
_ROLE_FORMAT = {
    # role: (alignment, size pt, bold)
    "slogan": ("center", 9, False),
    "organization": ("center", 20, True),
    "subject": ("left", 11, True),
    "sender": ("center", 16, True),
    "signatories": ("left", 9, False),
    "enforcement": ("left", 9, False),
    "address": ("left", 9, False),
    "contact": ("left", 9, False),
}


def docx_bytes(draft: DocumentDraft) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if draft.gongmun is not None:
        section.top_margin, section.bottom_margin = Mm(30), Mm(15)
        section.left_margin, section.right_margin = Mm(20), Mm(15)
    if draft.page_numbers:
        _page_number_footer(section, qn)
    props = document.core_properties
    props.title = draft.title
    props.author = str(draft.metadata.get("author", ""))
    props.subject = str(draft.metadata.get("subject", ""))
    props.keywords = str(draft.metadata.get("keywords", ""))
    align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}

    if draft.gongmun is not None:
        from doum.documents.writers.gongmun import layout

        for block in layout(draft):
            role = block.attrs.get("role")
            if role:
                paragraph = document.add_paragraph()
                alignment, size, bold = _ROLE_FORMAT.get(role, ("left", 10, False))
                paragraph.alignment = align[alignment]
                run = paragraph.add_run(_clean(block.text))
                run.font.size, run.bold = Pt(size), bold
            else:
                _block(document, block, Pt)
    else:
        if draft.title:
            document.add_heading(_clean(draft.title), level=0)
        for block in draft.body_blocks():
            _block(document, block, Pt)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n")


def _block(document: Any, block: Block, pt: Any) -> None:
    kind = block.kind
    if kind is BlockKind.TABLE and block.table is not None:
        _table(document, block.table)
    elif kind is BlockKind.TITLE:
        document.add_heading(_clean(block.text), level=0)
    elif kind is BlockKind.HEADING:
        document.add_heading(_clean(block.text), level=min(max(block.level, 1), 9))
    elif kind is BlockKind.FOOTNOTE:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(_clean(block.text))
        run.font.size = pt(8)
    elif kind is BlockKind.IMAGE:
        return
    else:
        paragraph = document.add_paragraph()
        if kind is BlockKind.LIST_ITEM and block.level:
            paragraph.paragraph_format.left_indent = pt(10 * block.level)
        run = paragraph.add_run(_clean(block.text))
        if kind is BlockKind.ARTICLE:
            run.bold = True


def _table(document: Any, table: Table) -> None:
    if table.caption:
        caption = document.add_paragraph()
        caption.add_run(_clean(table.caption)).bold = True
    if not table.rows:
        return
    n_rows, n_cols = len(table.rows), max(len(r) for r in table.rows)
    grid = document.add_table(rows=n_rows, cols=n_cols)
    grid.style = "Table Grid"
    cells = table.cells or []
    if cells:
        for cell in cells:
            if cell.row >= n_rows or cell.col >= n_cols:
                continue
            target = grid.cell(cell.row, cell.col)
            last_row = min(cell.row + cell.row_span, n_rows) - 1
            last_col = min(cell.col + cell.col_span, n_cols) - 1
            if (last_row, last_col) != (cell.row, cell.col):
                target = target.merge(grid.cell(last_row, last_col))
            target.text = _clean(cell.text)
    else:
        for r, row in enumerate(table.rows):
            for c, text in enumerate(row):
                grid.cell(r, c).text = _clean(text)
    for r in range(min(table.header_rows, n_rows)):
        row = grid.rows[r]
        _mark_header(row)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.bold = True


def _mark_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _page_number_footer(section: Any, qn: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" -")


def write_docx(draft: DocumentDraft, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write ``draft`` as DOCX to a path or a binary file object."""
    from doum.documents.writers import write_target

    write_target(docx_bytes(draft), target)
