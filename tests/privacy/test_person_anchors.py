"""The name recogniser only tries its pattern near title and label words found by one scan
of the reversed text. That must never lose a name: compared here with trying every
position, on the labelled sets and on generated text dense in titles, labels and names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doum.privacy.evaluation import load_examples
from doum.privacy.recognisers import person
from doum.privacy.recognisers.korean_names import LABELS_BEFORE, TITLES_AFTER
from doum.privacy.recognisers.person import PersonRecogniser

DATA = Path(__file__).parent / "data"
PIECES = [
    *TITLES_AFTER,
    *LABELS_BEFORE,
    *"김이박최정남궁황보민서지현수영준우",
    "홍길동",
    "김민민",
    "남궁민수",
    "이영희",
    "주차장",
    "외",
    "군",
    "양",
]
SEPARATORS = ["", "", " ", "  ", ": ", ", ", "(", ")", "\n", "·", " 및 ", "1", "은", "님"]


def _everywhere(monkeypatch: pytest.MonkeyPatch, text: str) -> list[tuple[int, int, str]]:
    monkeypatch.setattr(person, "_candidates", lambda t: list(range(len(t) + 1)))
    found = [(s.start, s.end, s.reason) for s in PersonRecogniser().find(text)]
    monkeypatch.undo()
    return found


def _anchored(text: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.reason) for s in PersonRecogniser().find(text)]


def test_labelled_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("pii_dev.jsonl", "pii_challenge.jsonl"):
        for example in load_examples(DATA / name):
            assert _anchored(example.text) == _everywhere(monkeypatch, example.text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=14))
def test_generated_text(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + sep for piece, sep in parts)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _anchored(text) == _everywhere(monkeypatch, text)
