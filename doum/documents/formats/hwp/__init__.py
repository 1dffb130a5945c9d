"""HWP 5.x (OLE compound file) reader, written from Hancom's public format spec.

We read the record streams ourselves (with ``olefile`` for the container) because no
permissively licensed library keeps the structure we need: table cells with spans,
headers/footers, notes and text boxes in reading order.
"""

from __future__ import annotations

import io
import re
import struct
from typing import Any

from doum.documents.blocks import finish_document
from doum.documents.errors import (
    CorruptDocument,
    DistributionProtected,
    EncryptedDocument,
    Hwp3Unsupported,
)
from doum.documents.formats.hwp.body import BodyReader
from doum.documents.formats.hwp.docinfo import read_docinfo
from doum.documents.formats.hwp.records import build_tree, inflate, iter_records
from doum.documents.formats.hwp.summary import read_summary
from doum.documents.limits import Limits
from doum.documents.model import Document

SIGNATURE = b"HWP Document File"
FLAG_COMPRESSED = 0x1
FLAG_PASSWORD = 0x2
FLAG_DISTRIBUTION = 0x4
FLAG_DRM = 0x10
_SECTION_RE = re.compile(r"^Section(\d+)$")
_OLE_ERRORS = (
    OSError,
    ValueError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    EOFError,
    OverflowError,
    MemoryError,
)


class HwpParser:
    format = "hwp"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        import olefile

        if data.startswith(b"HWP Document File V"):
            raise Hwp3Unsupported()
        try:
            ole = olefile.OleFileIO(io.BytesIO(data))
        except _OLE_ERRORS as exc:
            raise CorruptDocument(format="HWP") from exc
        try:
            return self._parse(ole)
        except _OLE_ERRORS as exc:
            # olefile raises these for broken FAT chains, bad directory entries and
            # truncated streams
            raise CorruptDocument(format="HWP") from exc
        finally:
            ole.close()

    def _read(self, ole: Any, path: str) -> bytes:
        size = ole.get_size(path)
        if size > self.limits.max_stream_bytes:
            from doum.documents.errors import ZipBomb

            raise ZipBomb()
        data: bytes = ole.openstream(path).read()
        return data

    def _parse(self, ole: Any) -> Document:
        if not ole.exists("FileHeader"):
            raise CorruptDocument(format="HWP")
        header = self._read(ole, "FileHeader")
        if len(header) < 40 or not header.startswith(SIGNATURE):
            raise CorruptDocument(format="HWP")
        version_raw, flags = struct.unpack_from("<II", header, 32)
        version = ".".join(str((version_raw >> s) & 0xFF) for s in (24, 16, 8, 0))
        if flags & FLAG_PASSWORD:
            raise EncryptedDocument(format="HWP")
        if flags & FLAG_DISTRIBUTION:
            raise DistributionProtected()
        if flags & FLAG_DRM:
            raise EncryptedDocument(format="HWP")
        compressed = bool(flags & FLAG_COMPRESSED)

        def stream(path: str) -> bytes:
            raw = self._read(ole, path)
            return inflate(raw, limit=self.limits.max_stream_bytes) if compressed else raw

        docinfo = read_docinfo(iter_records(stream("DocInfo"))) if ole.exists("DocInfo") else None
        if docinfo is None:
            raise CorruptDocument(format="HWP")
        sections = sorted(
            (int(m.group(1)), "BodyText/" + entry[1])
            for entry in ole.listdir()
            if len(entry) == 2 and entry[0] == "BodyText" and (m := _SECTION_RE.match(entry[1]))
        )
        if not sections:
            raise CorruptDocument(format="HWP")
        reader = BodyReader(docinfo)
        document = Document(format=self.format, metadata={"version": version})
        total = 0
        for _, path in sections:
            raw = stream(path)
            total += len(raw)
            if total > self.limits.max_uncompressed_bytes:
                from doum.documents.errors import ZipBomb

                raise ZipBomb()
            document.blocks.extend(reader.blocks(build_tree(iter_records(raw))))
        document.metadata.update(_summary(ole, self._read))
        if ole.exists("PrvText"):
            preview = self._read(ole, "PrvText")[:65536]
            document.metadata["preview_text"] = preview.decode(
                "utf-16-le", errors="replace"
            ).rstrip("\x00")
        document.title = str(document.metadata.get("title") or "")
        return finish_document(document)


def _summary(ole: Any, read: Any) -> dict[str, Any]:
    name = "\x05HwpSummaryInformation"
    if not ole.exists(name):
        return {}
    return read_summary(read(ole, name)[:1_048_576])
