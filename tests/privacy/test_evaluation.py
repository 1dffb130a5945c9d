"""The labelled dev set (tests/privacy/data/pii_dev.jsonl) and minimum quality bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from doum.privacy.detector import PiiDetector
from doum.privacy.evaluation import Example, doum_predictor, evaluate, load_examples
from doum.privacy.types import PiiType

DEV = Path(__file__).parent / "data" / "pii_dev.jsonl"


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples(DEV)


def test_dev_set_shape(examples: list[Example]) -> None:
    assert len(examples) >= 300
    types = {s[0] for e in examples for s in e.spans}
    assert types == {t.value for t in PiiType}
    assert sum(1 for e in examples if not e.spans) >= 100  # look-alike sentences
    for e in examples:
        for _, start, end in e.spans:
            assert 0 <= start < end <= len(e.text)


def test_rules_meet_minimum_quality(examples: list[Example]) -> None:
    report = evaluate(examples, doum_predictor(PiiDetector()))
    micro = report.micro
    assert micro.precision >= 0.97 and micro.recall >= 0.95
    for name, score in report.by_type.items():
        # strict where a check digit exists, recall-first for names and addresses
        floor = 0.9 if name in ("person", "address") else 0.97
        assert score.f1 >= floor, (name, score)


def test_evaluator_counts() -> None:
    ex = [Example("1", "홍길동 010-1234-5678", (("person", 0, 3), ("phone", 4, 17)))]
    report = evaluate(ex, lambda text: [("phone", 4, 17), ("email", 0, 3)])
    assert (report.score("phone").tp, report.score("email").fp, report.score("person").fn) == (
        1,
        1,
        1,
    )
    assert report.micro.precision == 0.5 and report.micro.recall == 0.5
    exact = evaluate(ex, lambda text: [("phone", 4, 16)], exact=True)
    assert exact.score("phone").tp == 0
    assert evaluate(ex, lambda text: [("phone", 4, 16)]).score("phone").tp == 1
