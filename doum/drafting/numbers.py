"""Checking the numbers in a draft against the sources they came from.

Every amount, count, percentage and date in the draft is read with its Korean
magnitude and unit ("3억 5천만 원" = 350,000,000 원, "12.5%", "2025. 3. 5."). A number in
a sentence that cites [n] must appear in source n; a number without a citation must
appear in the form or some source. Otherwise it is flagged: ``mismatch`` when the cited
(or an obviously matching) source has a different number of the same unit — shown with
the source's value — and ``unverified`` when nothing supports it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from doum.drafting.sources import bigrams, overlap

_MAGNITUDE = {"조": 1e12, "억": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "천": 1e3}
_UNITS = "원|명|건|개소|개|곳|가구|세대|%p|%|퍼센트|개월|년|월|일|시간|km|㎞|㎡|m²|톤|대|회|차례|배|세|권|종|ha"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAG = r"(?:조|억|천만|백만|만|천)"
_AMOUNT_RE = re.compile(
    rf"(?<![\d.,\-:/])(?P<num>(?:(?:{_NUM})\s*{_MAG}\s*)*(?:{_NUM})\s*{_MAG}?)"
    rf"\s*(?P<unit>{_UNITS})?(?!\d)"
)
_PART_RE = re.compile(rf"({_NUM})\s*({_MAG})?")
_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:\.\s*|년\s*)(\d{1,2})\s*(?:\.\s*|월\s*)(\d{1,2})\s*(?:\.|일)?(?!\d)"
)
_SKIP_RE = re.compile(
    r"\d{2,4}-\d{3,4}-\d{4}"  # phone numbers
    r"|\[\d+(?:\s*[,，]\s*\d+)*\]"  # citation markers
    r"|제\s*\d+(?:의\d+)?\s*(?:조|항|호|장|절|관|편)"  # statute references
    r"|\d{1,2}:\d{2}"  # times
    r"|^\s*(?:#+\s*)?\d+[.)]\s"  # list numbering
    r"|안\s*\d+|\d+\s*장",
    re.MULTILINE,
)
_UNIT_ALIASES = {"퍼센트": "%", "㎞": "km", "m²": "㎡", "개소": "곳", "세대": "가구", "차례": "회"}
_CITE_RE = re.compile(r"\[(\d+(?:\s*[,，]\s*\d+)*)\]")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    value: float | tuple[int, int, int]
    unit: str
    start: int
    end: int

    def same(self, other: Mention) -> bool:
        if self.unit != other.unit:
            return False
        if isinstance(self.value, tuple) or isinstance(other.value, tuple):
            return self.value == other.value
        return math.isclose(self.value, other.value, rel_tol=1e-9, abs_tol=1e-9)


def _amount(text: str) -> float:
    total = 0.0
    for number, magnitude in _PART_RE.findall(text):
        total += float(number.replace(",", "")) * _MAGNITUDE.get(magnitude, 1.0)
    return total


def mentions(text: str) -> list[Mention]:
    """Every checkable number in ``text`` with its value and unit."""
    blocked = [m.span() for m in _SKIP_RE.finditer(text)]
    found: list[Mention] = []
    for match in _DATE_RE.finditer(text):
        y, m, d = (int(g) for g in match.groups())
        if 1 <= m <= 12 and 1 <= d <= 31:
            found.append(Mention(match.group(0).strip(), (y, m, d), "date", *match.span()))
            blocked.append(match.span())

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in blocked)

    for match in _AMOUNT_RE.finditer(text):
        number, unit = match.group("num"), match.group("unit") or ""
        start, end = match.span()
        if not number or not free(start, end):
            continue
        value = _amount(number)
        plain = number.replace(",", "").strip()
        bare = not unit and not re.search(_MAG, number) and "," not in number
        if bare and "." not in plain and value < 100:
            continue  # small bare numbers are list items, counts in prose …
        found.append(
            Mention(match.group(0).strip(), value, _UNIT_ALIASES.get(unit, unit), start, end)
        )
    return sorted(found, key=lambda m: m.start)


@dataclass(slots=True)
class NumberCheck:
    text: str
    status: str
    """verified | mismatch | unverified"""
    line: int
    source: int | None = None
    expected: str = ""
    context: str = ""


def _sentences(line: str) -> Iterable[str]:
    return (s for s in _SENTENCE_SPLIT_RE.split(line) if s.strip())


def check_numbers(
    content: str, sources: Sequence[dict[str, Any]], fields: dict[str, str] | None = None
) -> dict[str, Any]:
    """Checks of every number in ``content``. ``sources`` are the draft's numbered
    passages (``n``, ``text``); the form's values count as source 0."""
    texts = {int(s["n"]): str(s.get("text", "")) for s in sources}
    if fields:
        texts[0] = "\n".join(v for v in fields.values() if v)
    source_mentions = {n: mentions(t) for n, t in texts.items()}
    results: list[NumberCheck] = []
    for number, line in enumerate(content.split("\n"), start=1):
        for sentence in _sentences(line):
            cited = [
                int(x)
                for group in _CITE_RE.findall(sentence)
                for x in re.split(r"\s*[,，]\s*", group)
                if int(x) in texts
            ]
            for mention in mentions(sentence):
                results.append(_check(mention, sentence, cited, texts, source_mentions, number))
    summary = {
        k: sum(1 for r in results if r.status == k) for k in ("verified", "mismatch", "unverified")
    }
    return {"numbers": [asdict(r) for r in results], "summary": summary}


def _context(text: str, start: int) -> str:
    return text[max(0, start - 16) : start]


def _check(
    mention: Mention,
    sentence: str,
    cited: list[int],
    texts: dict[int, str],
    source_mentions: dict[int, list[Mention]],
    line: int,
) -> NumberCheck:
    context = _context(sentence, mention.start)
    pool = cited or list(texts)
    for n in pool:
        if any(mention.same(m) for m in source_mentions[n]):
            return NumberCheck(mention.text, "verified", line, source=n, context=context)
    if not cited:
        # Not cited: also accept it from anywhere, then look for a likely miscopy.
        wanted = bigrams(context)
        best: tuple[float, int, Mention] | None = None
        for n, found in source_mentions.items():
            for m in found:
                if m.unit != mention.unit or not mention.unit:
                    continue
                score = overlap(wanted, _context(texts[n], m.start))
                if score >= 0.5 and (best is None or score > best[0]):
                    best = (score, n, m)
        if best is not None:
            return NumberCheck(
                mention.text,
                "mismatch",
                line,
                source=best[1],
                expected=best[2].text,
                context=context,
            )
        return NumberCheck(mention.text, "unverified", line, context=context)
    wanted = bigrams(context)
    same_unit = [
        (overlap(wanted, _context(texts[n], m.start)), n, m)
        for n in cited
        for m in source_mentions[n]
        if m.unit == mention.unit
    ]
    if same_unit:
        _, n, m = max(same_unit, key=lambda t: t[0])
        return NumberCheck(
            mention.text, "mismatch", line, source=n, expected=m.text, context=context
        )
    return NumberCheck(mention.text, "unverified", line, source=cited[0], context=context)
