"""What the body needs from DocInfo: style names and outline (개요) levels."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from doum.documents.formats.hwp.records import (
    TAG_PARA_SHAPE,
    TAG_STYLE,
    Record,
)

_OUTLINE_STYLE_RE = re.compile(r"^(?:개요|Outline|제목|Heading)\s*(\d{1,2})$")


@dataclass(slots=True)
class DocInfo:
    style_names: list[str] = field(default_factory=list)
    heading_levels: dict[int, int] = field(default_factory=dict)
    """paraShapeId → heading level (1-based) for outline (개요) paragraph shapes."""

    def heading_level(self, para_shape: int, style: int) -> int:
        """Heading level of a paragraph, 0 when it is not a heading."""
        if 0 <= style < len(self.style_names):
            match = _OUTLINE_STYLE_RE.match(self.style_names[style])
            if match:
                return int(match.group(1))
        return self.heading_levels.get(para_shape, 0)

    def style_name(self, style: int) -> str:
        return self.style_names[style] if 0 <= style < len(self.style_names) else ""


def _wstring(data: bytes, pos: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("<H", data, pos)
    pos += 2
    raw = data[pos : pos + 2 * length]
    return raw.decode("utf-16-le", errors="replace"), pos + 2 * length


def read_docinfo(records: list[Record]) -> DocInfo:
    info = DocInfo()
    para_index = 0
    for record in records:
        if record.tag == TAG_PARA_SHAPE:
            if len(record.data) >= 4:
                (props,) = struct.unpack_from("<I", record.data, 0)
                if (props >> 23) & 0x3 == 1:  # heading type: outline
                    info.heading_levels[para_index] = ((props >> 25) & 0x7) + 1
            para_index += 1
        elif record.tag == TAG_STYLE:
            try:
                name, _ = _wstring(record.data, 0)
            except struct.error:
                name = ""
            info.style_names.append(name)
    return info
