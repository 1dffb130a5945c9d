"""The :class:`Recogniser` protocol every PII recogniser implements, and shared helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

# Hyphen-like characters people (and word processors) put between digit groups.
HYPHENS = "-‐‑‒–—−－"
HYPHEN = "[" + HYPHENS + "]"


@runtime_checkable
class Recogniser(Protocol):
    """Finds spans of personal data in a text.

    ``find`` returns candidate spans (they may overlap; the detector resolves overlaps).
    Offsets are Python character offsets into ``text``.
    """

    name: str
    types: frozenset[PiiType]

    def find(self, text: str) -> Iterable[PiiSpan]: ...


@runtime_checkable
class ContextRecogniser(Recogniser, Protocol):
    """A recogniser that also reads what the others found (a name is a name because a
    phone number follows it; a word the rules decided need not be analysed again). The
    detector calls ``find_near`` instead of ``find``, after the plain recognisers, with
    all candidate spans so far (before score and type filtering); ``find`` alone works
    as with no other spans."""

    def find_near(self, text: str, spans: Sequence[PiiSpan]) -> Iterable[PiiSpan]: ...


def keyword_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One compiled trie of literal words (ASCII words also in lower and upper case).

    A trie instead of a case-insensitive alternation, starting with literal characters
    so that the regex engine skips from one possible first character to the next."""
    variants: set[str] = set()
    for word in words:
        variants.add(word)
        if word.isascii():
            variants.update({word.lower(), word.upper(), word.capitalize()})
    return re.compile(trie_pattern(variants, lookahead=False))


def has_context(
    text: str, start: int, end: int, words: re.Pattern[str], before: int = 20, after: int = 0
) -> bool:
    """Whether one of ``words`` occurs within ``before`` characters before the span
    (or ``after`` characters after it)."""
    if words.search(text, max(0, start - before), start):
        return True
    return bool(after and words.search(text, end, min(len(text), end + after)))


def is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def glued_left(text: str, start: int) -> bool:
    """Whether the token at ``start`` continues a longer one to its left ("A123",
    "12.34", "AB-1234"), so that it is not a number of its own."""
    if not start:
        return False
    prev = text[start - 1]
    if prev.isdecimal() or is_ascii_alnum(prev):
        return True
    if prev in "._" or prev in HYPHENS:
        return start >= 2 and (text[start - 2].isdecimal() or is_ascii_alnum(text[start - 2]))
    return False


def only_digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdecimal())


def trie_pattern(words: Iterable[str], *, lookahead: bool = True) -> str:
    """A regex alternation of literal ``words`` shaped as a trie.

    With ``lookahead`` it is preceded by a lookahead on the words' first characters, so a
    failing position costs one character-class test when the trie sits in the middle of a
    pattern. A pattern that *starts* with the trie must not have it: a leading lookahead
    hides the first characters from the regex engine, which then tries every position
    instead of skipping to the next possible first character."""
    words = list(words)
    branches = trie_branches(words)
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if not lookahead:
        return body
    first = "".join(sorted({re.escape(w[0]) for w in words if w}))
    return f"(?=[{first}])" + body


def trie_branches(words: Iterable[str]) -> list[str]:
    """The top-level alternatives of the trie of ``words``, one per first character.

    Each alternative starts with a literal character, so ``"|".join(...)`` (optionally
    with more literal-first alternatives) lets the regex engine skip ahead to a possible
    first character in C."""
    unique = sorted({w for w in words if w})
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in unique:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        optional = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?"
        return body

    return [re.escape(ch) + render(child) for ch, child in sorted(trie.items())]
