"""The contract every :class:`DocumentParser` keeps (STYLE habit 8).

Each parser's test class inherits :class:`ParserContract` and supplies ``parser`` (an
instance), ``sample()`` (valid bytes) and ``expected`` (strings its text must contain).
"""

from __future__ import annotations

import contextlib
import time
from typing import ClassVar

import pytest

from doum.documents.errors import DocumentError
from doum.documents.model import BlockKind, Document
from doum.documents.parser import DocumentParser


class ParserContract:
    expected: ClassVar[tuple[str, ...]] = ()
    """Strings the parsed text must contain."""
    binary: ClassVar[bool] = True
    """Binary formats must reject garbage; text formats may read anything."""

    @pytest.fixture
    def parser(self) -> DocumentParser:
        raise NotImplementedError

    def sample(self) -> bytes:
        raise NotImplementedError

    def test_implements_protocol(self, parser: DocumentParser) -> None:
        assert isinstance(parser, DocumentParser)
        assert parser.format

    def test_reads_sample(self, parser: DocumentParser) -> None:
        document = parser.parse(self.sample(), filename=None)
        assert isinstance(document, Document)
        assert document.format == parser.format
        text = document.text()
        for snippet in self.expected:
            assert snippet in text, snippet
        assert all(isinstance(b.kind, BlockKind) for b in document.blocks)
        assert all(
            b.table is not None or b.text or b.kind is BlockKind.IMAGE for b in document.blocks
        )

    def test_is_deterministic(self, parser: DocumentParser) -> None:
        data = self.sample()
        assert parser.parse(data).to_dict() == parser.parse(data).to_dict()

    def test_truncated_input_fails_cleanly(self, parser: DocumentParser) -> None:
        data = self.sample()
        for cut in (len(data) // 3, len(data) // 2, len(data) - 7):
            try:
                parser.parse(data[:cut])
            except DocumentError as error:
                assert error.code.startswith("document.")
                assert error.message and "{" not in error.message

    def test_garbage_fails_cleanly(self, parser: DocumentParser) -> None:
        garbage = bytes((i * 37 + 11) % 256 for i in range(4096))
        started = time.monotonic()
        if self.binary:
            with pytest.raises(DocumentError):
                parser.parse(garbage)
        else:
            with contextlib.suppress(DocumentError):
                parser.parse(garbage)
        assert time.monotonic() - started < 5
