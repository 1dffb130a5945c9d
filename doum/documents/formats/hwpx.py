"""HWPX (OWPML, KS X 6101) reader: a zip of XML parts, read with a hardened lxml parser.

This module reads the package (section order, metadata, preview text, version);
:mod:`~doum.documents.formats.hwpx_styles` reads the paragraph styles from the header
and :mod:`~doum.documents.formats.hwpx_section` turns each section into blocks.
"""

from __future__ import annotations

import re
from typing import Any

from doum.documents.blocks import finish_document
from doum.documents.errors import CorruptDocument, EncryptedDocument
from doum.documents.formats.hwpx_section import SectionReader
from doum.documents.formats.hwpx_styles import ParagraphStyles
from doum.documents.limits import Limits, SafeZip, parse_xml
from doum.documents.model import Document
from doum.documents.owpml import CONTENT_HPF, HEADER_XML, PREVIEW_TEXT, local

_SECTION_RE = re.compile(r"^Contents/section(\d+)\.xml$")
_VERSION_RE = re.compile(rb'\bmajor="(\d+)"[^>]*\bminor="(\d+)"')
_META_KEYS = {
    "creator": "author",
    "subject": "subject",
    "description": "comments",
    "keyword": "keywords",
    "CreatedDate": "created",
    "ModifiedDate": "modified",
}


class HwpxParser:
    format = "hwpx"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        archive = SafeZip(data, self.limits, fmt="HWPX")
        manifest = archive.read_optional("META-INF/manifest.xml") or b""
        if b"encryption-data" in manifest:
            raise EncryptedDocument(format="HWPX")
        metadata, spine = _package(archive)
        sections = spine or _section_names(archive)
        if not sections:
            raise CorruptDocument(format="HWPX")
        reader = SectionReader(ParagraphStyles.read(archive.read_optional(HEADER_XML)))
        document = Document(format=self.format, metadata=metadata)
        for name in sections:
            reader.read(archive.read(name), document.blocks)
        preview = archive.read_optional(PREVIEW_TEXT)
        if preview:
            document.metadata["preview_text"] = preview[:65536].decode("utf-8", errors="replace")
        version = archive.read_optional("version.xml")
        if version:
            match = _VERSION_RE.search(version)
            if match:
                document.metadata["version"] = f"{int(match[1])}.{int(match[2])}"
        document.title = str(metadata.get("title") or "")
        return finish_document(document)


def _section_names(archive: SafeZip) -> list[str]:
    found = [(int(m.group(1)), n) for n in archive.names() if (m := _SECTION_RE.match(n))]
    return [name for _, name in sorted(found)]


def _package(archive: SafeZip) -> tuple[dict[str, Any], list[str]]:
    """Metadata and section order from Contents/content.hpf (both optional)."""
    raw = archive.read_optional(CONTENT_HPF)
    if raw is None:
        return {}, []
    root = parse_xml(raw, fmt="HWPX")
    metadata: dict[str, Any] = {}
    items: dict[str, str] = {}
    spine: list[str] = []
    for el in root.iter():
        name = local(el.tag)
        if name == "title" and (el.text or "").strip():
            metadata["title"] = el.text.strip()
        elif name == "language" and (el.text or "").strip():
            metadata["language"] = el.text.strip()
        elif name == "meta":
            key = _META_KEYS.get(el.get("name", ""))
            if key and (el.text or "").strip():
                metadata[key] = el.text.strip()
        elif name == "item":
            items[el.get("id", "")] = el.get("href", "")
        elif name == "itemref":
            href = items.get(el.get("idref", ""), "")
            if _SECTION_RE.match(href) and href in archive:
                spine.append(href)
    return metadata, spine
