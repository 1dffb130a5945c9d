"""Presenting a :class:`Document`: markdown for people, a JSON object for programs.

The JSON shape (``doum parse FILE --json``) is a contract other tools rely on::

    {
      "format": "hwp",                 # detected by content
      "title": "...",
      "metadata": {...},               # format metadata (Korean keys kept for statutes)
      "page_count": 3 | null,
      "text": "...",                   # plain text in reading order
      "tables": [[["cell", ...], ...]],# each table: rows of cell strings (merged cells repeated)
      "structure": [                   # one entry per block, in reading order
        {"kind": "heading", "text": "...", "level": 1, "marker": "", "page": null,
         "path": ["..."], "statute": {...} | null, "table": 0 | null}
      ],
      "warnings": ["..."]
    }
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from doum.documents.model import BlockKind, Document

_SKIP_METADATA = {"preview_text"}


def document_json(document: Document) -> dict[str, Any]:
    tables: list[list[list[str]]] = []
    structure: list[dict[str, Any]] = []
    for block in document.blocks:
        entry: dict[str, Any] = {
            "kind": block.kind.value,
            "text": block.text,
            "level": block.level,
            "marker": block.marker,
            "page": block.page,
            "path": block.path,
            "statute": _statute(block.statute),
            "table": None,
        }
        if block.table is not None:
            entry["table"] = len(tables)
            entry["header_rows"] = block.table.header_rows
            entry["caption"] = block.table.caption
            tables.append(block.table.rows)
        structure.append(entry)
    return {
        "format": document.format,
        "title": document.title,
        "metadata": _jsonable(document.metadata),
        "page_count": document.page_count,
        "text": document.text(),
        "tables": tables,
        "structure": structure,
        "warnings": list(document.warnings),
    }


def _statute(ref: Any) -> dict[str, Any] | None:
    if ref is None:
        return None
    data = {k: v for k, v in asdict(ref).items() if v not in ("", False)}
    data["citation"] = ref.citation()
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def document_markdown(document: Document, *, metadata: bool = True) -> str:
    """The document as markdown: a metadata table, then the blocks with structure."""
    out: list[str] = []
    if metadata:
        out.append(f"<!-- 형식: {document.format} -->")
        rows = [(k, v) for k, v in document.metadata.items() if k not in _SKIP_METADATA]
        if document.title:
            rows.insert(0, ("제목", document.title))
        if document.page_count:
            rows.append(("쪽 수", document.page_count))
        if rows:
            out.append("| 항목 | 값 |\n|---|---|")
            out.extend(f"| {k} | {_cell(v)} |" for k, v in rows)
            out.append("")
        for warning in document.warnings:
            out.append(f"> 주의: {warning}")
    page = None
    for block in document.blocks:
        if block.page is not None and block.page != page:
            page = block.page
            out.append(f"\n<!-- {page}쪽 -->")
        kind = block.kind
        if block.table is not None:
            out.append("\n" + block.table.to_markdown() + "\n")
        elif kind is BlockKind.TITLE:
            out.append(f"# {block.text}")
        elif kind is BlockKind.HEADING:
            out.append(f"{'#' * min(block.level + 1, 6)} {block.text}")
        elif kind is BlockKind.ARTICLE:
            out.append(f"\n**{block.text}**")
        elif kind is BlockKind.LIST_ITEM:
            out.append(f"{'  ' * block.level}- {block.text}")
        elif kind is BlockKind.FOOTNOTE:
            out.append(f"> [주] {block.text}")
        elif kind in (BlockKind.HEADER, BlockKind.FOOTER):
            label = "머리말" if kind is BlockKind.HEADER else "꼬리말"
            out.append(f"<!-- {label}: {block.text} -->")
        elif kind is BlockKind.IMAGE:
            out.append(f"![{block.text or '그림'}]()")
        else:
            out.append(block.text)
    return "\n".join(out).strip() + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")
