"""Everything anchored on a digit run, in one pass: 주민·외국인·법인·사업자 등록번호, 카드,
전화, 운전면허, 건강보험증, 계좌, 차량번호, IPv4, 여권번호 (the run after its letter), and the
building/lot number of a 주소, which :mod:`.address` extends and checks.

One compiled pattern whose every branch starts with a digit (so the regex engine skips
non-digit text in C); each match is one *token* that Python classifies once, by its digit
groups, check digits and nearby context words. Tokens that fit no type (dates, order and
receipt numbers, amounts, document numbers) produce nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doum.privacy import checksums as cs
from doum.privacy.recognisers import address
from doum.privacy.recognisers.base import (
    HYPHEN,
    HYPHENS,
    glued_left,
    is_ascii_alnum,
    keyword_pattern,
)
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

T = PiiType

# Digit runs start at an ASCII or a full-width digit (a character class the regex engine
# tests faster than \d, which looks every character up in the Unicode database).
DIGITS = "0123456789０１２３４５６７８９"

# Vehicle plate use letters (비사업용, 사업용, 렌터카, 택배).
PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자하허호배"
PLATE_REGIONS = (
    "서울",
    "부산",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
)
# Characters that make a number an amount or a count, not an identifier.
UNITS = frozenset("억만천백십원명개건회년월일시분초층%배세")
# 운전면허 지역 코드 (11 서울 … 26 울산, 28 경기북부).
LICENCE_REGIONS = frozenset({*(str(n) for n in range(11, 27)), "28"})

_SEP = rf"(?:\s?{HYPHEN}\s?)"
_HYPHEN_BODY = HYPHENS.replace("-", "\\-")
# Every branch continues after a first digit that starts a digit run (``\d(?<!\d\d)`` is
# factored out in front, so the engine only tries at run starts). Order matters: the first
# branch that fits wins, and a branch whose check fails falls back to the later ones.
_LATER = {
    # 여권번호: the digits after M/S/R/O/D/G (8, or 3 + a letter + 4 since 2021)
    "passport": r"(?<=[MSRODG]\d)(?:\d{7}|\d{2}[A-Z]\d{4})(?![A-Za-z0-9])",
    "ipv4": r"\d{0,2}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\.?\d)",
    "dotted": r"(?<=0)\d{1,3}\.\d{3,4}\.\d{4}(?!\.?\d)",
    "spaced": (
        r"(?:\d{3}(?: \d{4}){2} \d{3,4}(?: \d{3})?"  # card 4 4 4 4
        r"|\d{3} \d{6} \d{4,5}"  # card 4 6 5
        r"|(?<=0)\d{1,3} \d{3,4} \d{4}"  # phone
        r"|\d{5} \d{7}"  # 13-digit id
        r"|\d{2} \d{2} \d{5})(?!\d)"  # brn
    ),
    "plate": rf"\d{{1,2}} ?[{PLATE_LETTERS}] ?\d{{4}}(?!\d)",
    "groups": rf"(?=[\d {_HYPHEN_BODY}]{{7}})\d*(?:{_SEP}\d+){{0,5}}",
}


def _compile(branches: dict[str, str], *, addr: bool) -> re.Pattern[str]:
    body = "|".join(f"(?P<{k}>{v})" for k, v in branches.items())
    # Every branch but the address one goes on with a digit, a space, a dot or a hyphen:
    # test that once, so that the many short numbers of prose ("제3조", "2024년", "5개")
    # are given up after one character instead of after trying every branch.
    body = f"(?=[\\d .{_HYPHEN_BODY}])(?:{body})"
    if addr:
        body = f"(?P<addr>{address.SCAN_BRANCH})|{body}"
    # a run of ASCII or full-width digits starts here (not after another digit)
    return re.compile(f"[{DIGITS}]" + r"(?<!\d\d)(?:" + body + ")")


PATTERN = _compile(_LATER, addr=True)
_PATTERN_NO_ADDR = _compile(_LATER, addr=False)  # when the number after 로/길/동 is no address
_DIGIT_RUN = re.compile(r"\d+")  # the digit groups of a token (between hyphens/dots/spaces)

_RRN_CTX = keyword_pattern(["주민등록", "주민번호", "주민 번호", "RRN", "주민"])
_FRN_CTX = keyword_pattern(["외국인등록", "외국인 등록", "외국인번호", "등록번호", "외국인"])
_CORP_CTX = keyword_pattern(["법인등록", "법인번호", "법인 등록", "법인"])
_BRN_CTX = keyword_pattern(["사업자", "사업자등록", "사업자번호"])
_HEALTH_CTX = keyword_pattern(["건강보험", "보험증", "건보", "의료보험"])
_LICENCE_CTX = keyword_pattern(["면허"])
_PASSPORT_CTX = keyword_pattern(["여권", "passport", "PASSPORT", "Passport"])
_PLATE_CTX = keyword_pattern(["차량", "자동차", "번호판", "주차", "차번", "오토바이", "이륜차"])
BANKS = (
    "계좌",
    "통장",
    "입금",
    "송금",
    "이체",
    "예금주",
    "은행",
    "국민",
    "KB",
    "신한",
    "우리",
    "하나",
    "농협",
    "NH",
    "기업",
    "IBK",
    "카카오뱅크",
    "케이뱅크",
    "토스",
    "SC제일",
    "씨티",
    "우체국",
    "새마을금고",
    "신협",
    "수협",
    "산업은행",
    "iM뱅크",
    "저축은행",
    "환급",
    "account",
)
_ACCOUNT_CTX = keyword_pattern(BANKS)
_LICENCE_NAME = re.compile(r"(?:" + "|".join(PLATE_REGIONS) + r") ?$")


def _ctx(
    text: str, start: int, end: int, words: re.Pattern[str], before: int = 20, after: int = 0
) -> bool:
    if words.search(text, max(0, start - before), start):
        return True
    return bool(after) and words.search(text, end, min(len(text), end + after)) is not None


class NumberRecogniser:
    """Numeric identifiers validated by check digits, layouts and context."""

    name = "numbers"
    types = frozenset(
        {
            T.RRN,
            T.FRN,
            T.CORPORATE_ID,
            T.BRN,
            T.CARD,
            T.PHONE,
            T.DRIVER_LICENSE,
            T.HEALTH_INSURANCE,
            T.ACCOUNT,
            T.VEHICLE,
            T.IP,
            T.ADDRESS,
            T.PASSPORT,
        }
    )

    def find(self, text: str) -> Iterator[PiiSpan]:
        name, n = self.name, len(text)
        for m in PATTERN.finditer(text):
            start = m.start()
            kind = m.lastgroup
            if kind == "passport":
                span = _passport(text, start - 1, m.end(), name)
                if span is not None:
                    yield span
                continue
            if start and glued_left(text, start):
                continue
            if kind == "addr":
                span = address.address_at(text, start, name)
                if span is not None:
                    yield span
                    continue
                m = _PATTERN_NO_ADDR.match(text, start)  # type: ignore[assignment]
                if m is None:
                    continue
                kind = m.lastgroup
            end = m.end()
            if end < n and is_ascii_alnum(text[end]):
                continue
            found: Found | None
            if kind == "plate":
                found = _plate(text, start, end)
            elif kind == "ipv4":
                found = _ipv4(m.group(), start, end)
            else:
                found = _classify(
                    text, start, end, _DIGIT_RUN.findall(m.group()), spaced=kind != "groups"
                )
            if found is not None:
                typ, s, e, score, reason = found
                yield PiiSpan(typ, s, e, text[s:e], score, reason, name)


def _passport(text: str, s: int, e: int, recogniser: str) -> PiiSpan | None:
    """여권번호 whose letter is at ``s`` (the digits were matched by the scan)."""
    if s and (is_ascii_alnum(text[s - 1]) or text[s - 1] in "-_"):
        return None
    if _PASSPORT_CTX.search(text, max(0, s - 20), s) is not None:
        score, reason = 0.95, "여권 문맥 + 형식"
    else:
        score, reason = 0.7, "여권번호 형식"
    return PiiSpan(T.PASSPORT, s, e, text[s:e], score, reason, recogniser)


Found = tuple[PiiType, int, int, float, str]


def _ipv4(token: str, start: int, end: int) -> Found | None:
    parts = token.split(".")
    if any(int(p) > 255 or (len(p) > 1 and p[0] == "0") for p in parts):
        return None
    return (T.IP, start, end, 0.85, "IPv4 형식")


def _plate(text: str, start: int, end: int) -> Found | None:
    if end < len(text) and text[end] in UNITS:
        return None
    score, reason = 0.85, "차량번호 형식"
    region = _LICENCE_NAME.search(text, max(0, start - 3), start)
    if region is not None:
        start = region.start()
        score, reason = 0.9, "지역명 + 차량번호 형식"
    if _ctx(text, start, end, _PLATE_CTX):
        score, reason = 0.95, reason + ", 차량 문맥"
    return (T.VEHICLE, start, end, score, reason)


def _classify(text: str, start: int, end: int, groups: list[str], *, spaced: bool) -> Found | None:
    digits = "".join(groups)
    n = len(digits)
    if n < 8 or n > 19:
        return None
    layout = tuple(map(len, groups))
    separated = len(groups) > 1
    if end < len(text) and text[end] in UNITS:
        return None
    if n == 13 and layout in ((6, 7), (13,)):
        found = _id13(text, start, end, digits, separated)
        if found is not None:
            return found
    phone = _phone(digits, layout)
    if phone is not None:
        return (T.PHONE, start, end, *phone)
    card = 13 <= n <= 19 and layout in _CARD_LAYOUTS and digits[0] in "345689"
    if card and cs.luhn_ok(digits):
        score = 0.95 if separated else 0.85
        if _ctx(text, start, end, _CARD_CTX):
            score = 0.97
        return (T.CARD, start, end, score, "카드번호 배열 + Luhn 검사")
    if n == 10 and layout == (3, 2, 5) and cs.brn_checksum_ok(digits):
        return (T.BRN, start, end, 0.95, "사업자등록번호 배열 + 검증번호")
    if n == 12 and layout == (2, 2, 6, 2) and digits[:2] in LICENCE_REGIONS:
        return (T.DRIVER_LICENSE, start, end, 0.9, "운전면허 지역코드 + 배열")
    if n == 10 and layout == (2, 6, 2):
        region = _LICENCE_NAME.search(text, max(0, start - 3), start)
        if region is not None:
            return (T.DRIVER_LICENSE, region.start(), end, 0.9, "운전면허 지역명 + 배열")
    if n in (10, 11) and _ctx(text, start, end, _HEALTH_CTX, before=24):
        return (T.HEALTH_INSURANCE, start, end, 0.85, "건강보험증 문맥 + 자릿수")
    if 10 <= n <= 16 and not spaced and _ctx(text, start, end, _ACCOUNT_CTX, 24, 12):
        return (T.ACCOUNT, start, end, 0.85, "계좌 문맥 + 자릿수")
    bare_brn = n == 10 and layout == (10,) and cs.brn_checksum_ok(digits)
    if bare_brn and _ctx(text, start, end, _BRN_CTX):
        return (T.BRN, start, end, 0.9, "사업자 문맥 + 검증번호")
    bare_licence = n == 12 and layout == (12,) and digits[:2] in LICENCE_REGIONS
    if bare_licence and _ctx(text, start, end, _LICENCE_CTX):
        return (T.DRIVER_LICENSE, start, end, 0.85, "면허 문맥 + 지역코드")
    return None


_CARD_LAYOUTS = frozenset(
    {(4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3), (4, 4, 4, 3), (15,), (16,)}
)
_CARD_CTX = keyword_pattern(["카드", "card", "결제"])


def _id13(text: str, start: int, end: int, digits: str, separated: bool) -> Found | None:
    """주민등록번호, 외국인등록번호 or 법인등록번호."""
    born = cs.birth_date_of(digits)
    corp_ok = cs.corporate_checksum_ok(digits)
    corp_ctx = corp_ok and _ctx(text, start, end, _CORP_CTX)
    if corp_ok and (corp_ctx or born is None):
        score = 0.95 if corp_ctx else 0.7
        return (T.CORPORATE_ID, start, end, score, "법인등록번호 검증번호")
    if born is None:
        return None
    foreign = digits[6] in "5678"
    typ = T.FRN if foreign else T.RRN
    checksum_ok = cs.frn_checksum_ok(digits) if foreign else cs.rrn_checksum_ok(digits)
    penalty = 0.0 if separated else 0.05
    if checksum_ok:
        return (typ, start, end, 0.95 - penalty, "생년월일·성별 + 검증번호")
    if born >= cs.RANDOM_TAIL_SINCE:
        return (typ, start, end, 0.85 - penalty, "2020년 10월 이후 부여 형식 (검증번호 없음)")
    if _ctx(text, start, end, _FRN_CTX if foreign else _RRN_CTX, before=16):
        return (typ, start, end, 0.6 - penalty, "생년월일·성별 + 문맥 (검증번호 불일치)")
    return None


def _phone(digits: str, layout: tuple[int, ...]) -> tuple[float, str] | None:
    n = len(digits)
    bare = len(layout) == 1
    if digits.startswith("01") and digits[2] in "016789" and n in (10, 11):
        if bare or layout in ((3, 3, 4), (3, 4, 4)):
            return (0.95, "휴대전화 번호")
        return None
    if digits.startswith("02") and n in (9, 10):
        if layout in ((2, 3, 4), (2, 4, 4)):
            return (0.9, "서울 지역번호 전화")
        return (0.7, "서울 지역번호 전화 (구분자 없음)") if bare else None
    if (
        digits[0] == "0"
        and ((digits[1] in "3456" and digits[2] in "12345") or digits[1:3] in ("70", "80"))
        and n in (10, 11)
    ):
        if layout in ((3, 3, 4), (3, 4, 4)):
            return (0.9, "지역번호·인터넷 전화")
        return (0.7, "지역번호 전화 (구분자 없음)") if bare else None
    if digits.startswith("050") and n in (11, 12) and layout in ((4, 3, 4), (4, 4, 4)):
        return (0.85, "안심번호(050)")
    if n == 8 and layout == (4, 4) and digits[:2] in ("15", "16", "18"):
        return (0.85, "대표번호(15xx·16xx·18xx)")
    return None
