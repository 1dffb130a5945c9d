"""Checking a grounded answer's [n] markers against the passages it was given."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from doum.messages import message_for
from doum.retrieval.search import SearchHit

_MARKER = re.compile(r"\[(\d{1,2})\]")
_SENTENCE = re.compile(r"[^.!?。\n]+[.!?。]?")
WEAK_OVERLAP = 0.2
"""Below this share of a sentence's words found in its cited passage, the citation is
flagged for a human to check."""


def check_markers(
    answer: str,
    hits: Sequence[SearchHit],
    *,
    terms: Callable[[str], list[str]] | None = None,
) -> dict[str, Any]:
    """Which [n] markers the answer uses, which point to no passage, and which sit on a
    sentence that shares almost no words with the passage it cites (a hint to check the
    source, not proof). ``terms`` is a text → index terms function (the search analyzer)."""
    count = len(hits)
    cited: list[int] = []
    unknown: list[int] = []
    weak: list[int] = []
    passage_terms: dict[int, set[str]] = {}
    for match in _SENTENCE.finditer(answer):
        sentence = match.group()
        markers = [int(m) for m in _MARKER.findall(sentence)]
        if not markers:
            continue
        words = set(terms(_MARKER.sub(" ", sentence))) if terms else set()
        for marker in markers:
            if not 1 <= marker <= count:
                if marker not in unknown:
                    unknown.append(marker)
                continue
            if marker not in cited:
                cited.append(marker)
            if terms is None or len(words) < 3:
                continue
            if marker not in passage_terms:
                hit = hits[marker - 1]
                passage_terms[marker] = set(terms(f"{hit.heading}\n{hit.text}"))
            overlap = len(words & passage_terms[marker]) / len(words)
            if overlap < WEAK_OVERLAP and marker not in weak:
                weak.append(marker)
    notices = [message_for("grounding.marker_unknown", marker=m) for m in unknown]
    notices += [message_for("grounding.marker_weak", marker=m) for m in weak]
    if count and not cited and answer.strip():
        notices.append(message_for("grounding.uncited"))
    return {
        "cited": sorted(cited),
        "cited_chunk_ids": [hits[m - 1].chunk_id for m in sorted(cited)],
        "unknown_markers": unknown,
        "weak_markers": weak,
        "notices": notices,
    }
