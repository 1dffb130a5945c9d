"""Turning Korean text into search terms.

BM25 over whitespace tokens fails on Korean: "등본은" and "등본" are different words to
it. :class:`KiwiAnalyzer` keeps the content morphemes (nouns, verb and adjective stems,
roots, numbers, foreign words) that kiwipiepy finds, so "등본은 어디서 떼나요" and
"주민등록표 등본 발급" share "등본". Article references ("제2조", "제227조의2") are kept
whole so they can be searched for.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

ARTICLE_REF = re.compile(r"제\s*(\d+)\s*조(?:\s*의\s*(\d+))?")
_KEEP_TAGS = ("NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MAG")
_STOP = frozenset(
    {
        "다음",
        "말",
        "경우",
        "해당",
        "관련",
        "사항",
        "이하",
        "같",
        "하",
        "있",
        "되",
        "없",
        "아니",
        "이",
        "그",
        "수",
        "등",
        "때",
        "중",
        "및",
        "또는",
        "안",
    }
)
_TERM_CLEAN = re.compile(r"[^0-9a-z가-힣ㄱ-ㅎㅏ-ㅣ一-鿿]+")


class LexicalAnalyzer(Protocol):
    """Text → index terms. The same analyzer must be used for documents and queries."""

    name: str

    def terms(self, text: str) -> list[str]: ...

    def terms_many(self, texts: list[str]) -> list[list[str]]: ...


def article_refs(text: str) -> list[str]:
    """Normalised article references in ``text``: "제 2 조의 3" → "제2조의3"."""
    return [
        f"제{m.group(1)}조" + (f"의{m.group(2)}" if m.group(2) else "")
        for m in ARTICLE_REF.finditer(text)
    ]


@lru_cache(maxsize=1 << 16)
def clean_term(term: str) -> str:
    return _TERM_CLEAN.sub("", term.lower())


class KiwiAnalyzer:
    """Morpheme terms from kiwipiepy (ships its own model; ~50k chars/s per core)."""

    name = "kiwi"

    def __init__(self) -> None:
        self._kiwi: Kiwi | None = None
        self._lock = threading.Lock()

    def _model(self) -> Kiwi:
        if self._kiwi is None:
            with self._lock:
                if self._kiwi is None:
                    from kiwipiepy import Kiwi

                    self._kiwi = Kiwi()
        return self._kiwi

    def _from_tokens(self, text: str, tokens: object) -> list[str]:
        out: list[str] = []
        for token in tokens:  # type: ignore[attr-defined]
            tag = token.tag.split("-", 1)[0]
            if tag not in _KEEP_TAGS:
                continue
            form = token.form
            if tag in ("VV", "VA"):
                form = token.lemma[:-1] if token.lemma.endswith("다") else token.form
            term = clean_term(form)
            if term and term not in _STOP:
                out.append(term)
        out.extend(article_refs(text))
        return out

    def terms(self, text: str) -> list[str]:
        if not text.strip():
            return []
        return self._from_tokens(text, self._model().tokenize(text))

    def terms_many(self, texts: list[str]) -> list[list[str]]:
        if not texts:
            return []
        results = self._model().tokenize(texts)
        return [self._from_tokens(t, toks) for t, toks in zip(texts, results, strict=True)]


class WhitespaceAnalyzer:
    """The baseline the evaluation compares against: whitespace tokens, lower-cased."""

    name = "whitespace"

    def terms(self, text: str) -> list[str]:
        return [t for w in text.split() if (t := clean_term(w))]

    def terms_many(self, texts: list[str]) -> list[list[str]]:
        return [self.terms(t) for t in texts]


@lru_cache(maxsize=1)
def default_analyzer() -> KiwiAnalyzer:
    return KiwiAnalyzer()
