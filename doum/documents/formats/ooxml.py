"""Small helpers shared by the OOXML (DOCX) and ODF (ODT) readers."""

from __future__ import annotations

from typing import Any

from doum.documents.owpml import local


def attr(el: Any, name: str, default: str = "") -> str:
    """An attribute by local name, whatever its namespace (w:val, table:number-columns-spanned)."""
    for key, value in el.attrib.items():
        if local(key) == name:
            return str(value)
    return default


def child(el: Any, name: str) -> Any | None:
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def int_attr(el: Any, name: str, default: int = 1, *, maximum: int = 1000) -> int:
    try:
        return max(0, min(int(attr(el, name, str(default))), maximum))
    except ValueError:
        return default


def core_properties(root: Any) -> dict[str, str]:
    """docProps/core.xml (Dublin Core) → our metadata keys."""
    keys = {
        "title": "title",
        "creator": "author",
        "subject": "subject",
        "keywords": "keywords",
        "description": "comments",
        "created": "created",
        "modified": "modified",
        "lastModifiedBy": "last_saved_by",
    }
    out: dict[str, str] = {}
    for el in root:
        key = keys.get(local(el.tag))
        if key and (el.text or "").strip():
            out[key] = el.text.strip()
    return out
