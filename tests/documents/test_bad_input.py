"""Every kind of bad input gets its stable code and a Korean message (scenario table)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from doum.config.documents import DocumentSettings
from doum.documents import read_bytes, read_document
from doum.documents.errors import DocumentError
from doum.messages import MESSAGES
from tests.documents import samples


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/hwp+zip", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("Contents/section0.xml", b"\x00" * (300 * 1_048_576))
    return buffer.getvalue()


def _encrypted_hwpx() -> bytes:
    manifest = b'<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><odf:file-entry full-path="Contents/section0.xml"><odf:encryption-data/></odf:file-entry></odf:manifest>'
    return samples.zip_bytes(
        {
            "mimetype": b"application/hwp+zip",
            "META-INF/manifest.xml": manifest,
            "Contents/section0.xml": b"x",
        },
        stored_first="mimetype",
    )


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.pdf_sample(pages=1))))
    writer.encrypt(user_password="12345", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted_office() -> bytes:
    from tests.documents.cfb import build_cfb

    return build_cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 64})


def _hwpx_with_entity_expansion() -> bytes:
    section = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><hs:sec xmlns:hs="s">&y;</hs:sec>'
    return samples.zip_bytes(
        {"mimetype": b"application/hwp+zip", "Contents/section0.xml": section},
        stored_first="mimetype",
    )


def _truncated_hwp_record() -> bytes:
    body = (
        samples.hwp_paragraph("정상")
        + struct.pack("<I", 0x43 | (1 << 10) | (200 << 20))
        + b"\x00" * 10
    )
    return samples.build_hwp(body=body)


SCENARIOS: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty file", lambda: b"", "document.empty"),
    ("whitespace only", lambda: b"   \n\t  ", "document.empty"),
    (
        "binary garbage",
        lambda: bytes((i * 151 + 7) % 256 for i in range(5000)),
        "document.unsupported_format",
    ),
    ("png image", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "document.unsupported_format"),
    ("empty zip", lambda: b"PK\x05\x06" + b"\x00" * 18, "document.empty"),
    (
        "zip of other things",
        lambda: samples.zip_bytes({"a.txt": b"hello"}),
        "document.unsupported_format",
    ),
    (
        "hwp 3.0",
        lambda: b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\x00" * 200,
        "document.hwp3_unsupported",
    ),
    ("password hwp", lambda: samples.build_hwp(["비밀"], flags=0x3), "document.encrypted"),
    (
        "distribution hwp",
        lambda: samples.build_hwp(["배포용"], flags=0x5),
        "document.distribution_protected",
    ),
    ("password hwpx", _encrypted_hwpx, "document.encrypted"),
    ("password pdf", _encrypted_pdf, "document.encrypted"),
    ("password docx/xlsx (OLE-wrapped)", _encrypted_office, "document.encrypted"),
    ("truncated hwp record", _truncated_hwp_record, "document.corrupt"),
    (
        "corrupt hwp stream",
        lambda: samples.build_hwp(["본문"])[:-2048] + b"\xff" * 2048,
        "document.corrupt",
    ),
    ("truncated hwpx", lambda: samples.hwpx_sample()[:300], "document.corrupt"),
    ("truncated docx", lambda: samples.docx_sample()[:2000], "document.corrupt"),
    ("truncated pdf", lambda: samples.pdf_sample(pages=1)[:200], "document.corrupt"),
    ("xml entity expansion", _hwpx_with_entity_expansion, "document.corrupt"),
    ("zip bomb", _zip_bomb, "document.zip_bomb"),
]


@pytest.mark.parametrize(("name", "build", "code"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_bad_input_has_stable_code(name: str, build: Callable[[], bytes], code: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_bytes(build(), isolated=False, settings=DocumentSettings())
    assert caught.value.code == code, name
    assert caught.value.code in MESSAGES
    message = caught.value.message
    assert "{" not in message and any("가" <= ch <= "힣" for ch in message)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(DocumentError) as caught:
        read_document(path, settings=DocumentSettings(max_file_bytes=1024))
    assert caught.value.code == "document.too_large"
    assert "2.0KB" in caught.value.message and "1.0KB" in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_document(tmp_path / "없음.hwp", settings=DocumentSettings())
    assert caught.value.code == "document.not_found"


def test_wrong_extension_is_read_by_content_with_warning() -> None:
    document = read_bytes(
        samples.hwpx_sample(), filename="보고서.pdf", isolated=False, settings=DocumentSettings()
    )
    assert document.format == "hwpx"
    assert any("확장자" in w for w in document.warnings)


def test_every_document_code_has_a_message() -> None:
    import doum.documents.errors as errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        assert cls.default_code in MESSAGES, name
