"""Typed placeholders (``<이름_1>``) and a tolerant pattern that also finds the small
manglings models make: spaces inside, full-width or other angle brackets, a missing
bracket pair (``이름_1``), a full-width underscore."""

from __future__ import annotations

import re
from functools import lru_cache

from doum.privacy.types import PiiType

OPEN = "<＜〈《‹"
CLOSE = ">＞〉》›"
UNDERSCORE = "_＿"


def placeholder(label: str, number: int) -> str:
    return f"<{label}_{number}>"


def _labels_alternation() -> str:
    labels = sorted((t.label for t in PiiType), key=len, reverse=True)
    return "|".join(re.escape(label) for label in labels)


@lru_cache(maxsize=1)
def tolerant_pattern() -> re.Pattern[str]:
    """Groups ``label`` and ``n``. Bracketed forms allow one space around each part;
    the bare form (``이름_1``) needs the underscore and must not be glued to a word."""
    labels = _labels_alternation()
    return re.compile(
        rf"[{OPEN}] ?(?P<label>{labels}) ?[{UNDERSCORE}] ?(?P<n>\d{{1,5}}) ?[{CLOSE}]"
        rf"|(?<![\w{OPEN}])(?P<bare_label>{labels})[{UNDERSCORE}](?P<bare_n>\d{{1,5}})(?!\d)"
    )


@lru_cache(maxsize=1)
def _prefix_pattern() -> re.Pattern[str]:
    """Matches (fully) any proper prefix of a placeholder that could still complete."""

    def prefixes(word: str) -> str:
        # "이름" -> "(?:이(?:름)?)?" : every prefix of the word, including the empty one.
        out = ""
        for ch in reversed(word):
            out = f"(?:{re.escape(ch)}{out})?"
        return out

    labels = sorted({t.label for t in PiiType}, key=len, reverse=True)
    full = "|".join(re.escape(label) for label in labels)
    partial = "|".join(prefixes(label) for label in labels)
    rest = rf"(?: ?[{UNDERSCORE}](?: ?\d{{1,5}} ?)?)?"
    return re.compile(
        rf"[{OPEN}] ?(?:(?:{full}) ?{rest}|{partial})"  # "<", "<이", "<이름_", "<이름_1"
        rf"|(?:{full})(?:[{UNDERSCORE}]\d{{0,5}})?"  # bare "이름", "이름_", "이름_1" (…digits)
        rf"|(?:{partial})"  # a bare label's start: "이"
    )


def holdback_start(text: str, max_len: int = 16) -> int:
    """Index from which ``text`` must be held back because its tail could be the start of
    a placeholder that the next chunk completes; ``len(text)`` when nothing need wait."""
    prefix = _prefix_pattern()
    first = max(0, len(text) - max_len)
    first_chars = _first_chars()
    for i in range(first, len(text)):
        if text[i] in first_chars and prefix.fullmatch(text, i):
            return i
    return len(text)


@lru_cache(maxsize=1)
def _first_chars() -> frozenset[str]:
    return frozenset(OPEN) | frozenset(t.label[0] for t in PiiType)
