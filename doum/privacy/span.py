"""A detected piece of personal data, and overlap resolution between detections."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple

from doum.privacy.types import PiiType


class PiiSpan(NamedTuple):
    """``text[start:end]`` (Python character offsets) is personal data of ``type``.

    ``score`` is a confidence in (0, 1]; ``reason`` says briefly why (checksum, context
    word, format) and never contains the value itself.

    An immutable named tuple rather than a frozen dataclass: one is built per candidate,
    and a frozen dataclass costs about three times as much to build.
    """

    type: PiiType
    start: int
    end: int
    text: str
    score: float
    reason: str
    recogniser: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 3),
        }


_start = itemgetter(1)  # PiiSpan.start


def resolve_overlaps(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Keep non-overlapping spans, preferring the highest score, then the longest.

    Returns the kept spans in text order.
    """
    in_order = sorted(spans, key=_start)
    if all(a.end <= b.start for a, b in pairwise(in_order)):
        return in_order  # the common case: nothing overlaps
    ordered = sorted(in_order, key=lambda s: (-s.score, -(s.end - s.start), s.start))
    starts: list[int] = []
    kept: list[PiiSpan] = []
    for span in ordered:
        i = bisect_left(starts, span.start)
        if i > 0 and kept[i - 1].end > span.start:
            continue
        if i < len(kept) and kept[i].start < span.end:
            continue
        starts.insert(i, span.start)
        kept.insert(i, span)
    return kept
