"""Recall aid for names with no title or label ("어제 권소예가 민원실에 와서"), using the
kiwipiepy morphological analyser, and only where the rules have not decided already.

Kiwi analyses text at about 0.1 MB/s, far too slow to run over every message sent to an
external model. So it never sees the whole text, only *candidate words*: a Hangul word
at a word start that is a full name (surname + two common given-name syllables, or a
two-syllable surname + two) followed by nothing or a particle — and not inside a span
the rules found, a place, or a common word plus one syllable. Each candidate word is
analysed alone and the verdict is cached per word, so repeated text (earlier turns of a
conversation, retrieved chunks) costs a dictionary lookup. The analyser says a name when:

* one proper noun (NNP), or one noun it does not know (out of vocabulary), spans the
  name — score 0.6 / 0.55; or
* a one- or two-syllable NNP surname is followed by short pieces up to the name's end
  ("최/NNP 민 석") — score 0.5,

and what follows is a particle, the copula or an ending. A known common noun ("배수지",
a reservoir) is not a name.

Kiwi ships its model in the ``kiwipiepy_model`` package (no download); loading and the
first analysis take a few seconds, once per process, lazily and thread-safely (or ahead of
time with :meth:`KiwiPersonRecogniser.warm_up`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from doum.privacy.recognisers.korean_names import (
    GIVEN_SYLLABLES,
    NOT_NAMES,
    SURNAMES_2,
    TITLES_AFTER,
)
from doum.privacy.recognisers.korean_places import PLACE_STEMS
from doum.privacy.recognisers.person import PARTICLES, SURNAME_SET, plausible_name
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_tokenize_lock = threading.Lock()
_kiwi: Any = None

# A Hangul word at a word start (not glued to a number: "제2호서식") whose first syllable is
# a surname.
_WORD = re.compile(
    "(?<![가-힣0-9])[" + "".join(sorted(SURNAME_SET | {s[0] for s in SURNAMES_2})) + "][가-힣]{1,9}"
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# What may follow a name inside its word: particles, the copula, a few endings.
_AFTER_NAME = frozenset(
    {
        *PARTICLES,
        *"이가은는을를의도만와과랑께",
        *_words(
            """
            에게서 한테 이랑 이나 이든 이며 이고 이다 이야 이요 이에요 이예요 입니다 이었다 이었고
            이라는 이라고 이라며 이란 라는 라고 뿐 뿐이다 뿐이었다 까지 부터 처럼 보다 조차 씨
            """
        ),
    }
)
_FOLLOWING_TAGS = ("J", "VCP", "XSN", "E")
TITLES = frozenset(TITLES_AFTER)
CACHE_SIZE = 65_536


def kiwi() -> Any:
    """The shared Kiwi analyser (loaded on first use)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                analyser = Kiwi()
                analyser.tokenize("준비")  # the first analysis initialises the model (seconds)
                _kiwi = analyser
                logger.info("kiwi analyser loaded", extra={"component": "privacy"})
    return _kiwi


def candidate_size(word: str, *, short: bool = False) -> int:
    """Length of the name a word may start with (0: none worth asking Kiwi about).

    ``short`` also allows a surname + one syllable (scored below the default minimum)."""
    sizes = (4,) if word[:2] in SURNAMES_2 else (3, 2) if short else (3,)
    for size in sizes:
        if len(word) < size:
            continue
        name, rest = word[:size], word[size:]
        if rest and rest not in _AFTER_NAME:
            continue
        given = name[2:] if size == 4 else name[1:]
        if not all(ch in GIVEN_SYLLABLES for ch in given) or given in TITLES:
            continue  # 감염병, 형간염; 조교수 (surname + title)
        if not plausible_name(name) or name in PLACE_STEMS or name in NOT_NAMES:
            continue
        if size == 3 and (name[:2] in NOT_NAMES or name[:2] in PLACE_STEMS):
            continue  # a common word plus one syllable: 보건소, 강남구
        return size
    return 0


@lru_cache(maxsize=CACHE_SIZE)
def verdict(word: str, size: int) -> float:
    """Kiwi's score for ``word[:size]`` being a name (0.0: not one). Cached per word."""
    tokens = _tokenize(word)
    cover: list[Any] = []
    rest: list[Any] = []
    for token in tokens:
        (cover if token.start < size else rest).append(token)
    if not cover or cover[-1].start + cover[-1].len != size:
        return 0.0  # the analysis does not end where the name would
    if rest and not rest[0].tag.startswith(_FOLLOWING_TAGS):
        return 0.0
    first = cover[0]
    if len(cover) == 1:
        if first.tag == "NNP":
            return 0.6 if size >= 3 else 0.4
        if first.tag == "NNG" and first.oov and not (size == 3 and _known_noun(word[:2])):
            # a noun the analyser does not know — but not a common noun it knows + one
            # syllable, a compound it has not seen (공유림, 지평식, 장학상)
            return 0.55 if size >= 3 else 0.4
        return 0.0
    # a surname (or surname + one syllable) the analyser knows, then short pieces
    pieces_ok = all(t.len <= 2 and t.tag in ("NNG", "NNP", "NNB", "XSN") for t in cover[1:])
    if first.tag == "NNP" and first.len <= 2 and pieces_ok and size >= 3:
        return 0.5
    return 0.0


def _tokenize(text: str) -> list[Any]:
    with _tokenize_lock:  # one analysis at a time: we do not rely on Kiwi being thread-safe
        return list(kiwi().tokenize(text))


def _known_noun(text: str) -> bool:
    """A common noun the analyser knows (지정, 공유, 범위). Not a proper noun: the first
    two syllables of a name often are one (강민, 조은, 정은)."""
    tokens = _tokenize(text)
    return len(tokens) == 1 and tokens[0].tag == "NNG" and not tokens[0].oov


class KiwiPersonRecogniser:
    """Names Kiwi recognises among candidate words the rules left undecided."""

    name = "kiwi_person"
    types = frozenset({PiiType.PERSON})

    def __init__(self, *, short_names: bool = False) -> None:
        self.short_names = short_names

    def warm_up(self) -> None:
        """Load the analyser now (a few seconds) rather than on the first candidate."""
        kiwi()

    def find(self, text: str) -> Iterator[PiiSpan]:
        return self.find_near(text, ())

    def find_near(self, text: str, spans: Sequence[PiiSpan]) -> Iterator[PiiSpan]:
        decided = sorted((s.start, s.end) for s in spans)
        for m in _WORD.finditer(text):
            start, word = m.start(), m.group()
            size = candidate_size(word, short=self.short_names)
            if not size or _inside(decided, start, start + size):
                continue
            score = verdict(word, size)
            if score > 0.0:
                yield PiiSpan(
                    PiiType.PERSON,
                    start,
                    start + size,
                    word[:size],
                    score,
                    "형태소 분석: 이름으로 보이는 고유명사",
                    self.name,
                )


def _inside(decided: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a span the rules found (few: a linear scan)."""
    return any(s < end and start < e for s, e in decided)
