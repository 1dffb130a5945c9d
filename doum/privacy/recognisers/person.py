"""사람 이름: a Korean surname + given name next to a title ("홍길동 주무관", "김민수님")
or after a label ("성명: 홍길동", "민원인 홍길동은", "참석자: 김철수, 이영희").

Names are recall-first (the issue asks for it): a three-syllable candidate next to a title
or label scores 0.85; a two-syllable one 0.6 unless it is a common word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from doum.privacy.recognisers.base import trie_branches, trie_pattern
from doum.privacy.recognisers.korean_names import (
    GIVEN_SYLLABLES,
    LABELS_BEFORE,
    NOT_NAME_ENDINGS,
    NOT_NAMES,
    SURNAMES_1,
    SURNAMES_2,
    TITLES_AFTER,
)
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

SURNAME_SET = frozenset(SURNAMES_1) | frozenset(SURNAMES_2)
_SURNAME_CHARS = "".join(sorted(set(SURNAMES_1) | {s[0] for s in SURNAMES_2}))
_TITLES = trie_pattern(t for t in TITLES_AFTER if t not in ("군", "양", "외"))
_LABELS = trie_pattern(LABELS_BEFORE)
_FIRST = "".join(sorted(set(_SURNAME_CHARS) | {w[0] for w in LABELS_BEFORE}))
# One scan, tried only at a non-Hangul character (a word start) followed by a surname or
# label syllable. The text is scanned with one space in front, so position 0 is a start.
#   label + name: "성명: 홍길동", "민원인 홍길동은", "참석자: 김철수, 이영희"
#   name + title: "홍길동 주무관", "김민수님께", "이영희 군은", "홍길동 외 2명"
# What follows a label or a name is only looked at (lookahead), never consumed, so a
# rejected candidate does not hide the next one ("담당(성명: 김민민", "민원 민원인 김민민").
# The given name is lazy: the shortest name followed by a title wins ("김민민님 주민").
PATTERN = re.compile(
    rf"[^가-힣](?=[{_FIRST}])(?:"
    rf"{_LABELS}(?=(?:\s?{_LABELS})?\s*(?:[:：]\s*|\s|\(\s*)(?P<run>[가-힣]{{2,6}}))"
    rf"|(?P<name>[{_SURNAME_CHARS}][가-힣]{{1,3}}?)"
    rf"(?=\s?{_TITLES}|\s(?:군|양)(?![가-힣]{{2}})|\s외(?=\s|\d)))"
)
# Where a match of PATTERN can be: every one needs a label (at the word start) or a title
# (2-5 characters after it). Anchors are searched in the *reversed* text: the last
# syllables of titles and labels (장, 사, 관, 자, 인 …) are rarer than their first ones, and
# a pattern that starts with literal characters lets the regex engine skip the rest of
# the text in C. 군/양/외 count only after a space (and 외 before a space or digit).
# The engine tries the alternatives in order, so those starting with frequent syllables
# (in Korean text generally) come first.
_ANCHOR_WORDS = [w for w in (*TITLES_AFTER, *LABELS_BEFORE) if w not in ("군", "양", "외")]
_FREQUENT = "이다는의에하고을가로한지서리기사자대도어일시아정수인나적주해보장전상부제성구과원관"
ANCHORS = re.compile(
    "|".join(
        [
            *sorted(
                trie_branches(w[::-1] for w in _ANCHOR_WORDS),
                key=lambda branch: _FREQUENT.find(branch[0]) % (len(_FREQUENT) + 1),
            ),
            r"군(?<![가-힣]{2}군)\s",
            r"양(?<![가-힣]{2}양)\s",
            r"외(?<=[\s\d]외)\s",
        ]
    )
)
# A match of PATTERN at word start p needs an anchor starting at p (a label) or 2-5
# characters after p (a title); an anchor can also hide inside a longer one found by the
# reversed scan (its end then falls inside that one). Positions from the anchor's start
# minus this much (a name of up to four syllables, a space and the character before it)
# up to its end cover all of them.
_ANCHOR_REACH = 6
# Where PATTERN can start: a non-Hangul character before a surname or label syllable.
_WORD_START = re.compile(rf"[^가-힣](?=[{_FIRST}])")
LIST_NEXT = re.compile(r"\s*(?:[,，、·ㆍ/]|\s및)\s*(?P<run>[가-힣]{2,6})")
PARTICLES = tuple(
    sorted(
        (
            "에게서",
            "에게",
            "께서",
            "으로",
            "이랑",
            "하고",
            "이며",
            "이고",
            "입니다",
            "이다",
            "님께",
            "님의",
            "님이",
            "님은",
            "님",
            "씨",
            "씨는",
            "씨가",
            "씨의",
            "은",
            "는",
            "이",
            "가",
            "을",
            "를",
            "의",
            "께",
            "와",
            "과",
            "도",
            "로",
            "에",
            "만",
            "외",
            "님과",
        ),
        key=len,
        reverse=True,
    )
)
_PARTICLE_SET = frozenset(PARTICLES)


# Final syllables that are particles, never the end of a name ("조례는", "사례를").
_PARTICLE_ENDINGS = frozenset("는를을에의와께")


def plausible_name(name: str) -> bool:
    if len(name) < 2 or len(name) > 4 or name in NOT_NAMES or name[-1] in NOT_NAME_ENDINGS:
        return False
    if len(name) >= 3 and name[-1] in _PARTICLE_ENDINGS:
        return False
    if name[:2] in SURNAMES_2:
        return len(name) >= 3
    return name[0] in SURNAME_SET and (len(name) <= 3)


def name_score(name: str) -> float:
    return 0.6 if len(name) == 2 else 0.85


def split_name(run: str) -> str | None:
    """The name at the start of a Hangul run followed by nothing, a particle or title."""
    for size in (3, 2, 4):
        if size > len(run):
            continue
        name, rest = run[:size], run[size:]
        if not plausible_name(name):
            continue
        if not rest or rest in _PARTICLE_SET or rest.startswith(TITLE_PREFIXES):
            return name
    return None


TITLE_PREFIXES = (*tuple(t for t in TITLES_AFTER if len(t) >= 2), "님", "씨")


_TITLE_AT = re.compile(_TITLES)
# Common words that end in a title: "부설주차장" is no 부설주 + 차장.
_COMPOUND_TITLES = ("주차장",)


def _glued_compound(padded: str, end: int, name: str) -> bool:
    """Whether a candidate written together with a title of two or more syllables looks
    like a compound noun rather than a name (부설주차장, 감염병환자, 위촉위원, 부위원장):
    a two-syllable candidate, or one whose given name is not made of given-name
    syllables. ("홍길동님", "김민수씨" and "홍길동 과장" are not affected.)"""
    title = _TITLE_AT.match(padded, end)
    if title is None or len(title.group()) < 2:
        return False
    if padded.startswith(_COMPOUND_TITLES, end - 1):
        return True
    given = name[2:] if name[:2] in SURNAMES_2 else name[1:]
    return len(name) == 2 or not all(ch in GIVEN_SYLLABLES for ch in given)


class PersonRecogniser:
    """Rule-based Korean names with context (no model)."""

    name = "person"
    types = frozenset({PiiType.PERSON})

    def find(self, text: str) -> Iterator[PiiSpan]:
        padded = " " + text
        last = 0
        for start in _candidates(text):
            if start < last:
                continue  # inside the previous match, as a left-to-right scan would be
            m = PATTERN.match(padded, start)
            if m is None:
                continue
            last = m.end()
            run = m.group("run")
            if run is not None:
                yield from self._labelled(text, m.start("run") - 1, run)
                continue
            name = m.group("name")
            if plausible_name(name) and not _glued_compound(padded, m.end("name"), name):
                s = m.start("name") - 1
                yield PiiSpan(
                    PiiType.PERSON,
                    s,
                    s + len(name),
                    name,
                    name_score(name),
                    "성씨 + 호칭",
                    self.name,
                )

    def _labelled(self, text: str, start: int, run: str) -> Iterator[PiiSpan]:
        while True:
            name = split_name(run)
            if name is None:
                return
            yield PiiSpan(
                PiiType.PERSON,
                start,
                start + len(name),
                name,
                min(0.9, name_score(name) + 0.05),
                "이름 항목·문맥",
                self.name,
            )
            nxt = LIST_NEXT.match(text, start + len(run))
            if nxt is None:
                return
            start, run = nxt.start("run"), nxt.group("run")


def _candidates(text: str) -> list[int]:
    """Positions in ``" " + text`` where PATTERN may match (a superset, in order): word
    starts near a title or label anchor. Usually there is none, and nothing else is done."""
    n = len(text)
    windows: list[tuple[int, int]] = []
    for m in ANCHORS.finditer(text[::-1]):  # from the end of the text backwards
        lo, hi = max(0, n - m.end() - _ANCHOR_REACH), n - m.start() + 1
        if windows and windows[-1][0] <= hi:
            windows[-1] = (lo, windows[-1][1])
        else:
            windows.append((lo, hi))
    if not windows:
        return []
    padded = " " + text
    return [m.start() for lo, hi in reversed(windows) for m in _WORD_START.finditer(padded, lo, hi)]
