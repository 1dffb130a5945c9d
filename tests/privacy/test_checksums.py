"""Check digits against independently known examples and hand-computed cases."""

from __future__ import annotations

from datetime import date

import pytest

from doum.privacy import checksums as cs


@pytest.mark.parametrize(
    ("twelve", "expected"),
    [("900101123456", "8"), ("850315234567", "8"), ("020229312345", "9")],
)
def test_rrn_check_digit(twelve: str, expected: str) -> None:
    # (11 - Σ(d_i × 2,3,4,5,6,7,8,9,2,3,4,5) mod 11) mod 10, computed by hand
    assert cs.rrn_check_digit(twelve) == expected
    assert cs.rrn_checksum_ok(twelve + expected)
    assert not cs.rrn_checksum_ok(twelve + str((int(expected) + 1) % 10))


def test_frn_check_digit_is_resident_rule_plus_two() -> None:
    twelve = "900101512345"
    assert int(cs.frn_check_digit(twelve)) == (int(cs.rrn_check_digit(twelve)) + 2) % 10
    assert cs.frn_checksum_ok(twelve + cs.frn_check_digit(twelve))


@pytest.mark.parametrize("brn", ["2208162517", "1248100998", "1018212345"])
def test_brn_known_numbers(brn: str) -> None:
    # 220-81-62517 and 124-81-00998 are published company numbers; 101-82-12345 computed
    assert cs.brn_checksum_ok(brn) == (brn != "1018212345")


def test_brn_check_digit_round_trip() -> None:
    for nine in ("123456789", "000000000", "987654321"):
        assert cs.brn_checksum_ok(nine + cs.brn_check_digit(nine))


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("4111111111111111", True),
        ("5500000000000004", True),
        ("378282246310005", True),
        ("4111111111111112", False),
        ("1234567812345678", False),
    ],
)
def test_luhn(number: str, ok: bool) -> None:
    assert cs.luhn_ok(number) is ok


def test_corporate_check_digit() -> None:
    twelve = "110111123456"
    # weights 1,2,1,2,…: 1+2+0+2+1+2+1+4+3+8+5+12 = 41 → (10 - 1) % 10 = 9
    assert cs.corporate_check_digit(twelve) == "9"
    assert cs.corporate_checksum_ok(twelve + "9")


def test_birth_date_of_uses_century_digit() -> None:
    assert cs.birth_date_of("0001013000000") == date(2000, 1, 1)
    assert cs.birth_date_of("9001011000000") == date(1990, 1, 1)
    assert cs.birth_date_of("9002301000000") is None  # 30 February
    assert cs.birth_date_of("9901019000000") == date(1899, 1, 1)
    assert cs.birth_date_of("3001013000000") is None  # 2030: in the future
