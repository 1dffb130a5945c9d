"""The structure the drafting tools work on: markdown with headings.

Attachments and documents to summarise are read by :mod:`doum.documents` and kept as
markdown whose headings carry the document's structure (chapters, sections, statute
articles, top-level 개조식 items); :func:`split_sections` cuts such text back into
sections with their heading path, for grounding, summarising and citing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from doum.documents.model import BlockKind, Document

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TOP_MARKERS = ("□", "■", "◆", "Ⅰ.", "Ⅱ.", "Ⅲ.", "Ⅳ.", "Ⅴ.", "Ⅵ.", "Ⅶ.", "Ⅷ.", "Ⅸ.", "Ⅹ.")
ARTICLE_LEVEL = 6
_HEADINGS = (BlockKind.TITLE, BlockKind.HEADING)


def document_markdown(document: Document) -> str:
    """A parsed document as markdown that keeps its outline.

    Headings keep their level (a title is ``#``), statute articles become level-6
    headings, top-level 개조식 items (□) become headings when the document has no
    headings of its own, list items keep their marker, tables become pipe tables.
    """
    has_headings = sum(1 for b in document.blocks if b.kind is BlockKind.HEADING) >= 2
    out: list[str] = []
    leading = [b.text.strip() for b in document.blocks[:3] if b.kind in _HEADINGS]
    if document.title and document.title.strip() not in leading:
        out.append(f"# {document.title}")
    for block in document.blocks:
        kind = block.kind
        text = " ".join(block.text.split()) if kind is not BlockKind.TABLE else ""
        if block.table is not None:
            out.append("")
            out.append(block.table.to_markdown())
            out.append("")
        elif kind is BlockKind.TITLE:
            out.append(f"# {text}")
        elif kind is BlockKind.HEADING:
            out.append(f"{'#' * min(block.level + 1, 5)} {text}")
        elif kind is BlockKind.ARTICLE:
            out.append(f"{'#' * ARTICLE_LEVEL} {text}")
        elif kind is BlockKind.LIST_ITEM:
            if not has_headings and block.level == 0 and text.startswith(_TOP_MARKERS):
                out.append(f"## {text}")
            else:
                marker = block.marker or "-"
                line = text if text.startswith(marker) else f"{marker} {text}"
                out.append("  " * block.level + line)
        elif kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.IMAGE):
            continue
        elif kind is BlockKind.FOOTNOTE:
            out.append(f"> 주: {text}")
        elif text:
            out.append(text)
    return "\n".join(out).strip() + "\n"


@dataclass(slots=True)
class Section:
    """One heading and the text under it (up to the next heading)."""

    index: int
    heading: str
    level: int
    path: tuple[str, ...]
    """The headings above this one, outermost first (not including it)."""
    body: str
    line: int = 0
    parts: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Where the section sits, for citations: "제1장 총칙 > 제1절 > 제2조(정의)"."""
        chain = [p for p in self.path if p] + ([self.heading] if self.heading else [])
        return " > ".join(chain) or "(머리글 없음)"

    @property
    def text(self) -> str:
        return self.body

    def __len__(self) -> int:
        return len(self.body)


def split_sections(markdown: str) -> list[Section]:
    """Cut markdown at its headings. Text before the first heading is a section with an
    empty heading; headings with nothing under them stay (a chapter title) so that the
    outline is complete."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    heading, level, start = "", 0, 0
    path: tuple[str, ...] = ()
    body: list[str] = []
    in_fence = False

    def close() -> None:
        text = "\n".join(body).strip()
        if heading or text:
            sections.append(Section(len(sections), heading, level, tuple(path), text, line=start))

    for number, line in enumerate(markdown.split("\n")):
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _HEADING_RE.match(line)
        if match is None:
            body.append(line)
            continue
        close()
        level = len(match.group(1))
        heading = match.group(2).strip()
        while stack and stack[-1][0] >= level:
            stack.pop()
        path = tuple(text for _, text in stack)
        stack.append((level, heading))
        body = []
        start = number
    close()
    return sections


def outline(markdown: str) -> list[tuple[int, str]]:
    """(level, heading) of every heading, in order."""
    return [(s.level, s.heading) for s in split_sections(markdown) if s.heading]


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs (tables and lists stay whole)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
