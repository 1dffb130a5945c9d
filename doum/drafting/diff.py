"""Changes between a text and a proposed rewrite, as hunks a person accepts or rejects
one by one (the proofreading view).

Text is compared word by word (runs of letters/digits, runs of spaces, single
punctuation marks), so a spacing fix "할수 있다" → "할 수 있다" is one small hunk. Each
hunk records where it sits in the original, so applying any subset is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

_TOKEN_RE = re.compile(r"[0-9A-Za-z가-힣ㄱ-ㅎㅏ-ㅣ]+|[ \t]+|\n|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, tokens(a), tokens(b), autojunk=False).ratio()


def _word(token: str) -> bool:
    return bool(token.strip())


def _ranges(a: list[str], b: list[str]) -> list[list[int]]:
    """Changed token ranges, widened to whole words and merged when they touch."""
    ranges: list[list[int]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        while i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1] and _word(a[i1 - 1]):
            i1, j1 = i1 - 1, j1 - 1
        while i2 < len(a) and j2 < len(b) and a[i2] == b[j2] and _word(a[i2]):
            i2, j2 = i2 + 1, j2 + 1
        if ranges and i1 <= ranges[-1][1] and j1 <= ranges[-1][3]:
            ranges[-1][1] = max(ranges[-1][1], i2)
            ranges[-1][3] = max(ranges[-1][3], j2)
        else:
            ranges.append([i1, i2, j1, j2])
    return ranges


def hunks(before: str, after: str) -> list[dict[str, Any]]:
    """The changes from ``before`` to ``after``, word by word, in order."""
    a, b = tokens(before), tokens(after)
    offsets = [0]
    for token in a:
        offsets.append(offsets[-1] + len(token))
    out = []
    for n, (i1, i2, j1, j2) in enumerate(_ranges(a, b), start=1):
        start, end = offsets[i1], offsets[i2]
        out.append(
            {
                "id": n,
                "start": start,
                "end": end,
                "before": "".join(a[i1:i2]),
                "after": "".join(b[j1:j2]),
                "reason": "",
                "source": "model",
                "context": before[max(0, start - 20) : start],
            }
        )
    return out


def apply(before: str, changes: Iterable[dict[str, Any]], accepted: Iterable[int]) -> str:
    """``before`` with the accepted hunks applied (the others rejected)."""
    chosen = set(accepted)
    out: list[str] = []
    position = 0
    for hunk in sorted(changes, key=lambda h: h["start"]):
        if hunk["id"] not in chosen:
            continue
        out.append(before[position : hunk["start"]])
        out.append(hunk["after"])
        position = hunk["end"]
    out.append(before[position:])
    return "".join(out)
