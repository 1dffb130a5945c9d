"""Plain text (.txt): paragraphs are lines; markers and statute articles are detected."""

from __future__ import annotations

from doum.documents.blocks import finish_document, text_block
from doum.documents.limits import Limits
from doum.documents.model import Block, Document
from doum.documents.textcodec import decode_text, sniff_encoding


class TextParser:
    format = "txt"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    def parse(self, data: bytes, *, filename: str | None = None) -> Document:
        text = decode_text(data)
        document = Document(format=self.format, metadata={"encoding": sniff_encoding(data)})
        document.blocks = text_blocks(text)
        return finish_document(document)


def text_blocks(text: str) -> list[Block]:
    """One block per non-empty line (line breaks in plain text are meaningful in
    Korean administrative text: every 개조식 line and statute item is its own line)."""
    return [text_block(line.rstrip()) for line in text.split("\n") if line.strip()]
