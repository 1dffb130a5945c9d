"""A minimal OLE compound-file (CFB v3) writer, for building HWP 5 test files in code.

Every stream is padded to 4096 bytes so no mini stream is needed; the HWP reader
ignores trailing zeros. Siblings are chained as a right-leaning list, which olefile
reads fine.
"""

from __future__ import annotations

import itertools
import struct

SECTOR = 512
END = 0xFFFFFFFE
FREE = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD


def build_cfb(streams: dict[str, bytes]) -> bytes:
    """``streams`` maps paths like "BodyText/Section0" to their bytes."""
    # directory tree: root -> storages/streams
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]
    index: dict[str, int] = {"": 0}
    for path in streams:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index:
                continue
            is_stream = depth == len(parts)
            entries.append(
                {"name": parts[depth - 1], "type": 2 if is_stream else 1, "children": []}
            )
            index[key] = len(entries) - 1
            entries[index["/".join(parts[: depth - 1])]]["children"].append(index[key])
    # data sectors
    data = bytearray()
    fat: list[int] = []
    for path, payload in streams.items():
        payload = payload.ljust(max(len(payload), 4096), b"\x00")
        entry = entries[index[path]]
        entry["start"] = len(fat)
        entry["size"] = len(payload)
        n = -(-len(payload) // SECTOR)
        data += payload.ljust(n * SECTOR, b"\x00")
        fat.extend(range(len(fat) + 1, len(fat) + n))
        fat.append(END)
    # directory sectors
    dir_bytes = bytearray()
    for _i, entry in enumerate(entries):
        children = sorted(
            entry["children"], key=lambda c: (len(entries[c]["name"]), entries[c]["name"].upper())
        )
        entry["child"] = children[0] if children else FREE
        for a, b in itertools.pairwise(children):
            entries[a]["right"] = b
    for entry in entries:
        name = entry["name"].encode("utf-16-le")
        raw = name.ljust(64, b"\x00")
        raw += struct.pack("<HBB", len(name) + 2, entry["type"], 1)
        raw += struct.pack("<III", FREE, entry.get("right", FREE), entry.get("child", FREE))
        raw += b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
        raw += struct.pack(
            "<IQ", entry.get("start", END if entry["type"] != 2 else 0), entry.get("size", 0)
        )
        dir_bytes += raw
    dir_bytes = dir_bytes.ljust(-(-len(dir_bytes) // SECTOR) * SECTOR, b"\x00")
    dir_start = len(fat)
    n_dir = len(dir_bytes) // SECTOR
    fat.extend(range(dir_start + 1, dir_start + n_dir))
    fat.append(END)
    # FAT sectors (each holds 128 entries, and must cover itself)
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * 128:
        n_fat += 1
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREE] * (n_fat * 128 - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = list(range(fat_start, fat_start + n_fat)) + [FREE] * (109 - n_fat)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, END, 0, END, 0)
    header += struct.pack("<109I", *difat)
    return header + bytes(data) + bytes(dir_bytes) + fat_bytes
