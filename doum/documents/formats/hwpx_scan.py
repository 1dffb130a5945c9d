"""Scanning OWPML section bytes for the few tags the HWPX reader needs.

A section is mostly layout — line segments, cell sizes and margins, shape geometry:
tens of thousands of attribute-heavy elements around a little text. Building all of it
into a tree (lxml) costs several times more than everything else the reader does. So
the bytes are scanned instead: one compiled regular expression, run in C, matches only
the start and end tags of paragraphs, ``t`` runs, tables, cells, captions, notes,
headers/footers and pictures; every other tag is passed over without becoming a Python
object. The most common run, ``<hp:t>text</hp:t>``, is matched whole with its text.

:func:`plain_owpml` says whether a section can be scanned as it is: UTF-8, one root
element that is closed at the end, no comments, CDATA, DTD or processing instructions.
Anything else goes through :func:`canonical_owpml` first — lxml's hardened parser, which
refuses malformed XML and DTDs, writes the tree back out plainly — so both routes give
the same result, and a section that is not XML is refused either way. Damage inside
layout elements the scan passes over does not stop it from reading the text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PARAGRAPH_NS = b"http://www.hancom.co.kr/hwpml/2011/paragraph"
TRACKED = b"tbl|tc|t|pic|p|cellAddr|cellSpan|caption|container|footNote|footer|endNote|header|ole"
"""Element names the scan reports (longer names before their prefixes)."""

_ANY_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_INLINE_TEXT = {b"tab": "\t", b"lineBreak": "\n", b"nbSpace": " ", b"fwSpace": " ", b"hyphen": "-"}
_INLINE = re.compile(rb"<(/?)" + _ANY_PREFIX + rb"([\w.-]+)(?=[\s/>])([^>]*)>")
_ATTR = re.compile(rb"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_UTF8 = re.compile(rb"encoding\s*=\s*[\"']utf-?8[\"']", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"
_ROOT_TAG = re.compile(rb"<(" + _ANY_PREFIX + rb"[A-Za-z_][\w.-]*)[\s>]")
_DECLARATIONS = re.compile(rb"\sxmlns(?::([\w.-]+))?\s*=\s*\"([^\"]*)\"")
_CACHE_LIMIT = 4096


class Irregular(Exception):
    """The bytes are not plain OWPML after all; read them through lxml instead."""


class Scanner(NamedTuple):
    """The compiled patterns for one way of writing the paragraph namespace's prefix."""

    tokens: re.Pattern[bytes]
    """Groups: 1 text of a plain run, 2 "/" of an end tag, 3 name, 4 rest of the tag."""
    run_end: re.Pattern[bytes]


_SCANNERS: dict[bytes | None, Scanner] = {}


def scanner(prefix: bytes | None) -> Scanner:
    """Patterns for tags written ``<prefix:name``; ``None``: any prefix or none (the
    paragraph namespace is declared some other way, so names are matched alone)."""
    found = _SCANNERS.get(prefix)
    if found is None:
        p = _ANY_PREFIX if prefix is None else re.escape(prefix + b":")
        tokens = re.compile(
            rb"<(?:" + p + rb"t>([^<&]*)</" + p + rb"t>"
            rb"|(/?)" + p + rb"(" + TRACKED + rb")(?=[\s/>])([^>]*)>)"
        )
        found = Scanner(tokens, re.compile(rb"</" + p + rb"t\s*>"))
        if len(_SCANNERS) < 16:
            _SCANNERS[prefix] = found
    return found


def paragraph_prefix(data: bytes) -> bytes | None:
    """The prefix the section's root binds to the OWPML paragraph namespace ("hp" in
    every Hancom file), when that is the only binding of the namespace; else None."""
    root = _ROOT_TAG.search(data, 0, 65536)
    root_end = data.find(b">", root.end(), 65536) if root else -1
    if root is None or root_end < 0 or data.count(PARAGRAPH_NS) != 1:
        return None
    for prefix, uri in _DECLARATIONS.findall(data, root.start(), root_end):
        if uri == PARAGRAPH_NS and prefix and data.count(b"xmlns:" + prefix + b"=") == 1:
            return bytes(prefix)
    return None


def plain_owpml(data: bytes) -> bool:
    """Can ``data`` be scanned as it is (see the module docstring)?"""
    start = len(_BOM) if data.startswith(_BOM) else 0
    if data.startswith(b"<?xml", start):
        end = data.find(b"?>", start, start + 512)
        if end < 0:
            return False
        declaration = data[start:end]
        if b"encoding" in declaration and not _UTF8.search(declaration):
            return False
        start = end + 2
    first = data.find(b"<", start)
    if first < 0 or data[start:first].strip():
        return False  # not UTF-8 (UTF-16 without a declaration), or text before the root
    root = _ROOT_TAG.match(data, first)
    if root is None or not data[-1024:].rstrip().endswith(b"</" + root.group(1) + b">"):
        return False  # truncated, or not one root element
    return data.find(b"<!", start) < 0 and data.find(b"<?", start) < 0


def canonical_owpml(data: bytes) -> bytes:
    """``data`` through the hardened lxml parser, written back as plain OWPML (UTF-8,
    no comments, CDATA or processing instructions). Raises CorruptDocument."""
    from lxml import etree

    from doum.documents.limits import parse_xml

    out: bytes = etree.tostring(parse_xml(data, fmt="HWPX"), encoding="UTF-8")
    return out[out.find(b"?>") + 2 :] if out.startswith(b"<?xml") else out


def run_text(data: bytes, start: int, scan: Scanner) -> str:
    """Text of a ``t`` run with markup or references in it, from ``start`` (just after
    its start tag): tabs, line breaks and fixed spaces are elements, other elements'
    text is not the run's."""
    closing = scan.run_end.search(data, start)
    if closing is None:
        raise Irregular
    end = closing.start()
    parts: list[str] = []
    depth = 0
    position = start
    for match in _INLINE.finditer(data, start, end):
        between = data[position : match.start()]
        if b"<" in between:
            raise Irregular  # markup the scan cannot read
        if depth == 0 and between:
            parts.append(decode(between))
        position = match.end()
        is_end, name, rest = match.groups()
        if is_end:
            depth -= 1
        elif not rest.endswith(b"/"):
            depth += 1
        elif depth == 0 and name in _INLINE_TEXT:
            parts.append(_INLINE_TEXT[name])
    tail = data[position:end]
    if depth != 0 or b"<" in tail:
        raise Irregular
    if tail:
        parts.append(decode(tail))
    return "".join(parts)


def decode(raw: bytes) -> str:
    """Character data as XML reads it: UTF-8, line ends normalised, references replaced."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Irregular from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        count = text.count("&")
        text, replaced = _ENTITY.subn(_entity, text)
        if replaced != count:
            raise Irregular  # an undefined entity or a bare "&"
    return text


def _entity(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD:
        return chr(code)
    if 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise Irregular  # not an XML character


class Attributes:
    """Attribute values of tags, remembered by the tag's text (a document repeats the
    same few tags — ``<hp:cellSpan colSpan="1" rowSpan="1"/>`` — thousands of times)."""

    def __init__(self) -> None:
        self._seen: dict[bytes, dict[bytes, str]] = {}
        self._pairs: dict[tuple[bytes, bytes], tuple[int, int]] = {}

    def __call__(self, raw: bytes) -> dict[bytes, str]:
        values = self._seen.get(raw)
        if values is None:
            values = {m[0]: decode(m[1] or m[2]) for m in _ATTR.findall(raw)}
            if len(self._seen) < _CACHE_LIMIT:
                self._seen[raw] = values
        return values

    def pair(self, raw: bytes, first: bytes, second: bytes, least: int) -> tuple[int, int]:
        """Two whole-number attributes (a cell's address or span), each at least
        ``least`` and at most 65535; ``least`` where missing or not a number."""
        key = (raw, first)
        found = self._pairs.get(key)
        if found is None:
            values = self(raw)
            found = (_number(values.get(first), least), _number(values.get(second), least))
            if len(self._pairs) < _CACHE_LIMIT:
                self._pairs[key] = found
        return found


def _number(value: str | None, least: int) -> int:
    try:
        return max(least, min(int(value or least), 65535))
    except ValueError:
        return least
