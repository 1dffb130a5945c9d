"""Decoding a PARA_TEXT record: UTF-16LE text with embedded control characters.

Codes below 32 are controls. "Char" controls (line break, paragraph end, hyphen, fixed
spaces) take one code unit; "inline" and "extended" controls take eight (the code, six
units of parameters, the code again). Each extended control (table, drawing object,
header/footer, footnote, field start, …) has a CTRL_HEADER record, in text order.
"""

from __future__ import annotations

import re

_CHAR_CONTROLS = frozenset({0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31})
_REPLACEMENTS = {9: "\t", 10: "\n", 24: "-", 30: " ", 31: " "}
_CONTROL_RE = re.compile(rb"[\x00-\x1f]\x00")


def decode_para_text(raw: bytes) -> str:
    """The visible text of a paragraph (controls removed, tabs and breaks kept)."""
    if len(raw) % 2:
        raw = raw[:-1]
    parts: list[str] = []
    pos = 0
    search = _CONTROL_RE.search
    end = len(raw)
    scan = 0
    while True:
        match = search(raw, scan)
        if match is None:
            break
        start = match.start()
        if start % 2:  # matched across two code units; look again one byte later
            scan = start + 1
            continue
        code = raw[start]
        if start > pos:
            parts.append(raw[pos:start].decode("utf-16-le", errors="replace"))
        width = 2 if code in _CHAR_CONTROLS else 16
        replacement = _REPLACEMENTS.get(code)
        if replacement is not None:
            parts.append(replacement)
        pos = min(start + width, end)
        scan = pos
    if pos < end:
        parts.append(raw[pos:end].decode("utf-16-le", errors="replace"))
    return "".join(parts).rstrip("\r")
