"""HWP 5.x record streams: the 32-bit record header, tags, and the record tree.

Each DocInfo/BodyText stream is a sequence of records. A header packs the tag id
(10 bits), the nesting level (10 bits) and the size (12 bits; 0xFFF means a 32-bit size
follows). Records at level L+1 that follow a record at level L are its children; this
is how a paragraph owns its text and controls, and a table control owns its cells.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from doum.documents.errors import CorruptDocument, ZipBomb

HWPTAG_BEGIN = 0x10
# DocInfo
TAG_DOCUMENT_PROPERTIES = HWPTAG_BEGIN
TAG_ID_MAPPINGS = HWPTAG_BEGIN + 1
TAG_FACE_NAME = HWPTAG_BEGIN + 3
TAG_CHAR_SHAPE = HWPTAG_BEGIN + 5
TAG_NUMBERING = HWPTAG_BEGIN + 7
TAG_BULLET = HWPTAG_BEGIN + 8
TAG_PARA_SHAPE = HWPTAG_BEGIN + 9
TAG_STYLE = HWPTAG_BEGIN + 10
# BodyText
TAG_PARA_HEADER = HWPTAG_BEGIN + 50
TAG_PARA_TEXT = HWPTAG_BEGIN + 51
TAG_PARA_CHAR_SHAPE = HWPTAG_BEGIN + 52
TAG_PARA_LINE_SEG = HWPTAG_BEGIN + 53
TAG_CTRL_HEADER = HWPTAG_BEGIN + 55
TAG_LIST_HEADER = HWPTAG_BEGIN + 56
TAG_PAGE_DEF = HWPTAG_BEGIN + 57
TAG_SHAPE_COMPONENT = HWPTAG_BEGIN + 60
TAG_TABLE = HWPTAG_BEGIN + 61
TAG_SHAPE_COMPONENT_PICTURE = HWPTAG_BEGIN + 69
TAG_CTRL_DATA = HWPTAG_BEGIN + 71
TAG_EQEDIT = HWPTAG_BEGIN + 72

_HEADER = struct.Struct("<I")
MAX_DEPTH = 64
"""Deeper nesting than this is not something Hancom writes; treat it as corrupt."""


@dataclass(slots=True)
class Record:
    tag: int
    level: int
    data: bytes
    children: list[Record] = field(default_factory=list)


def ctrl_id(data: bytes) -> str:
    """The 4-character control id at the start of a CTRL_HEADER ("tbl ", "gso ", …)."""
    if len(data) < 4:
        return ""
    return data[3::-1].decode("latin-1")


def inflate(data: bytes, *, limit: int, fmt: str = "HWP") -> bytes:
    """Raw-deflate decompression with an output cap (a zip bomb cannot inflate past it)."""
    decompressor = zlib.decompressobj(-15)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise CorruptDocument(format=fmt) from exc
    if len(out) > limit or decompressor.unconsumed_tail:
        raise ZipBomb()
    return out


_UNUSED = frozenset({TAG_PARA_CHAR_SHAPE, TAG_PARA_LINE_SEG, HWPTAG_BEGIN + 54})
"""Records whose bytes the reader never looks at (char shapes, line layout, range tags):
their data is not copied out of the stream."""


def iter_records(stream: bytes, *, fmt: str = "HWP") -> list[Record]:
    """Split a stream into records (flat, in order). A truncated last record is an
    error: a cut-off file must not silently lose its end."""
    records: list[Record] = []
    append = records.append
    unpack = _HEADER.unpack_from
    pos = 0
    end = len(stream)
    while pos + 4 <= end:
        (header,) = unpack(stream, pos)
        pos += 4
        size = header >> 20
        if size == 0xFFF:
            if pos + 4 > end:
                raise CorruptDocument(format=fmt)
            (size,) = unpack(stream, pos)
            pos += 4
        if pos + size > end:
            raise CorruptDocument(format=fmt)
        tag = header & 0x3FF
        data = b"" if tag in _UNUSED else stream[pos : pos + size]
        append(Record(tag, (header >> 10) & 0x3FF, data))
        pos += size
    if pos != end and stream[pos:].strip(b"\x00"):
        raise CorruptDocument(format=fmt)
    return records


def build_tree(records: list[Record], *, fmt: str = "HWP") -> list[Record]:
    """Nest records by level; returns the top-level records."""
    roots: list[Record] = []
    stack: list[Record] = []
    for record in records:
        level = record.level
        if level > MAX_DEPTH:
            raise CorruptDocument(format=fmt)
        while len(stack) > level:
            stack.pop()
        if stack and len(stack) == level:
            stack[-1].children.append(record)
        elif level == 0:
            roots.append(record)
        else:
            # A level that skips ahead (parent missing): attach to the deepest open
            # record so nothing is lost.
            (stack[-1].children if stack else roots).append(record)
            stack.append(record)
            continue
        stack.append(record)
    return roots
