"""The one structured document model every parser produces and every writer reads.

A :class:`Document` is an ordered list of :class:`Block` objects. Blocks are flat (no
nesting) so chunkers and writers can walk them in reading order; structure is carried
by ``kind``, ``level``, ``marker`` and, for statutes, ``statute`` (the 편/장/절/조/항/호/목
position of the block). Tables keep their cells.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class BlockKind(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"
    FOOTNOTE = "footnote"
    IMAGE = "image"
    HEADER = "header"
    FOOTER = "footer"
    ARTICLE = "article"
    """A statute article heading: 제N조(제목). Its 항/호/목 follow as paragraphs."""


@dataclass(slots=True)
class TableCell:
    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False


@dataclass(slots=True)
class Table:
    """A table as cells plus a flattened grid.

    ``rows`` is the grid a reader sees: one list per row, one string per grid column,
    merged cells repeated into every position they cover ("flattened sensibly"), so a
    row can be read on its own with its header. ``cells`` keeps the original cells with
    their spans.
    """

    rows: list[list[str]]
    cells: list[TableCell] = field(default_factory=list)
    header_rows: int = 0
    caption: str = ""

    @property
    def cell_count(self) -> int:
        return len(self.cells) if self.cells else sum(len(r) for r in self.rows)

    def header(self) -> list[list[str]]:
        return self.rows[: self.header_rows]

    def to_markdown(self) -> str:
        if not self.rows:
            return ""
        width = max(len(r) for r in self.rows)

        def line(row: list[str]) -> str:
            padded = [*row, *([""] * (width - len(row)))]
            return (
                "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in padded) + " |"
            )

        head = self.rows[0] if self.header_rows else [""] * width
        body = self.rows[1:] if self.header_rows else self.rows
        out = [line(head), "|" + "---|" * width]
        out.extend(line(r) for r in body)
        if self.caption:
            out.insert(0, f"*{self.caption}*")
        return "\n".join(out)


@dataclass(slots=True)
class StatuteRef:
    """Where a block sits in a statute: 편/장/절/관/조/항/호/목, plus 부칙·별표."""

    law: str = ""
    part: str = ""
    """편, e.g. "제1편 총칙"."""
    chapter: str = ""
    """장, e.g. "제2장 행정의 법 원칙"."""
    section: str = ""
    """절 (and 관), e.g. "제1절 처분"."""
    article: str = ""
    """조, normalised without spaces: "제2조", "제227조의2"."""
    article_title: str = ""
    paragraph: str = ""
    """항, as a number string: "1" for ①."""
    item: str = ""
    """호, as written: "1", "2의2"."""
    subitem: str = ""
    """목: "가", "나"."""
    supplementary: bool = False
    """부칙."""
    appendix: str = ""
    """별표/별지 label, e.g. "별표 1"."""

    def citation(self) -> str:
        """Human citation: "행정기본법 제2조 제1항 제3호 가목"."""
        parts = [self.law] if self.law else []
        if self.supplementary:
            parts.append("부칙")
        if self.appendix:
            parts.append(self.appendix)
        if self.article:
            parts.append(self.article)
        if self.paragraph:
            parts.append(f"제{self.paragraph}항")
        if self.item:
            parts.append(f"제{self.item}호")
        if self.subitem:
            parts.append(f"{self.subitem}목")
        return " ".join(parts)


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    level: int = 0
    """Heading level (1 = top) or list depth (0 = top)."""
    marker: str = ""
    """List/개조식 marker as written: "□", "○", "-", "·", "1.", "가.", "①"."""
    page: int | None = None
    """1-based page number where the format has pages (PDF)."""
    table: Table | None = None
    statute: StatuteRef | None = None
    path: list[str] = field(default_factory=list)
    """Headings above this block, outermost first (for citing a manual section)."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """Format-specific extras (image name, footnote number, style name…)."""

    def plain_text(self) -> str:
        if self.table is not None:
            rows = "\n".join("\t".join(row) for row in self.table.rows)
            return f"{self.table.caption}\n{rows}" if self.table.caption else rows
        return self.text


@dataclass(slots=True)
class Document:
    format: str
    """Detected by content: "hwp", "hwpx", "pdf", "docx", "xlsx", "csv", "odt", "html",
    "txt", "md"."""
    title: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    warnings: list[str] = field(default_factory=list)
    """Non-fatal problems (e.g. an unreadable embedded object), in Korean."""

    @property
    def is_statute(self) -> bool:
        return any(b.kind is BlockKind.ARTICLE for b in self.blocks)

    def text(self) -> str:
        """Plain text in reading order, blocks separated by newlines."""
        return "\n".join(t for b in self.blocks if (t := b.plain_text()))

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table is not None]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
