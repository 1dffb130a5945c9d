"""Paragraph styles of an HWPX document, read from ``Contents/header.xml``.

Only two things are needed from the header: style names (바탕글, 개요 1, 제목 …) and
which paragraph shapes (``paraPr``) carry an outline level. The header is often larger
than the body (fonts, borders, character shapes), so it is not parsed into a tree:
the ``style`` tags and the ``heading type="OUTLINE"`` tags are found by searching for
literal byte strings (fast, in C), and each outline heading is tied to the ``paraPr``
that encloses it.
"""

from __future__ import annotations

import html
import re

_OUTLINE_STYLE_RE = re.compile(r"^(?:개요|Outline|제목|Heading)\s*(\d{1,2})$")
_TITLE_STYLES = frozenset({"제목", "문서 제목", "Title"})
_CACHE_LIMIT = 4096
_NAME_START = frozenset(b"<:")
_NAME_END = frozenset(b" \t\r\n/>")
_ENDS = frozenset({b" ", b"\t", b"\r", b"\n", b"/", b">"})
_ATTR_START = frozenset(b" \t\r\n:")
_TAG_WINDOW = 65_536
"""How far to look for the ends of a tag; keeps hostile headers linear."""
_MAX_OUTLINES = 2_000


def outline_style_level(name: str) -> int:
    """Heading level a style name implies ("개요 2", "Heading 1"), or 0."""
    match = _OUTLINE_STYLE_RE.match(name)
    return int(match.group(1)) if match else 0


class ParagraphStyles:
    """How a paragraph's style and paragraph shape make it a title or a heading."""

    def __init__(
        self,
        style_names: dict[str, str] | None = None,
        outline_levels: dict[str, int] | None = None,
    ) -> None:
        self.style_names = style_names or {}
        """style id → name."""
        self.outline_levels = outline_levels or {}
        """paraPr id → outline level (1-based)."""
        self._cache: dict[tuple[str, str], tuple[bool, int, str]] = {}

    @classmethod
    def read(cls, raw: bytes | None) -> ParagraphStyles:
        """Styles from the bytes of ``header.xml`` (None: a package without one)."""
        if not raw:
            return cls()
        names: dict[str, str] = {}
        for attrs in _tags(raw, b"style"):
            names[_attr(attrs, b"id")] = html.unescape(_attr(attrs, b"name"))
        levels: dict[str, int] = {}
        start = raw.find(b'"OUTLINE"')
        for _ in range(_MAX_OUTLINES):
            if start < 0:
                break
            tag = raw.rfind(b"<", max(0, start - _TAG_WINDOW), start)
            heading = _open_tag(raw, tag, b"heading")
            if heading is not None and _attr(heading, b"type") == "OUTLINE":
                para_pr = _enclosing_para_pr(raw, tag)
                if para_pr and para_pr not in levels:
                    level = _attr(heading, b"level")
                    levels[para_pr] = min(int(level), 98) + 1 if level.isdigit() else 1
            start = raw.find(b'"OUTLINE"', start + 9)
        return cls(names, levels)

    def lookup(self, style: str, para_pr: str) -> tuple[bool, int, str]:
        """(is title, heading level or 0, style name) of a paragraph."""
        key = (style, para_pr)
        found = self._cache.get(key)
        if found is None:
            name = self.style_names.get(style, "")
            level = outline_style_level(name) or self.outline_levels.get(para_pr, 0)
            found = (name in _TITLE_STYLES, level, name)
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[key] = found
        return found


def _tags(raw: bytes, name: bytes) -> list[bytes]:
    """Attribute text of every ``<name …>`` / ``<prefix:name …>`` start tag."""
    found: list[bytes] = []
    start = raw.find(name)
    while start >= 0:
        end = start + len(name)
        if start and raw[start - 1] in _NAME_START and end < len(raw) and raw[end] in _NAME_END:
            attrs = _open_tag(raw, raw.rfind(b"<", max(0, start - _TAG_WINDOW), start), name)
            if attrs is not None:
                found.append(attrs)
        start = raw.find(name, end)
    return found


def _open_tag(raw: bytes, tag: int, name: bytes) -> bytes | None:
    """The attributes of the start tag ``name`` at ``tag`` (a "<"), else None."""
    if tag < 0 or raw[tag + 1 : tag + 2] == b"/":
        return None
    close = raw.find(b">", tag, tag + _TAG_WINDOW)
    if close < 0:
        return None
    parts = raw[tag + 1 : close].split(None, 1)
    head = parts[0].rstrip(b"/") if parts else b""
    if head != name and not head.endswith(b":" + name):
        return None
    return parts[1] if len(parts) > 1 else b""


def _attr(attrs: bytes, name: bytes) -> str:
    key = name + b'="'
    start = attrs.find(key)
    while start >= 0:
        if start == 0 or attrs[start - 1] in _ATTR_START:
            end = attrs.find(b'"', start + len(key))
            value = attrs[start + len(key) : end if end >= 0 else len(attrs)]
            return value.decode("utf-8", errors="replace")
        start = attrs.find(key, start + 1)
    return ""


def _enclosing_para_pr(raw: bytes, pos: int) -> str:
    """The id of the ``paraPr`` open at ``pos``, or "" when ``pos`` is outside one."""
    floor = max(0, pos - _TAG_WINDOW)
    start = raw.rfind(b"paraPr", floor, pos)
    while start > 0 and not (raw[start - 1] in b"<:/" and raw[start + 6 : start + 7] in _ENDS):
        start = raw.rfind(b"paraPr", floor, start)
    if start <= 0:
        return ""
    tag = raw.rfind(b"<", floor, start)
    attrs = _open_tag(raw, tag, b"paraPr")
    if attrs is None or attrs.endswith(b"/"):
        return ""  # the closing tag of an earlier paraPr, or an empty one
    return _attr(attrs, b"id")
