"""The ``\\x05HwpSummaryInformation`` stream: an OLE property set (title, author, …).

olefile's generic reader misreads the wide strings Hancom writes (VT_LPWSTR), so the
few properties we keep are read here directly.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from typing import Any

_VT_LPSTR = 0x1E
_VT_LPWSTR = 0x1F
_VT_FILETIME = 0x40
_NAMES = {
    2: "title",
    3: "subject",
    4: "author",
    5: "keywords",
    6: "comments",
    8: "last_saved_by",
    12: "created",
    13: "modified",
}
_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def read_summary(data: bytes) -> dict[str, Any]:
    """Known properties of the first property set; anything malformed is skipped."""
    out: dict[str, Any] = {}
    try:
        (count,) = struct.unpack_from("<I", data, 24)
        if count < 1:
            return out
        (section,) = struct.unpack_from("<I", data, 44)
        _, n_props = struct.unpack_from("<II", data, section)
        for i in range(min(n_props, 256)):
            pid, offset = struct.unpack_from("<II", data, section + 8 + 8 * i)
            name = _NAMES.get(pid)
            if name is None:
                continue
            value = _value(data, section + offset)
            if value not in (None, ""):
                out[name] = value
    except struct.error:
        return out
    return out


def _value(data: bytes, pos: int) -> Any:
    (vtype,) = struct.unpack_from("<I", data, pos)
    vtype &= 0xFFFF
    if vtype == _VT_LPWSTR:
        (chars,) = struct.unpack_from("<I", data, pos + 4)
        raw = data[pos + 8 : pos + 8 + 2 * min(chars, 65536)]
        return raw.decode("utf-16-le", errors="replace").split("\x00", 1)[0].strip()
    if vtype == _VT_LPSTR:
        (size,) = struct.unpack_from("<I", data, pos + 4)
        raw = data[pos + 8 : pos + 8 + min(size, 65536)]
        return raw.split(b"\x00", 1)[0].decode("cp949", errors="replace").strip()
    if vtype == _VT_FILETIME:
        (ticks,) = struct.unpack_from("<Q", data, pos + 4)
        if ticks == 0:
            return None
        try:
            return (_EPOCH + timedelta(microseconds=ticks // 10)).isoformat()
        except OverflowError:
            return None
    return None
