"""생년월일: a valid past date with a birth word just before it ("생년월일: 1990. 1. 1.",
"생신은 1950. 11. 2.", "출생연월일 2001-07-19", "DOB 19900101"), after "주민(등록)번호
앞자리" ("주민번호 앞 6자리는 880712"), or followed by "생" or "태어난" ("1985년 3월
2일생", "(1987.3.2.생)", "1995년 6월 1일에 태어난"). A date without such a word — 공고일,
시행일, 사고 발생일, 행사 날짜 — is not personal data here.

The scan is anchored on the words, not on the digits: birth words are rare, so a text
without one costs two fast literal searches and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doum.privacy.checksums import valid_date
from doum.privacy.recognisers.base import glued_left
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

# A date starting at a digit: 1990. 1. 1. / 1990-01-01 / 1990년 1월 1일 / 900101 / 19900101
_DATE_BODY = (
    r"(?P<y>(?:19|20)?\d{2})\s?(?:[.\-/]|년)\s?(?P<m>\d{1,2})\s?(?:[.\-/]|월)\s?"
    r"(?P<d>\d{1,2})(?!\d)(?:\s?일|\.(?!\d))?"
    r"|(?P<c8>(?:19|20)\d{6})(?!\d)|(?P<c6>\d{6})(?![\d\-])"
)
DATE = re.compile(_DATE_BODY)
# A date that ends where the search window ends (just before "생").
_DATE_BEFORE = re.compile(r"(?<!\d)(?:" + _DATE_BODY + r")\Z")
# A birth word and what may stand between it and the date. The Korean words all contain
# "생", so their pattern starts with that literal and the engine jumps from one "생" to the
# next (출생 is seen from its 생); the English ones are searched only when a cheap
# substring test finds them.
_GAP = r"\s*(?:[:：]|은|는|이|가)?\s*\(?\s*(?=\d)"
# 생년월일 (spaces allowed), 출생·출생일·출생연월일, 생일 (not 발생일), 생신.
_BEFORE_KO = re.compile(
    r"생(?:(?<=출생)(?:\s?연월일|\s?일)?|\s?년\s?월\s?일|(?<!발생)일|신)" + _GAP
)
# 주민(등록)번호 앞자리 / 앞 6자리: any date right after it ("앞자리는 1949. 10. 13."), or
# six digits after a few words ("…앞자리만 말씀드리면 580416").
_BEFORE_RRN = re.compile(
    r"주민(?:등록)?\s?번호(?:의)?\s?앞\s?(?:6|여섯)?\s?자리(?P<gap>[^\d\n]{0,16}?)(?=\d)"
)
_NEAR_GAP = re.compile(r"\s*(?:[:：]|은|는|만|이|가)?\s*\(?\s*")
_SIX_DIGITS = re.compile(r"\d{6}(?![\d\-])")
_BEFORE_EN = re.compile(r"(?:DOB|D\.O\.B\.?|[Bb]irth(?:\s?[Dd]ate)?)" + _GAP)
_BEFORE_REACH = 16  # the word starts at most this many characters before the date
# "…생" after a date ("1985년 3월 2일생", "1990.1.1. 출생"), not 생활/생산/생각/…: a date
# ends in a digit, "일" or ".", so only a "생" right after one of those is looked at.
_AFTER = re.compile(
    r"생(?:(?<=[\d일.]생)|(?<=[\d일.]\s생)|(?<=[\d일.]출생)|(?<=[\d일.]\s출생))"
    r"(?!활|산|각|명|성|존|겼|기|긴|략|동|태|물)"
)
_AFTER_GAP = 24  # a date is at most this long
# "…에 태어난/태어났다" after a date.
_BORN = re.compile(r"태어(?=[나났난])")


def _year(value: str) -> int:
    if len(value) == 4:
        return int(value)
    year = int(value)
    return 2000 + year if year <= 25 else 1900 + year


def _valid(m: re.Match[str]) -> bool:
    if m.group("c8"):
        raw = m.group("c8")
        born = valid_date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    elif m.group("c6"):
        raw = m.group("c6")
        born = valid_date(_year(raw[:2]), int(raw[2:4]), int(raw[4:6]))
    else:
        born = valid_date(_year(m.group("y")), int(m.group("m")), int(m.group("d")))
    return born is not None


class BirthDateRecogniser:
    """Dates of birth, found from the words that introduce them."""

    name = "birth_date"
    types = frozenset({PiiType.BIRTH_DATE})

    def find(self, text: str) -> Iterator[PiiSpan]:
        # Each scan only when its literal occurs at all (a substring test costs far less
        # than starting a regex scan, and most messages have none of them).
        has_saeng = "생" in text
        words = list(_BEFORE_KO.finditer(text)) if has_saeng else []
        if "DOB" in text or "D.O.B" in text or "irth" in text:
            words += _BEFORE_EN.finditer(text)
        for w in words:
            start = w.end()
            first = w.start()
            if first and text[first - 1] == "출" and text[first] == "생":
                first -= 1
            if start - first > _BEFORE_REACH or glued_left(text, start):
                continue
            yield from self._date_at(text, start, "생년월일 문맥 + 날짜")
        for w in _BEFORE_RRN.finditer(text) if "주민" in text else ():
            start = w.end()
            near = _NEAR_GAP.fullmatch(w.group("gap")) is not None
            if (near or _SIX_DIGITS.match(text, start)) and not glued_left(text, start):
                yield from self._date_at(text, start, "주민번호 앞자리 + 날짜")
        for g in _AFTER.finditer(text) if has_saeng else ():
            end = g.start()
            if end and text[end - 1] == "출":
                end -= 1
            if end and text[end - 1].isspace():
                end -= 1
            yield from self._date_before(text, end, 0.8, "날짜 + '생'")
        for b in _BORN.finditer(text) if "태어" in text else ():
            end = b.start()
            if end and text[end - 1].isspace():
                end -= 1
            if text.endswith("에서", 0, end):
                end -= 2
            elif text.endswith("에", 0, end):
                end -= 1
            yield from self._date_before(text, end, 0.8, "날짜 + '태어난'")

    def _date_at(self, text: str, start: int, reason: str) -> Iterator[PiiSpan]:
        """The birth date starting at ``start``, right after a birth word."""
        m = DATE.match(text, start)
        if m is not None and _valid(m):
            end = m.end()
            yield PiiSpan(
                PiiType.BIRTH_DATE,
                start,
                end,
                text[start:end],
                0.85,
                reason,
                self.name,
            )

    def _date_before(self, text: str, end: int, score: float, reason: str) -> Iterator[PiiSpan]:
        """The birth date ending at ``end``, right before 생 or 태어난."""
        m = _DATE_BEFORE.search(text, max(0, end - _AFTER_GAP), end)
        if m is None or not _valid(m):
            return
        start = m.start()
        if start and glued_left(text, start):
            return
        yield PiiSpan(PiiType.BIRTH_DATE, start, end, text[start:end], score, reason, self.name)
