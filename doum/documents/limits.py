"""Resource limits for parsing untrusted files: size, zip bombs, XML entity tricks.

Zip-based formats (HWPX, DOCX, XLSX, ODT) are opened through :class:`SafeZip`, which
checks the archive's declared sizes before anything is inflated and never reads more
than a member declares. XML goes through :func:`parse_xml`, which refuses DTDs (no
OWPML/OOXML/ODF part has one) so entity expansion and external entities cannot happen.
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doum.documents.errors import CorruptDocument, EncryptedDocument, ZipBomb

if TYPE_CHECKING:
    from doum.config.documents import DocumentSettings

_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")
"""Signature, flags, name length and extra length of a zip member's local header."""
_SMALL_MEMBER = 1_048_576
"""Members below this size may compress as well as they like (a page of spaces)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_uncompressed_bytes: int = 1_073_741_824
    max_compression_ratio: float = 200.0
    max_archive_members: int = 10_000
    max_pages: int = 5_000
    max_stream_bytes: int = 512 * 1_048_576
    """Largest single decompressed stream (HWP BodyText section, zip member)."""

    @classmethod
    def from_settings(cls, settings: DocumentSettings) -> Limits:
        return cls(
            max_uncompressed_bytes=settings.max_uncompressed_bytes,
            max_compression_ratio=settings.max_compression_ratio,
            max_archive_members=settings.max_archive_members,
            max_pages=settings.max_pages,
            max_stream_bytes=min(settings.max_uncompressed_bytes, 512 * 1_048_576),
        )


class SafeZip:
    """A zip archive whose members are checked against :class:`Limits` before reading."""

    def __init__(self, data: bytes, limits: Limits, *, fmt: str) -> None:
        self.fmt = fmt
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,  # unknown zip version or compression method
        ) as exc:
            raise CorruptDocument(format=fmt) from exc
        if len(infos) > limits.max_archive_members:
            raise ZipBomb()
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise EncryptedDocument(format=fmt)
            total += info.file_size
            if info.file_size > limits.max_stream_bytes:
                raise ZipBomb()
            if (
                info.file_size > _SMALL_MEMBER
                and info.file_size > max(info.compress_size, 1) * limits.max_compression_ratio
            ):
                raise ZipBomb()
        if total > limits.max_uncompressed_bytes:
            raise ZipBomb()
        self._infos = {info.filename: info for info in infos}
        self._data = data

    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def read(self, name: str) -> bytes:
        """The member's bytes; a damaged member raises :class:`CorruptDocument`."""
        info = self._infos.get(name)
        if info is None:
            raise CorruptDocument(format=self.fmt)
        try:
            if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                return self._inflate(info)
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise CorruptDocument(format=self.fmt) from exc
        if len(data) > info.file_size:
            raise ZipBomb()
        return data

    def read_optional(self, name: str) -> bytes | None:
        return self.read(name) if name in self._infos else None

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        """A stored or deflated member straight from the archive's bytes: the checks
        ``zipfile`` makes (local header, name, size, CRC) without its file objects,
        which cost more than inflating the small members of a document."""
        start = info.header_offset
        header = self._data[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            raise CorruptDocument(format=self.fmt)
        signature, flags, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        if signature != b"PK\x03\x04" or info.flag_bits & 0x60:  # patched, strong encryption
            raise CorruptDocument(format=self.fmt)
        start += _LOCAL_HEADER.size
        raw_name = self._data[start : start + name_length]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
        if name != info.orig_filename:
            raise CorruptDocument(format=self.fmt)
        start += name_length + extra_length
        raw = self._data[start : start + info.compress_size]
        if len(raw) < info.compress_size:
            raise CorruptDocument(format=self.fmt)
        if info.compress_type == zipfile.ZIP_STORED:
            data = raw
        else:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        # More or less than the directory declares (never inflated past it) is damage.
        if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
            raise CorruptDocument(format=self.fmt)
        return data


_PARSERS = threading.local()


def _xml_parser() -> Any:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        from lxml import etree

        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        _PARSERS.parser = parser
    return parser


def parse_xml(data: bytes, *, fmt: str) -> Any:
    """Parse one XML part with lxml, refusing DTDs, entities and huge trees."""
    from lxml import etree

    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise CorruptDocument(format=fmt)
    try:
        return etree.fromstring(data, _xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptDocument(format=fmt) from exc


def human_size(size: int) -> str:
    """ "1.5MB" style sizes for messages."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1024
    return f"{value:.1f}GB"
