"""Format detection by content (magic bytes, OLE streams, zip members), never by name.

The file name is only a tie-breaker between text formats whose bytes look alike
(markdown vs plain text vs CSV), and a source of the "wrong extension" warning.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from doum.documents.errors import (
    EmptyDocument,
    EncryptedDocument,
    Hwp3Unsupported,
    UnsupportedFormat,
)

FORMATS = ("hwp", "hwpx", "pdf", "docx", "xlsx", "csv", "odt", "html", "txt", "md")
"""Every format :func:`detect_format` can return."""

FORMAT_LABELS = {
    "hwp": "HWP",
    "hwpx": "HWPX",
    "pdf": "PDF",
    "docx": "DOCX",
    "xlsx": "XLSX",
    "csv": "CSV",
    "odt": "ODT",
    "html": "HTML",
    "txt": "텍스트",
    "md": "마크다운",
}

_EXTENSIONS = {
    "hwp": {"hwp"},
    "hwpx": {"hwpx", "hwt", "hwtx"},
    "pdf": {"pdf"},
    "docx": {"docx", "docm", "dotx"},
    "xlsx": {"xlsx", "xlsm", "xltx"},
    "csv": {"csv", "tsv"},
    "odt": {"odt", "ott"},
    "html": {"html", "htm", "xhtml"},
    "txt": {"txt", "text", "log"},
    "md": {"md", "markdown"},
}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HWP3_MAGIC = b"HWP Document File V"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

_HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAGS = re.compile(rb"<(p|div|table|h[1-6]|br|span|ul|ol|li|meta)\b[^>]*>", re.I)
_MD_SIGNS = re.compile(
    r"^(#{1,6} \S|```|\|.*\|\s*$|[-*+] \S|\d+\. \S|> \S)|\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)",
    re.M,
)


def label(fmt: str) -> str:
    """The name of a format as shown to people ("HWP", "마크다운")."""
    return FORMAT_LABELS.get(fmt, fmt.upper())


def extension_matches(fmt: str, filename: str | None) -> bool:
    """False only when ``filename`` has an extension that belongs to another format."""
    if not filename:
        return True
    ext = PurePath(filename).suffix.lower().lstrip(".")
    if not ext:
        return True
    known = any(ext in exts for exts in _EXTENSIONS.values())
    return not known or ext in _EXTENSIONS.get(fmt, set())


def detect_format(data: bytes, *, filename: str | None = None) -> str:
    """The format of ``data``: one of :data:`FORMATS`.

    Raises :class:`EmptyDocument`, :class:`Hwp3Unsupported`, :class:`EncryptedDocument`
    (password-protected Office files are OLE containers, not zips) or
    :class:`UnsupportedFormat` (binary garbage, images, legacy .doc/.xls, …).
    """
    if not data or not data.strip():
        raise EmptyDocument()
    head = data[:8]
    if head == OLE_MAGIC:
        return _detect_ole(data)
    if data.startswith(HWP3_MAGIC):
        raise Hwp3Unsupported()
    if head.startswith(ZIP_MAGIC):
        return _detect_zip(data)
    if head.startswith(EMPTY_ZIP_MAGIC):
        raise EmptyDocument()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return _detect_text(data, filename)


def _detect_ole(data: bytes) -> str:
    import olefile  # local import: only needed for OLE files

    streams: set[str] = set()
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        finally:
            ole.close()
    except Exception:
        streams = set()
    if "FileHeader" in streams:
        return "hwp"
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise EncryptedDocument(format="Office")
    if b"HWP Document File" in data[:1_048_576]:
        return "hwp"  # a damaged HWP: let the HWP reader name the problem
    raise UnsupportedFormat()


def _detect_zip(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = b""
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size <= 256:
                mimetype = archive.read("mimetype").strip()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        # A damaged zip: still try to tell which format it meant to be from the raw
        # bytes, so the error names the format; otherwise it is unsupported.
        for marker, fmt in (
            (b"application/hwp+zip", "hwpx"),
            (b"Contents/section", "hwpx"),
            (b"application/vnd.oasis.opendocument.text", "odt"),
            (b"word/", "docx"),
            (b"xl/", "xlsx"),
        ):
            if marker in data[:65536]:
                return fmt
        raise UnsupportedFormat() from exc
    except RuntimeError as exc:  # encrypted (zip-level password) member
        raise EncryptedDocument(format="ZIP") from exc
    if mimetype.startswith(b"application/hwp+zip") or any(
        n.startswith("Contents/section") for n in names
    ):
        return "hwpx"
    if mimetype == b"application/vnd.oasis.opendocument.text":
        return "odt"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UnsupportedFormat()


def _detect_text(data: bytes, filename: str | None) -> str:
    from doum.documents.textcodec import decode_text, looks_binary

    if looks_binary(data):
        raise UnsupportedFormat()
    ext = PurePath(filename).suffix.lower().lstrip(".") if filename else ""
    sample = data[:8192]
    if _HTML_START.search(sample) or len(_HTML_TAGS.findall(sample)) >= 3:
        return "html"
    text = decode_text(data[:65536])
    if text.startswith("---\n") or text.startswith("---\r\n"):
        return "md"
    if ext in _EXTENSIONS["csv"] and _looks_delimited(text, min_lines=1):
        return "csv"
    if ext in _EXTENSIONS["md"]:
        return "md"
    if ext in _EXTENSIONS["txt"]:
        return "txt"
    if len(_MD_SIGNS.findall(text)) >= 2:
        return "md"
    if _looks_delimited(text, min_lines=3):
        return "csv"
    return "txt"


def _looks_delimited(text: str, *, min_lines: int) -> bool:
    """Every line (at least ``min_lines``) has the same, non-zero count of one delimiter."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) < min_lines:
        return False
    for delimiter in (",", "\t", ";"):
        counts = {line.count(delimiter) for line in lines[:-1] or lines}
        if len(counts) == 1 and counts != {0}:
            return True
    return False
