"""Replace personal data with typed placeholders, and summarise what was replaced.

:class:`Masker` masks a text against a conversation's :class:`~doum.privacy.vault.Vault`:
every detected span becomes ``<유형_n>``, and every value the vault already knows is
masked wherever it appears again, even without the context that found it the first time
("홍길동 주무관" in turn 1 → a bare "홍길동" in turn 3 is masked too).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from doum.privacy.detector import PiiDetector
from doum.privacy.span import PiiSpan, resolve_overlaps
from doum.privacy.types import PiiType
from doum.privacy.vault import Vault


@dataclass(frozen=True)
class MaskingSummary:
    """What was masked, by type and count — never the values. For the UI and audit log."""

    counts: dict[PiiType, int] = field(default_factory=dict)
    distinct: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __bool__(self) -> bool:
        return self.total > 0

    def merge(self, other: MaskingSummary) -> MaskingSummary:
        counts = Counter(self.counts)
        counts.update(other.counts)
        return MaskingSummary(dict(counts), max(self.distinct, other.distinct))

    def to_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "distinct": self.distinct,
            "types": [
                {"type": t.value, "name": t.korean, "count": n}
                for t, n in sorted(self.counts.items(), key=lambda item: item[0].value)
            ],
        }


@dataclass(frozen=True)
class MaskedText:
    text: str
    spans: list[PiiSpan]
    summary: MaskingSummary


class Masker:
    def __init__(self, detector: PiiDetector | None = None) -> None:
        self.detector = detector or PiiDetector()

    def mask(self, text: str, vault: Vault) -> MaskedText:
        spans = self.detector.detect(text)
        if len(vault):
            known = _known_spans(text, vault)
            if known:
                spans = resolve_overlaps([*spans, *known])
        if not spans:
            return MaskedText(text, [], MaskingSummary())
        parts: list[str] = []
        counts: dict[PiiType, int] = {}
        placeholder_for = vault.placeholder_for
        last = 0
        for span in spans:
            parts.append(text[last : span.start])
            parts.append(placeholder_for(span.type, span.text))
            last = span.end
            counts[span.type] = counts.get(span.type, 0) + 1
        parts.append(text[last:])
        summary = MaskingSummary(counts, len({(s.type, s.text) for s in spans}))
        return MaskedText("".join(parts), spans, summary)


def _known_spans(text: str, vault: Vault) -> list[PiiSpan]:
    """Occurrences of values the vault already holds (score 1: they are known PII)."""
    if not len(vault):
        return []
    values = {e.value: e.type for e in vault if len(e.value) >= 2 and e.value in text}
    if not values:
        return []
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
    return [
        PiiSpan(
            values[m.group()], m.start(), m.end(), m.group(), 1.0, "대화에서 이미 가린 값", "vault"
        )
        for m in pattern.finditer(text)
    ]
