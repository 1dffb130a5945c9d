"""Decoding text files whose encoding nobody wrote down (UTF-8, UTF-16, CP949/EUC-KR)."""

from __future__ import annotations

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 32)) | {127}


def sniff_encoding(data: bytes) -> str:
    """The most likely encoding of ``data``: a BOM, then UTF-8, then CP949."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of a sample is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    try:
        data.decode("cp949")
        return "cp949"
    except UnicodeDecodeError:
        return "utf-8"


def decode_text(data: bytes) -> str:
    """Decode with :func:`sniff_encoding`; undecodable bytes become U+FFFD."""
    encoding = sniff_encoding(data)
    text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding we read."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b in _CONTROL)
    if controls > max(2, len(sample) // 100):
        return True
    if sniff_encoding(sample) == "utf-8":
        text = sample.decode("utf-8", errors="replace")
        return text.count("\ufffd") > max(2, len(text) // 50)
    return False
