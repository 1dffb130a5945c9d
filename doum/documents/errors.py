"""Exceptions raised while reading or writing documents.

Every error carries a stable ``code`` (``document.<reason>``) and a Korean message from
:mod:`doum.messages`. Callers catch :class:`DocumentError`; the subclasses exist so code
can react to a specific case (e.g. ask for a password-free copy) without string matching.
"""

from __future__ import annotations

from typing import Any, ClassVar

from doum.errors import DoumError


class DocumentError(DoumError):
    """Base class for everything that can go wrong with one document."""

    default_code: ClassVar[str] = "document.corrupt"
    http_status: ClassVar[int] = 422

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild with the same code and parameters after crossing a process boundary.
        return (_rebuild, (type(self), self.code, self.params))


def _rebuild(cls: type[DocumentError], code: str, params: dict[str, Any]) -> DocumentError:
    return cls(code, **params)


class DocumentNotFound(DocumentError):
    default_code = "document.not_found"
    http_status = 404


class EmptyDocument(DocumentError):
    default_code = "document.empty"
    http_status = 400


class DocumentTooLarge(DocumentError):
    default_code = "document.too_large"
    http_status = 413


class UnsupportedFormat(DocumentError):
    default_code = "document.unsupported_format"
    http_status = 415


class EncryptedDocument(DocumentError):
    """Password-protected HWP/HWPX/PDF/DOCX/XLSX/ODT."""

    default_code = "document.encrypted"


class DistributionProtected(DocumentError):
    """HWP saved as 배포용 문서 (distribution-protected, body text encrypted)."""

    default_code = "document.distribution_protected"


class Hwp3Unsupported(DocumentError):
    default_code = "document.hwp3_unsupported"
    http_status = 415


class CorruptDocument(DocumentError):
    default_code = "document.corrupt"


class ZipBomb(DocumentError):
    default_code = "document.zip_bomb"
    http_status = 413


class ParseTimeout(DocumentError):
    default_code = "document.parse_timeout"
    http_status = 422


class ParseMemoryExceeded(DocumentError):
    default_code = "document.memory_exceeded"
    http_status = 413


class ParserCrashed(DocumentError):
    default_code = "document.parser_crashed"
    http_status = 422


class DocumentWriteError(DocumentError):
    default_code = "document.write_failed"
    http_status = 500


__all__ = [
    "CorruptDocument",
    "DistributionProtected",
    "DocumentError",
    "DocumentNotFound",
    "DocumentTooLarge",
    "DocumentWriteError",
    "EmptyDocument",
    "EncryptedDocument",
    "Hwp3Unsupported",
    "ParseMemoryExceeded",
    "ParseTimeout",
    "ParserCrashed",
    "UnsupportedFormat",
    "ZipBomb",
]
