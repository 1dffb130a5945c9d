"""One call that screens a text the way doum does before using it: personal data (types
and positions), abusive language (the citizen channel) and instruction-like content
(text that will be quoted to a model). For other systems — the citizen chatbot front
end, the 민원 system — through ``POST /api/privacy/scan``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from doum.privacy.detector import PiiDetector
from doum.privacy.filters.injection import scan_injection
from doum.privacy.filters.profanity import ProfanityFilter


@dataclass(frozen=True, slots=True)
class ScanResult:
    pii: list[dict[str, Any]]
    profanity: list[dict[str, Any]]
    injection: list[dict[str, Any]]
    abusive: bool

    def counts(self) -> dict[str, int]:
        return {
            "pii": len(self.pii),
            "profanity": len(self.profanity),
            "injection": len(self.injection),
        }


def scan_text(
    text: str, *, detector: PiiDetector, profanity: ProfanityFilter, include_values: bool
) -> ScanResult:
    spans = detector.detect(text)
    pii = [
        {
            "type": s.type.value,
            "name": s.type.korean,
            "start": s.start,
            "end": s.end,
            "score": round(s.score, 3),
            **({"text": s.text} if include_values else {}),
        }
        for s in spans
    ]
    matches = profanity.scan(text)
    return ScanResult(
        pii=pii,
        profanity=[m.to_dict() for m in matches],
        injection=[f.to_dict() for f in scan_injection(text)],
        abusive=profanity.is_abusive(text),
    )
