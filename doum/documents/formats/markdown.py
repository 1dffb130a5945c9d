"""Markdown, including the statute markdown with YAML front matter (법령 corpus).

Front matter keys are kept as metadata exactly as written (Korean keys such as 제목,
법령구분, 소관부처, 시행일자, 상태). A document whose front matter has 법령구분 or 법령ID,
or which has many article headings, is read as a statute.
"""

from __future__ import annotations

import re
from typing import Any

from doum.documents.blocks import classify_line, finish_document
from doum.documents.limits import Limits
from doum.documents.model import Block, BlockKind, Document, Table
from doum.documents.textcodec import decode_text

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_RE = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE_RE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]*)[^)]*\)$")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_BOLD_RE = re.compile(r"(\*\*|__)(.+?)\1")
_LINK_RE = re.compile(r"(?<!!)\[([^\]]+)\]\([^)]*\)")
_CODE_RE = re.compile(r"`([^`]+)`")
_STATUTE_KEYS = ("법령구분", "법령ID", "법령MST")


def inline(text: str) -> str:
    """Markdown inline syntax → plain text (bold, links, code, backslash escapes)."""
    if (
        "\\" not in text
        and "*" not in text
        and "_" not in text
        and "[" not in text
        and "`" not in text
    ):
        return text
    text = _CODE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _BOLD_RE.sub(r"\2", text)
    return _ESCAPE_RE.sub(r"\1", text)


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """(metadata, body, warning). Invalid YAML is left in the body with a warning."""
    if not text.startswith("---\n"):
        return {}, text, None
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.rstrip().endswith("\n---"):
            end = len(text.rstrip()) - 4
        else:
            return {}, text, None
    raw = text[4:end]
    body = text[end + 5 :]
    import yaml

    try:
        loaded = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}, text, "머리말(YAML) 형식이 올바르지 않아 본문으로 읽었습니다."
    if not isinstance(loaded, dict):
        return {}, text, None
    return {str(k): v for k, v in loaded.items()}, body, None


class MarkdownParser:
    format = "md"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        text = decode_text(data)
        metadata, body, warning = split_front_matter(text)
        document = Document(format=self.format, metadata=metadata)
        if warning:
            document.warnings.append(warning)
        title = metadata.get("제목") or metadata.get("title") or metadata.get("법령명")
        if isinstance(title, str):
            document.title = title.strip()
        document.blocks = markdown_blocks(body)
        statute = any(k in metadata for k in _STATUTE_KEYS) or None
        return finish_document(document, statute=statute)


def markdown_blocks(body: str) -> list[Block]:
    lines = body.split("\n")
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            text = " ".join(p.strip() for p in paragraph)
            kind, marker, level = classify_line(text)
            blocks.append(Block(kind=kind, text=text, marker=marker, level=level))
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            flush()
            fence = stripped[:3]
            code: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                code.append(lines[i])
                i += 1
            blocks.append(
                Block(kind=BlockKind.PARAGRAPH, text="\n".join(code), attrs={"code": True})
            )
            i += 1
            continue
        if match := _HEADING_RE.match(stripped):
            flush()
            level = len(match.group(1))
            blocks.append(Block(kind=BlockKind.HEADING, text=inline(match.group(2)), level=level))
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < len(lines) and _TABLE_SEP_RE.match(lines[i + 1]):
            flush()
            rows = [_table_row(stripped)]
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_table_row(lines[i].strip()))
                i += 1
            blocks.append(Block(kind=BlockKind.TABLE, table=_table(rows)))
            continue
        if match := _IMAGE_RE.match(stripped):
            flush()
            blocks.append(
                Block(kind=BlockKind.IMAGE, text=match.group(1), attrs={"src": match.group(2)})
            )
            i += 1
            continue
        if match := _LIST_RE.match(line):
            flush()
            indent, marker, rest = match.groups()
            blocks.append(
                Block(
                    kind=BlockKind.LIST_ITEM,
                    text=inline(rest) if marker in "-*+" else f"{marker} {inline(rest)}",
                    marker=marker,
                    level=len(indent.expandtabs(4)) // 2,
                )
            )
            i += 1
            continue
        text = inline(stripped)
        if paragraph and classify_line(text)[1]:
            flush()  # a marker line (①, 1., 가., □, ○) starts its own block
        if stripped.startswith(">"):
            text = inline(stripped.lstrip("> "))
        paragraph.append(text)
        if classify_line(text)[1]:
            flush()
        i += 1
    flush()
    return blocks


def _table_row(line: str) -> list[str]:
    inner = line.strip()
    inner = inner.removeprefix("|")
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    return [inline(c.strip()).replace("\\|", "|") for c in cells]


def _table(rows: list[list[str]]) -> Table:
    from doum.documents.tables import table_from_grid

    return table_from_grid(rows, header_rows=1)
