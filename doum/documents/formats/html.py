"""HTML reader on the standard library's tolerant parser (no network, no scripts).

Headings h1–h6, paragraphs and other block elements, lists (nested depth kept), tables
with colspan/rowspan and <th> headers, images noted by alt text. Script, style and
other invisible elements are dropped. The encoding comes from a BOM, a <meta charset>,
UTF-8, or CP949 in that order.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser as _StdParser

from doum.documents.blocks import classify_line, finish_document, text_block
from doum.documents.errors import CorruptDocument
from doum.documents.limits import Limits
from doum.documents.model import Block, BlockKind, Document, TableCell
from doum.documents.tables import table_from_cells
from doum.documents.textcodec import decode_text

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "blockquote",
        "pre",
        "address",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "form",
        "fieldset",
        "center",
        "body",
        "html",
    }
)
_HIDDEN = frozenset(
    {"script", "style", "head", "template", "noscript", "svg", "iframe", "object", "title"}
)
_VOID = frozenset(
    {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)
MAX_DEPTH = 256
_BAD_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.I)


def _decode(data: bytes) -> str:
    match = _META_CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = match.group(1).decode("ascii", "ignore").lower()
        if name in ("euc-kr", "ks_c_5601-1987", "cp949", "x-windows-949", "windows-949"):
            return data.decode("cp949", errors="replace")
        try:
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    return decode_text(data)


class HtmlParser:
    format = "html"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        text = _decode(data)
        try:
            builder = self._build(text)
        except (AssertionError, ValueError):
            # html.parser asserts on some malformed "<!…" declarations; browsers show
            # them as text, so do the same and try once more.
            try:
                builder = self._build(_BAD_DECLARATION.sub("&lt;!", text))
            except (AssertionError, ValueError) as exc:
                raise CorruptDocument(format="HTML") from exc
        document = Document(format=self.format, blocks=builder.blocks)
        document.title = builder.title.strip()
        if document.title:
            document.metadata["title"] = document.title
        return finish_document(document)

    @staticmethod
    def _build(text: str) -> _Builder:
        builder = _Builder()
        builder.feed(text)
        builder.close()
        builder.flush()
        return builder


class _TableState:
    def __init__(self) -> None:
        self.cells: list[TableCell] = []
        self.occupied: set[tuple[int, int]] = set()
        self.row = -1
        self.col = 0
        self.cell: TableCell | None = None
        self.parts: list[str] = []
        self.caption: list[str] = []
        self.in_caption = False


class _Builder(_StdParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.kind = BlockKind.PARAGRAPH
        self.level = 0
        self.list_depth = -1
        self.hidden = 0
        self.in_title = False
        self.title = ""
        self.tables: list[_TableState] = []
        self.pre = 0

    # -- text ---------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.hidden:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.tables:
            table = self.tables[-1]
            if table.in_caption:
                table.caption.append(data)
            elif table.cell is not None:
                table.parts.append(data)
            return
        self.parts.append(data)

    def flush(self) -> None:
        text = "".join(self.parts).strip() if not self.pre else "".join(self.parts).strip("\n")
        self.parts = []
        if not text:
            return
        if self.kind is BlockKind.HEADING:
            block = Block(
                kind=BlockKind.HEADING, text=text, level=self.level, marker=classify_line(text)[1]
            )
        elif self.kind is BlockKind.LIST_ITEM:
            block = text_block(text)
            if block.kind is BlockKind.PARAGRAPH:
                block.kind = BlockKind.LIST_ITEM
            block.level = max(self.list_depth, 0)
        else:
            block = text_block(text)
        self.blocks.append(block)
        self.kind = BlockKind.PARAGRAPH

    # -- tags ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
            return
        if tag in _HIDDEN:
            if tag not in _VOID:
                self.hidden += 1
            return
        if self.hidden:
            return
        values = {k: v or "" for k, v in attrs}
        if self.tables and tag in ("td", "th", "tr", "caption", "table", "br", "p", "div", "li"):
            self._table_tag(tag, values)
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "pre":
            self.flush()
            self.pre += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.kind, self.level = BlockKind.HEADING, int(tag[1])
        elif tag in ("ul", "ol"):
            self.flush()
            self.list_depth = min(self.list_depth + 1, MAX_DEPTH)
        elif tag == "li":
            self.flush()
            self.kind = BlockKind.LIST_ITEM
        elif tag == "table":
            self.flush()
            self.tables.append(_TableState())
        elif tag == "img":
            self.flush()
            self.blocks.append(
                Block(
                    kind=BlockKind.IMAGE,
                    text=values.get("alt", ""),
                    attrs={"src": values.get("src", "")[:500]},
                )
            )
        elif tag in _BLOCK_TAGS or tag == "hr":
            self.flush()

    def _table_tag(self, tag: str, values: dict[str, str]) -> None:
        table = self.tables[-1]
        if tag == "table":
            self.tables.append(_TableState())
        elif tag == "tr":
            self._close_cell(table)
            table.row += 1
            table.col = 0
        elif tag in ("td", "th"):
            self._close_cell(table)
            if table.row < 0:
                table.row = 0
            while (table.row, table.col) in table.occupied:
                table.col += 1
            row_span = _span(values.get("rowspan"))
            col_span = _span(values.get("colspan"))
            table.cell = TableCell(
                text="",
                row=table.row,
                col=table.col,
                row_span=row_span,
                col_span=col_span,
                header=tag == "th",
            )
            for r in range(table.row, table.row + row_span):
                for c in range(table.col, table.col + col_span):
                    table.occupied.add((r, c))
            table.col += col_span
        elif tag == "caption":
            table.in_caption = True
        elif table.cell is not None:
            table.parts.append("\n")

    def _close_cell(self, table: _TableState) -> None:
        if table.cell is not None:
            table.cell.text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(table.parts)).strip()
            table.cells.append(table.cell)
            table.cell = None
            table.parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
            return
        if self.hidden:
            return
        if self.tables:
            table = self.tables[-1]
            if tag == "caption":
                table.in_caption = False
            elif tag in ("td", "th"):
                self._close_cell(table)
            elif tag == "table":
                self._close_cell(table)
                self.tables.pop()
                self._emit_table(table)
            return
        if tag == "pre":
            self.flush()
            self.pre = max(self.pre - 1, 0)
        elif tag in ("ul", "ol"):
            self.flush()
            self.list_depth = max(self.list_depth - 1, -1)
        elif re.fullmatch(r"h[1-6]", tag) or tag == "li" or tag in _BLOCK_TAGS:
            self.flush()

    def _emit_table(self, table: _TableState) -> None:
        if not table.cells:
            return
        built = table_from_cells(table.cells, caption="".join(table.caption).strip())
        if self.tables:  # a nested table: its text goes into the enclosing cell
            outer = self.tables[-1]
            if outer.cell is not None:
                outer.parts.append("\n" + "\n".join("\t".join(r) for r in built.rows) + "\n")
            return
        self.blocks.append(Block(kind=BlockKind.TABLE, table=built))


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 256))
    except ValueError:
        return 1
