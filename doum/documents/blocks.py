"""Turning runs of text into typed blocks: 개조식 markers, numbered items, headings.

Parsers of formats without explicit structure (HWP, PDF, TXT, and the plain paragraphs
of the others) call :func:`classify_line` on each paragraph; every parser finishes with
:func:`finish_document`, which adds statute structure and heading paths.

A block's ``text`` always keeps its marker as written ("○ 추진 배경"); ``marker`` only
names it, so the text of a document reads the same whatever structure was detected.
"""

from __future__ import annotations

import re

from doum.documents.model import Block, BlockKind, Document

# 개조식 bullets and their usual depth in Korean administrative reports
# (□ → ○ → - → ·); ※ is a note, kept at the depth of what it annotates.
BULLET_LEVELS: dict[str, int] = {
    "□": 0,
    "■": 0,
    "◆": 0,
    "◇": 0,
    "▣": 0,
    "○": 1,
    "●": 1,
    "❍": 1,
    "•": 1,
    "▶": 1,
    "►": 1,
    "➢": 1,
    "◦": 2,
    "-": 2,
    "–": 2,
    "—": 2,
    "▪": 2,
    "▫": 2,
    "·": 3,
    "ㆍ": 3,
    "*": 3,
    "※": 1,
}
_BULLET_RE = re.compile(r"^(□|■|◆|◇|▣|○|●|❍|•|▶|►|➢|◦|▪|▫|※|ㆍ|·|[-–—*](?=\s))\s*(?=\S)")
_NUMBERED_RE = re.compile(
    r"^(\d{1,3}[.)](?=\s)|[가-하][.)](?=\s)|\(\d{1,3}\)|\([가-하]\)|[①-⑳㉑-㉟㊱-㊿]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.)\s*(?=\S)"
)
_ROMAN_HEADING_RE = re.compile(r"^[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.")


def numbered_level(marker: str) -> int:
    """Depth of a numbered marker: 1. → 0, 가. → 1, 1) → 2, 가) → 3, (1) → 4, (가) → 5."""
    if marker[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return 0
    if marker.startswith("("):
        return 5 if "가" <= marker[1] <= "하" else 4
    hangul = "가" <= marker[0] <= "하"
    if marker.endswith(")"):
        return 3 if hangul else 2
    return 1 if hangul else 0


def classify_line(text: str) -> tuple[BlockKind, str, int]:
    """(kind, marker, level) of one paragraph of text, from its leading marker."""
    stripped = text.lstrip()
    if not stripped:
        return BlockKind.PARAGRAPH, "", 0
    match = _BULLET_RE.match(stripped)
    if match:
        marker = match.group(1)
        if marker == "※":
            return BlockKind.PARAGRAPH, marker, BULLET_LEVELS[marker]
        return BlockKind.LIST_ITEM, marker, BULLET_LEVELS.get(marker, 1)
    match = _NUMBERED_RE.match(stripped)
    if match:
        marker = match.group(1)
        if _ROMAN_HEADING_RE.match(marker) and len(stripped) < 80:
            return BlockKind.HEADING, marker, 1
        return BlockKind.LIST_ITEM, marker, numbered_level(marker)
    return BlockKind.PARAGRAPH, "", 0


def text_block(text: str, **kwargs: object) -> Block:
    """A paragraph block typed by :func:`classify_line`; ``kwargs`` go to :class:`Block`."""
    kind, marker, level = classify_line(text)
    return Block(kind=kind, text=text, marker=marker, level=level, **kwargs)  # type: ignore[arg-type]


def assign_paths(blocks: list[Block]) -> None:
    """Fill ``Block.path`` with the headings (and statute articles) above each block."""
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind in (BlockKind.HEADING, BlockKind.ARTICLE, BlockKind.TITLE):
            level = block.level or 1
            if block.kind is BlockKind.ARTICLE:
                level = max(level, 9)
            elif block.kind is BlockKind.TITLE:
                level = 0
            while stack and stack[-1][0] >= level:
                stack.pop()
            block.path = [text for _, text in stack]
            stack.append((level, block.text.strip()))
        else:
            block.path = [text for _, text in stack]


def finish_document(document: Document, *, statute: bool | None = None) -> Document:
    """Common last steps: drop empty blocks, detect statute structure, paths, title."""
    from doum.documents.statute import annotate_statutes

    document.blocks = [
        b
        for b in document.blocks
        if b.table is not None or b.text.strip() or b.kind is BlockKind.IMAGE
    ]
    annotate_statutes(document, statute_file=statute)
    assign_paths(document.blocks)
    if not document.title:
        document.title = _guess_title(document)
    return document


def _guess_title(document: Document) -> str:
    for key in ("제목", "title", "Title", "법령명"):
        value = document.metadata.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    for block in document.blocks[:20]:
        if block.kind in (BlockKind.TITLE, BlockKind.HEADING) and block.text.strip():
            return block.text.strip()[:200]
    return ""
