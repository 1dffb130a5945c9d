"""The :class:`PiiDetector`: runs recognisers over a text and resolves overlaps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from doum.privacy.recognisers import (
    ContextRecogniser,
    Recogniser,
    full_recognisers,
    rule_recognisers,
)
from doum.privacy.span import PiiSpan, resolve_overlaps
from doum.privacy.types import PiiType

DEFAULT_MIN_SCORE = 0.5


class PiiDetector:
    """Finds Korean personal data.

    ``PiiDetector()`` is the rules path (fast, no model); ``PiiDetector.full()`` adds the
    kiwipiepy proper-noun recall aid for names. Spans below ``min_score`` are dropped;
    ``types`` restricts the output to some types.
    """

    def __init__(
        self,
        recognisers: Sequence[Recogniser] | None = None,
        *,
        min_score: float = DEFAULT_MIN_SCORE,
        types: Iterable[PiiType] | None = None,
    ) -> None:
        self.recognisers: list[Recogniser] = list(
            recognisers if recognisers is not None else rule_recognisers()
        )
        self.min_score = min_score
        self.types = frozenset(types) if types is not None else None
        self._context = [r for r in self.recognisers if isinstance(r, ContextRecogniser)]
        self._plain = [r for r in self.recognisers if not isinstance(r, ContextRecogniser)]

    @classmethod
    def full(
        cls, *, min_score: float = DEFAULT_MIN_SCORE, types: Iterable[PiiType] | None = None
    ) -> PiiDetector:
        return cls(full_recognisers(), min_score=min_score, types=types)

    def detect(self, text: str) -> list[PiiSpan]:
        """Non-overlapping spans in text order."""
        if not text:
            return []
        found = [span for recogniser in self._plain for span in recogniser.find(text)]
        for recogniser in self._context:  # in order, each seeing what the others found
            found += list(recogniser.find_near(text, found))
        min_score, types = self.min_score, self.types
        candidates = [
            span
            for span in found
            if span.score >= min_score and (types is None or span.type in types)
        ]
        if len(candidates) < 2:
            return candidates
        return resolve_overlaps(candidates)
