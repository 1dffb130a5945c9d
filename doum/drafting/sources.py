"""Choosing the source passages a draft is grounded on.

Attached files are cut into passages along their structure and ranked by how much of
the form's text they share (Hangul character bigrams, which need no morphology); the
best ones that fit the token budget are kept in document order. Knowledge-base hits
come ranked from the search service. Every passage is numbered [1], [2] … for the
model to cite.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from doum.drafting.knowledge import Passage
from doum.drafting.structure import split_sections

MAX_PASSAGE_CHARS = 1200
_WORD_RE = re.compile(r"[0-9A-Za-z가-힣]+")


def bigrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in _WORD_RE.findall(text.lower()):
        if len(word) == 1:
            grams[word] += 1
        for i in range(len(word) - 1):
            grams[word[i : i + 2]] += 1
    return grams


def overlap(query: Counter[str], text: str) -> float:
    if not query:
        return 0.0
    grams = bigrams(text)
    shared = sum(min(count, grams[g]) for g, count in query.items())
    return shared / (sum(query.values()) ** 0.5 * (sum(grams.values()) or 1) ** 0.5)


@dataclass(frozen=True, slots=True)
class AttachmentText:
    id: str
    filename: str
    text: str
    data_class: str


def attachment_passages(attachment: AttachmentText) -> list[Passage]:
    """The attachment cut at its headings, long sections into paragraph windows."""
    out: list[Passage] = []
    for section in split_sections(attachment.text):
        if not section.body.strip():
            continue
        label = (
            f"{attachment.filename} > {section.label}" if section.heading else attachment.filename
        )
        for piece in _windows(section.body):
            out.append(
                Passage(
                    kind="attachment",
                    label=label,
                    text=(f"{section.heading}\n{piece}" if section.heading else piece),
                    data_class=attachment.data_class,
                    ref={"attachment_id": attachment.id, "section": section.label},
                )
            )
    return out


def _windows(body: str) -> Iterable[str]:
    current: list[str] = []
    size = 0
    for paragraph in re.split(r"\n(?=\S)", body):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        while len(paragraph) > MAX_PASSAGE_CHARS:
            if current:
                yield "\n".join(current)
                current, size = [], 0
            yield paragraph[:MAX_PASSAGE_CHARS]
            paragraph = paragraph[MAX_PASSAGE_CHARS:]
        if size + len(paragraph) > MAX_PASSAGE_CHARS and current:
            yield "\n".join(current)
            current, size = [], 0
        current.append(paragraph)
        size += len(paragraph) + 1
    if current:
        yield "\n".join(current)


def select_passages(
    candidates: Sequence[Passage],
    *,
    query: str,
    budget_tokens: int,
    count: Callable[[str], int],
) -> list[Passage]:
    """The most relevant passages that fit ``budget_tokens``, in their original order."""
    wanted = bigrams(query)
    ranked = sorted(range(len(candidates)), key=lambda i: (-overlap(wanted, candidates[i].text), i))
    chosen: list[int] = []
    spent = 0
    for index in ranked:
        cost = count(candidates[index].label + candidates[index].text) + 6
        if spent + cost > budget_tokens:
            continue
        chosen.append(index)
        spent += cost
    return [candidates[i] for i in sorted(chosen)]


def fit_knowledge(
    hits: Sequence[Passage], *, budget_tokens: int, count: Callable[[str], int]
) -> list[Passage]:
    """Search hits, best first, while they fit."""
    kept: list[Passage] = []
    spent = 0
    for hit in hits:
        cost = count(hit.label + hit.text) + 6
        if spent + cost > budget_tokens:
            continue
        kept.append(hit)
        spent += cost
    return kept


def number_sources(passages: Sequence[Passage]) -> list[dict[str, object]]:
    """The passages as stored with a draft and shown to the user: ``n`` is the [n]."""
    return [
        {
            "n": n,
            "kind": p.kind,
            "label": p.label,
            "text": p.text,
            "data_class": p.data_class,
            "ref": dict(p.ref),
            "notes": list(p.notes),
        }
        for n, p in enumerate(passages, start=1)
    ]
