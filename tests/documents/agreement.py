"""Text comparison used by the HWP/HWPX agreement tests and the benchmark."""

from __future__ import annotations

import re
from collections import Counter

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub("", text)


def char_f1(a: str, b: str) -> float:
    """Character-level F1 (bag of characters) after removing all whitespace."""
    ca, cb = Counter(normalise(a)), Counter(normalise(b))
    if not ca and not cb:
        return 1.0
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ca.values()), common / sum(cb.values())
    return 2 * precision * recall / (precision + recall)


def preview_segments(preview: str) -> list[str]:
    """Hancom's preview text wraps table cells in <…>; split on those and on lines."""
    return [s for part in re.split(r"[<>\r\n]", preview) if (s := normalise(part))]
