"""Korean abusive-language detection for the citizen channel.

Finds words from :mod:`.profanity_lexicon` including the usual dodges — initial
consonants ("ㅅㅂ"), inserted spaces, dots or digits ("씨 발", "시1발"), look-alike
syllables ("씨빨", "시빨") and the same words typed on an English keyboard ("tlqkf") —
while staying quiet on ordinary administrative text ("시발점", "씨 발아 시험",
"병신년(丙申年)" excepted by context, "불이 꺼져").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from doum.privacy.filters.profanity_lexicon import CATEGORY_KOREAN, LEXICON

_GAP = r"(?:[^\w]|[\d_]){0,3}"
_GAP2 = r"(?:[^\w]|[\d_]){1,3}"
# Full-width Latin letters and digits → ASCII (one character each, so offsets hold).
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@dataclass(frozen=True, slots=True)
class ProfanityMatch:
    start: int
    end: int
    text: str
    term: str
    category: str
    severity: int

    @property
    def category_korean(self) -> str:
        return CATEGORY_KOREAN[self.category]

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "term": self.term,
            "category": self.category,
            "severity": self.severity,
        }


def _compile() -> tuple[re.Pattern[str], list[tuple[str, str, int]]]:
    meta: list[tuple[str, str, int]] = []
    parts: list[str] = []
    for i, (term, category, severity, pattern) in enumerate(LEXICON):
        body = pattern.replace("{g2}", _GAP2).replace("{g}", _GAP)
        flags = ""
        if body.startswith("(?i)"):
            body, flags = body[4:], "i"
        body = body.replace("|(?i)", "|")  # inline flags only at the start of a branch
        if flags:
            body = f"(?i:{body})"
        parts.append(f"(?P<t{i}>{body})")
        meta.append((term, category, severity))
    return re.compile("|".join(parts)), meta


class ProfanityFilter:
    """``scan(text)`` returns matches; ``is_abusive(text, min_severity)`` a yes/no."""

    def __init__(self) -> None:
        self._pattern, self._meta = _compile()

    def scan(self, text: str) -> list[ProfanityMatch]:
        if not text:
            return []
        source = text.translate(_FULLWIDTH)
        out: list[ProfanityMatch] = []
        for m in self._pattern.finditer(source):
            name = m.lastgroup
            if name is None:
                continue
            term, category, severity = self._meta[int(name[1:])]
            s, e = m.span()
            out.append(ProfanityMatch(s, e, text[s:e], term, category, severity))
        return out

    def is_abusive(self, text: str, min_severity: int = 2) -> bool:
        return any(m.severity >= min_severity for m in self.scan(text))

    def mask(self, text: str, min_severity: int = 1) -> str:
        """The text with each abusive match replaced by ``*`` of the same length."""
        chars = list(text)
        for m in self.scan(text):
            if m.severity >= min_severity:
                chars[m.start : m.end] = "*" * (m.end - m.start)
        return "".join(chars)
