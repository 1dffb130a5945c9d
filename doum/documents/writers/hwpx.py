"""DocumentDraft → HWPX (OWPML package) that opens in Hancom Office.

Package layout, as Hancom writes it: ``mimetype`` first and stored (not deflated),
``version.xml``, ``Contents/header.xml`` (fonts, shapes, styles), ``Contents/section0.xml``,
``Contents/content.hpf`` (OPF manifest, spine and metadata), ``Preview/PrvText.txt``,
``settings.xml``, ``META-INF/container.xml`` and ``META-INF/manifest.xml``.
Line layout (``linesegarray``) is left out; Hancom computes it when it opens the file.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from doum.documents.draft import DocumentDraft
from doum.documents.model import Block, BlockKind, Table
from doum.documents.owpml import CONTENT_HPF, HEADER_XML, MIMETYPE, NS, PREVIEW_TEXT
from doum.documents.writers import gongmun as gm
from doum.documents.writers import hwpx_header as hh

PAGE_WIDTH = 59528  # A4, HWPUNIT
PAGE_HEIGHT = 84186
MM = 283.465
# (top, bottom, left, right) margins: ordinary report, and the 공문 rule (30/15/20/15 mm)
MARGINS_REPORT = (5668, 4252, 8504, 8504)
MARGINS_GONGMUN = (int(30 * MM), int(15 * MM), int(20 * MM), int(15 * MM))
_HEADING_STYLE = {1: hh.STYLE_H1, 2: hh.STYLE_H2}
_LEVEL_PARA = {0: hh.PARA_BODY, 1: hh.PARA_L1, 2: hh.PARA_L2}


def clean(text: str) -> str:
    """Text safe for XML 1.0 (control characters other than tab/newline dropped)."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n")


def _runs_text(text: str) -> str:
    """``<hp:t>`` content with tabs and line breaks as OWPML elements."""
    out: list[str] = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            out.append("<hp:lineBreak/>")
        out.append("<hp:tab/>".join(escape(part) for part in line.split("\t")))
    return "".join(out)


class _Section:
    def __init__(self, text_width: int) -> None:
        self.paragraphs: list[list[str]] = []
        """Each paragraph: [open tag, run contents..., close]; runs can be appended to."""
        self.text_width = text_width
        self._ids = 1_000_000

    def next_id(self) -> int:
        self._ids += 1
        return self._ids

    def paragraph(
        self,
        text: str,
        *,
        style: int = hh.STYLE_BODY,
        para: int | None = None,
        char: int | None = None,
    ) -> None:
        spec = hh.STYLES[style]
        para = spec[2] if para is None else para
        char = spec[3] if char is None else char
        self.paragraphs.append(
            [
                f'<hp:p id="0" paraPrIDRef="{para}" styleIDRef="{style}" pageBreak="0" columnBreak="0" merged="0">'
                f'<hp:run charPrIDRef="{char}">',
                f"<hp:t>{_runs_text(text)}</hp:t>",
                "</hp:run></hp:p>",
            ]
        )

    def attach(self, xml: str) -> None:
        """Add an object (control, table) to the last paragraph's run."""
        if not self.paragraphs:
            self.paragraph("")
        self.paragraphs[-1].insert(-1, xml)

    def table(self, table: Table, *, borders: bool = True) -> None:
        self.paragraph("", style=hh.STYLE_BODY)
        self.paragraphs[-1][1] = ""
        self.attach(self.table_xml(table, borders=borders))
        self.attach("<hp:t/>")

    def table_xml(self, table: Table, *, borders: bool = True) -> str:
        cells = table.cells or [
            _cell
            for r, row in enumerate(table.rows)
            for _cell in _grid_cells(row, r, table.header_rows)
        ]
        n_rows = max((c.row + c.row_span for c in cells), default=0)
        n_cols = max((c.col + c.col_span for c in cells), default=0)
        if not n_rows or not n_cols:
            return ""
        col_width = self.text_width // n_cols
        row_height = 1800
        by_row: dict[int, list[str]] = {}
        for cell in sorted(cells, key=lambda c: (c.row, c.col)):
            header = cell.header or cell.row < table.header_rows
            border = (
                (hh.BORDER_HEADER_CELL if header else hh.BORDER_CELL) if borders else hh.BORDER_NONE
            )
            paras = "".join(
                f'<hp:p id="0" paraPrIDRef="{hh.PARA_CELL}" styleIDRef="{hh.STYLE_CELL}" pageBreak="0" '
                f'columnBreak="0" merged="0"><hp:run charPrIDRef="{hh.CHAR_BOLD if header else hh.CHAR_BODY}">'
                f"<hp:t>{_runs_text(line)}</hp:t></hp:run></hp:p>"
                for line in (cell.text.split("\n") or [""])
            )
            by_row.setdefault(cell.row, []).append(
                f'<hp:tc name="" header="{int(header)}" hasMargin="0" protect="0" editable="0" dirty="0" '
                f'borderFillIDRef="{border}"><hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" '
                'vertAlign="CENTER" linkListIDRef="0" linkListNextIDRef="0" textWidth="0" textHeight="0" '
                f'hasTextRef="0" hasNumRef="0">{paras}</hp:subList>'
                f'<hp:cellAddr colAddr="{cell.col}" rowAddr="{cell.row}"/>'
                f'<hp:cellSpan colSpan="{cell.col_span}" rowSpan="{cell.row_span}"/>'
                f'<hp:cellSz width="{col_width * cell.col_span}" height="{row_height * cell.row_span}"/>'
                '<hp:cellMargin left="510" right="510" top="141" bottom="141"/></hp:tc>'
            )
        rows = "".join(f"<hp:tr>{''.join(by_row.get(r, []))}</hp:tr>" for r in range(n_rows))
        caption = ""
        if table.caption:
            caption = (
                f'<hp:caption side="TOP" fullSz="0" width="{self.text_width}" gap="850" lastWidth="{self.text_width}">'
                '<hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" vertAlign="TOP" linkListIDRef="0" '
                'linkListNextIDRef="0" textWidth="0" textHeight="0" hasTextRef="0" hasNumRef="0">'
                f'<hp:p id="0" paraPrIDRef="{hh.PARA_CENTER}" styleIDRef="0" pageBreak="0" columnBreak="0" merged="0">'
                f'<hp:run charPrIDRef="{hh.CHAR_BOLD}"><hp:t>{_runs_text(table.caption)}</hp:t></hp:run></hp:p>'
                "</hp:subList></hp:caption>"
            )
        return (
            f'<hp:tbl id="{self.next_id()}" zOrder="0" numberingType="TABLE" textWrap="TOP_AND_BOTTOM" '
            'textFlow="BOTH_SIDES" lock="0" dropcapstyle="None" pageBreak="CELL" '
            f'repeatHeader="{int(table.header_rows > 0)}" rowCnt="{n_rows}" colCnt="{n_cols}" cellSpacing="0" '
            f'borderFillIDRef="{hh.BORDER_CELL if borders else hh.BORDER_NONE}" noAdjust="0">'
            f'<hp:sz width="{col_width * n_cols}" widthRelTo="ABSOLUTE" height="{row_height * n_rows}" '
            'heightRelTo="ABSOLUTE" protect="0"/>'
            '<hp:pos treatAsChar="1" affectLSpacing="0" flowWithText="1" allowOverlap="0" holdAnchorAndSO="0" '
            'vertRelTo="PARA" horzRelTo="COLUMN" vertAlign="TOP" horzAlign="LEFT" vertOffset="0" horzOffset="0"/>'
            '<hp:outMargin left="0" right="0" top="0" bottom="0"/>'
            '<hp:inMargin left="510" right="510" top="141" bottom="141"/>'
            f"{caption}{rows}</hp:tbl>"
        )

    def sublist_control(self, tag: str, text: str, extra: str = "") -> str:
        paras = "".join(
            f'<hp:p id="0" paraPrIDRef="{hh.PARA_BODY}" styleIDRef="{hh.STYLE_NOTE}" pageBreak="0" columnBreak="0" '
            f'merged="0"><hp:run charPrIDRef="{hh.CHAR_SMALL}"><hp:t>{_runs_text(line)}</hp:t></hp:run></hp:p>'
            for line in text.split("\n")
        )
        return (
            f'<hp:ctrl><hp:{tag}{extra}><hp:subList id="" textDirection="HORIZONTAL" lineWrap="BREAK" '
            'vertAlign="TOP" linkListIDRef="0" linkListNextIDRef="0" textWidth="0" textHeight="0" '
            f'hasTextRef="0" hasNumRef="0">{paras}</hp:subList></hp:{tag}></hp:ctrl>'
        )

    def xml(self) -> str:
        return "".join("".join(p) for p in self.paragraphs)


def _grid_cells(row: list[str], r: int, header_rows: int) -> list:  # type: ignore[type-arg]
    from doum.documents.model import TableCell

    return [TableCell(text=t, row=r, col=c, header=r < header_rows) for c, t in enumerate(row)]


def _sec_pr(margins: tuple[int, int, int, int], page_numbers: bool) -> str:
    top, bottom, left, right = margins
    page_num = (
        '<hp:ctrl><hp:pageNum pos="BOTTOM_CENTER" formatType="DIGIT" sideChar="-"/></hp:ctrl>'
        if page_numbers
        else ""
    )
    return (
        '<hp:secPr id="" textDirection="HORIZONTAL" spaceColumns="1134" tabStop="8000" tabStopVal="4000" '
        'tabStopUnit="HWPUNIT" outlineShapeIDRef="0" memoShapeIDRef="0" textVerticalWidthHead="0" masterPageCnt="0">'
        '<hp:grid lineGrid="0" charGrid="0" wonggojiFormat="0"/>'
        '<hp:startNum pageStartsOn="BOTH" page="0" pic="0" tbl="0" equation="0"/>'
        '<hp:visibility hideFirstHeader="0" hideFirstFooter="0" hideFirstMasterPage="0" border="SHOW_ALL" '
        'fill="SHOW_ALL" hideFirstPageNum="0" hideFirstEmptyLine="0" showLineNumber="0"/>'
        '<hp:lineNumberShape restartType="0" countBy="0" distance="0" startNumber="0"/>'
        f'<hp:pagePr landscape="WIDELY" width="{PAGE_WIDTH}" height="{PAGE_HEIGHT}" gutterType="LEFT_ONLY">'
        f'<hp:margin header="2834" footer="2834" gutter="0" left="{left}" right="{right}" top="{top}" bottom="{bottom}"/>'
        "</hp:pagePr>"
        '<hp:footNotePr><hp:autoNumFormat type="DIGIT" userChar="" prefixChar="" suffixChar=")" supscript="0"/>'
        '<hp:noteLine length="-1" type="SOLID" width="0.12 mm" color="#000000"/>'
        '<hp:noteSpacing betweenNotes="283" belowLine="567" aboveLine="850"/>'
        '<hp:numbering type="CONTINUOUS" newNum="1"/><hp:placement place="EACH_COLUMN" beneathText="0"/>'
        "</hp:footNotePr>"
        '<hp:endNotePr><hp:autoNumFormat type="DIGIT" userChar="" prefixChar="" suffixChar=")" supscript="0"/>'
        '<hp:noteLine length="14692344" type="SOLID" width="0.12 mm" color="#000000"/>'
        '<hp:noteSpacing betweenNotes="0" belowLine="567" aboveLine="850"/>'
        '<hp:numbering type="CONTINUOUS" newNum="1"/><hp:placement place="END_OF_DOCUMENT" beneathText="0"/>'
        "</hp:endNotePr>"
        '<hp:pageBorderFill type="BOTH" borderFillIDRef="1" textBorder="PAPER" headerInside="0" footerInside="0" '
        'fillArea="PAPER"><hp:offset left="1417" right="1417" top="1417" bottom="1417"/></hp:pageBorderFill>'
        "</hp:secPr>"
        '<hp:ctrl><hp:colPr id="" type="NEWSPAPER" layout="LEFT" colCount="1" sameSz="1" sameGap="0"/></hp:ctrl>'
        f"{page_num}"
    )


def write_block(section: _Section, block: Block) -> None:
    """One draft block into the section (markers already in the text)."""
    kind = block.kind
    if kind is BlockKind.TABLE and block.table is not None:
        section.table(block.table)
    elif kind is BlockKind.TITLE:
        section.paragraph(block.text, style=hh.STYLE_TITLE)
    elif kind is BlockKind.HEADING:
        section.paragraph(block.text, style=_HEADING_STYLE.get(block.level, hh.STYLE_H3))
    elif kind is BlockKind.FOOTNOTE:
        section.attach(section.sublist_control("footNote", block.text, ' id=""'))
    elif kind in (BlockKind.HEADER, BlockKind.FOOTER):
        tag = "header" if kind is BlockKind.HEADER else "footer"
        section.attach(
            section.sublist_control(
                tag, block.text, f' id="{section.next_id()}" applyPageType="BOTH"'
            )
        )
    elif kind is BlockKind.ARTICLE:
        section.paragraph(block.text, char=hh.CHAR_BOLD)
    elif kind is BlockKind.IMAGE:
        return
    else:
        level = block.level if kind is BlockKind.LIST_ITEM else 0
        section.paragraph(block.text, para=_LEVEL_PARA.get(level, hh.PARA_L3))


def section_xml(draft: DocumentDraft) -> str:
    margins = MARGINS_GONGMUN if draft.gongmun else MARGINS_REPORT
    section = _Section(PAGE_WIDTH - margins[2] - margins[3])
    section.paragraphs.append(
        [
            f'<hp:p id="0" paraPrIDRef="{hh.PARA_BODY}" styleIDRef="0" pageBreak="0" columnBreak="0" merged="0">'
            f'<hp:run charPrIDRef="{hh.CHAR_BODY}">{_sec_pr(margins, draft.page_numbers)}',
            "</hp:run></hp:p>",
        ]
    )
    if draft.gongmun is not None:
        gm.write(draft, section, write_block)
    else:
        if draft.title:
            section.paragraph(draft.title, style=hh.STYLE_TITLE)
        for block in draft.body_blocks():
            write_block(section, block)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        f"<hs:sec {' '.join(f'xmlns:{k}={quoteattr(v)}' for k, v in NS.items())}>{section.xml()}</hs:sec>"
    )


def _content_hpf(draft: DocumentDraft) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = draft.metadata
    metas = "".join(
        f'<opf:meta name="{name}" content="text">{escape(clean(str(meta[key])))}</opf:meta>'
        for name, key in (
            ("creator", "author"),
            ("subject", "subject"),
            ("keyword", "keywords"),
            ("description", "comments"),
        )
        if meta.get(key)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        f'<opf:package {" ".join(f"xmlns:{k}={quoteattr(v)}" for k, v in NS.items())} version="" unique-identifier="" id="">'
        f"<opf:metadata><opf:title>{escape(clean(draft.title))}</opf:title><opf:language>ko</opf:language>"
        f'{metas}<opf:meta name="CreatedDate" content="text">{now}</opf:meta>'
        f'<opf:meta name="ModifiedDate" content="text">{now}</opf:meta></opf:metadata>'
        '<opf:manifest><opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>'
        '<opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>'
        '<opf:item id="settings" href="settings.xml" media-type="application/xml"/></opf:manifest>'
        '<opf:spine><opf:itemref idref="header" linear="yes"/><opf:itemref idref="section0" linear="yes"/></opf:spine>'
        "</opf:package>"
    )


_CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container" '
    'xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf"><ocf:rootfiles>'
    '<ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/>'
    '<ocf:rootfile full-path="Preview/PrvText.txt" media-type="text/plain"/>'
    "</ocf:rootfiles></ocf:container>"
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'
)
_VERSION = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" '
    'major="5" minor="1" micro="0" buildNumber="1" os="1" xmlVersion="1.4" application="doum" appVersion="0.1"/>'
)
_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<ha:HWPApplicationSetting xmlns:ha="http://www.hancom.co.kr/hwpml/2011/app" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0">'
    '<ha:CaretPosition listIDRef="0" paraIDRef="0" pos="0"/></ha:HWPApplicationSetting>'
)


def hwpx_bytes(draft: DocumentDraft) -> bytes:
    """The HWPX package for ``draft`` as bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # mimetype must be the first member and stored uncompressed (like ODF/EPUB).
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        deflate = zipfile.ZIP_DEFLATED
        archive.writestr("version.xml", _VERSION, compress_type=deflate)
        archive.writestr(HEADER_XML, hh.header_xml(), compress_type=deflate)
        archive.writestr("Contents/section0.xml", section_xml(draft), compress_type=deflate)
        archive.writestr(PREVIEW_TEXT, clean(draft.plain_text())[:1024], compress_type=deflate)
        archive.writestr("settings.xml", _SETTINGS, compress_type=deflate)
        archive.writestr(CONTENT_HPF, _content_hpf(draft), compress_type=deflate)
        archive.writestr("META-INF/container.xml", _CONTAINER, compress_type=deflate)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=deflate)
    return buffer.getvalue()


def write_hwpx(draft: DocumentDraft, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write ``draft`` as HWPX to a path or a binary file object."""
    from doum.documents.writers import write_target

    write_target(hwpx_bytes(draft), target)
