"""PDF (text layer) with pdfium through ``pypdfium2``.

pdfium is the engine Chrome uses: fast (hundreds of pages a second), tolerant of broken
files, and Apache/BSD licensed. Being native code, it is one reason untrusted files are
parsed in an isolated worker. Scanned pages without a text layer give no text (OCR is
not done yet); a warning says so.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from doum.documents.blocks import classify_line, finish_document
from doum.documents.errors import CorruptDocument, EncryptedDocument
from doum.documents.limits import Limits
from doum.documents.model import Block, BlockKind, Document
from doum.documents.statute import parse_article_heading

_LOCK = threading.Lock()  # pdfium is not thread-safe
_ERR_PASSWORD = 4
_ERR_SECURITY = 6
_SENTENCE_END = re.compile(r"[.?!:。]$|다\.?$|함\.?$|음\.?$")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,4}[-–—\s]*$|^\d{1,4}\s*/\s*\d{1,4}$")
_META_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
    "Creator": "creator",
    "Producer": "producer",
    "CreationDate": "created",
    "ModDate": "modified",
}


class PdfParser:
    format = "pdf"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        import pypdfium2

        with _LOCK:
            try:
                pdf = pypdfium2.PdfDocument(data)
            except pypdfium2.PdfiumError as exc:
                if exc.err_code in (_ERR_PASSWORD, _ERR_SECURITY):
                    raise EncryptedDocument(format="PDF") from exc
                raise CorruptDocument(format="PDF") from exc
            try:
                return self._read(pdf, pypdfium2.PdfiumError)
            finally:
                pdf.close()

    def _read(self, pdf: Any, pdfium_error: type[Exception]) -> Document:
        document = Document(format=self.format)
        try:
            pages = len(pdf)
            raw_meta = pdf.get_metadata_dict(skip_empty=True)
        except pdfium_error as exc:
            raise CorruptDocument(format="PDF") from exc
        document.metadata = {
            _META_KEYS[k]: str(v).strip()
            for k, v in raw_meta.items()
            if k in _META_KEYS and str(v).strip()
        }
        document.title = document.metadata.get("title", "")
        document.page_count = pages
        if pages > self.limits.max_pages:
            document.warnings.append(
                f"쪽 수가 너무 많아 앞의 {self.limits.max_pages}쪽만 읽었습니다 (전체 {pages}쪽)."
            )
        empty_pages = 0
        for index in range(min(pages, self.limits.max_pages)):
            try:
                page = pdf[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
            except pdfium_error:
                document.warnings.append(f"{index + 1}쪽을 읽지 못해 건너뛰었습니다.")
                continue
            blocks = page_blocks(text, page=index + 1)
            if not blocks:
                empty_pages += 1
            document.blocks.extend(blocks)
        if empty_pages:
            document.warnings.append(
                f"글자 정보가 없는 쪽이 {empty_pages}쪽 있습니다 (스캔 이미지일 수 있으며, 글자 인식은 아직 지원하지 않습니다)."
            )
        return finish_document(document)


def page_blocks(text: str, *, page: int) -> list[Block]:
    """Lines of one page joined into paragraphs: a marker line, an article heading, or
    a line after a sentence end starts a new block."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            joined = " ".join(current)
            kind, marker, level = classify_line(joined)
            blocks.append(Block(kind=kind, text=joined, marker=marker, level=level, page=page))
            current.clear()

    for line in lines:
        if not line or line == "\x0c":
            flush()
            continue
        if _PAGE_NUMBER.match(line):
            flush()
            blocks.append(Block(kind=BlockKind.FOOTER, text=line, page=page))
            continue
        starts_new = bool(classify_line(line)[1]) or parse_article_heading(line) is not None
        if starts_new or (current and _SENTENCE_END.search(current[-1])):
            flush()
        current.append(line)
    flush()
    return blocks
