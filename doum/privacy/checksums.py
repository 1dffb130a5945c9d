"""Check digits and date checks for Korean identifiers. Inputs are digit strings."""

from __future__ import annotations

import time
from datetime import date
from operator import mul

_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_CORP_WEIGHTS = (1, 2) * 6

# Gender/century digit of a resident (1-4, 9, 0) or foreigner (5-8) registration number.
_CENTURY = {
    "1": 1900,
    "2": 1900,
    "3": 2000,
    "4": 2000,
    "5": 1900,
    "6": 1900,
    "7": 2000,
    "8": 2000,
    "9": 1800,
    "0": 1800,
}
# Numbers issued from October 2020 have a random tail (no check digit).
RANDOM_TAIL_SINCE = date(2020, 10, 1)


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    """Sum of digit × weight over the first ``len(weights)`` digits."""
    if digits.isascii():  # bytes iterate as code points: no int() per digit
        return sum(map(mul, digits.encode(), weights)) - 48 * sum(weights[: len(digits)])
    return sum(map(mul, map(int, digits), weights))


def birth_date_of(digits: str) -> date | None:
    """The birth date encoded in a 13-digit registration number, or ``None``."""
    century = _CENTURY.get(digits[6])
    if century is None:
        return None
    return valid_date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))


def valid_date(year: int, month: int, day: int) -> date | None:
    """The date if it exists and is not in the future (a birth date), else ``None``."""
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    return born if born <= _today() else None


_today_cache: tuple[float, date] = (0.0, date.min)  # (look again after, today)


def _today() -> date:
    """``date.today()``, asked of the clock at most once a minute (called per candidate)."""
    global _today_cache
    expires, today = _today_cache
    now = time.time()
    if now >= expires:
        today = date.today()
        _today_cache = (now + 60.0, today)
    return today


def rrn_checksum_ok(digits: str) -> bool:
    """주민등록번호 check digit (numbers issued before October 2020)."""
    return (11 - _weighted(digits, _RRN_WEIGHTS) % 11) % 10 == int(digits[12])


def frn_checksum_ok(digits: str) -> bool:
    """외국인등록번호 check digit (the resident rule, offset by 2)."""
    return (13 - _weighted(digits, _RRN_WEIGHTS) % 11) % 10 == int(digits[12])


def corporate_checksum_ok(digits: str) -> bool:
    """법인등록번호 check digit."""
    return (10 - _weighted(digits, _CORP_WEIGHTS) % 10) % 10 == int(digits[12])


def brn_checksum_ok(digits: str) -> bool:
    """사업자등록번호 check digit (국세청 가중합)."""
    total = _weighted(digits, _BRN_WEIGHTS) + (int(digits[8]) * 5) // 10
    return (10 - total % 10) % 10 == int(digits[9])


_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_ok(digits: str) -> bool:
    if digits.isascii():
        raw = digits.encode()
        kept = sum(raw[-1::-2]) - 48 * len(raw[-1::-2])
        doubled = sum(map(_LUHN_DOUBLE.__getitem__, [b - 48 for b in raw[-2::-2]]))
        return (kept + doubled) % 10 == 0
    kept = sum(map(int, digits[-1::-2]))
    doubled = sum(map(_LUHN_DOUBLE.__getitem__, map(int, digits[-2::-2])))
    return (kept + doubled) % 10 == 0


def rrn_check_digit(twelve: str) -> str:
    return str((11 - _weighted(twelve, _RRN_WEIGHTS) % 11) % 10)


def frn_check_digit(twelve: str) -> str:
    return str((13 - _weighted(twelve, _RRN_WEIGHTS) % 11) % 10)


def corporate_check_digit(twelve: str) -> str:
    return str((10 - _weighted(twelve, _CORP_WEIGHTS) % 10) % 10)


def brn_check_digit(nine: str) -> str:
    total = _weighted(nine, _BRN_WEIGHTS) + (int(nine[8]) * 5) // 10
    return str((10 - total % 10) % 10)


def luhn_check_digit(partial: str) -> str:
    for d in "0123456789":
        if luhn_ok(partial + d):
            return d
    raise AssertionError("unreachable")
