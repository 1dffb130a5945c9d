"""Citations: what a search hit points to, how it is labelled, and what to warn about."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from doum.messages import message_for

SNIPPET_CHARS = 240


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a passage comes from, precise enough to open the source at that place."""

    document_id: str
    chunk_id: str
    kb_id: str
    title: str
    """The document's title (for statutes, the 법령명)."""
    label: str
    """"행정기본법 제2조(정의) 제1항" or "업무편람 > 2. 민원 > 2.1 접수 (12쪽)"."""
    law: str = ""
    chapter: str = ""
    article: str = ""
    article_title: str = ""
    paragraph: str = ""
    page: int | None = None
    heading_path: tuple[str, ...] = ()
    effective_date: str = ""
    legal_status: str = ""
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()
    """(start, end) character offsets in ``snippet`` of the query's terms."""
    flags: tuple[str, ...] = ()
    """Message codes: ``retrieval.future_effective``, ``retrieval.not_in_force``."""
    flag_messages: tuple[str, ...] = field(default=())

    @property
    def anchor(self) -> str:
        """Fragment that opens the document at this passage: ``#chunk-<id>``."""
        return f"chunk-{self.chunk_id}"


def paragraph_label(paragraph: str) -> str:
    if not paragraph:
        return ""
    if "-" in paragraph:
        first, last = paragraph.split("-", 1)
        return f"제{first}항~제{last}항"
    return f"제{paragraph}항"


def citation_label(
    *,
    title: str,
    article: str,
    article_title: str,
    paragraph: str,
    heading_path: list[str] | tuple[str, ...],
    page: int | None,
    law: str = "",
) -> str:
    if article:
        head = f"{law or title} {article}" + (f"({article_title})" if article_title else "")
        para = paragraph_label(paragraph)
        return f"{head} {para}".strip()
    parts = [title, *[p for p in heading_path if p and p != title]]
    label = " > ".join(p for p in parts if p)
    return f"{label} ({page}쪽)" if page else label


def legal_flags(
    effective_date: str, legal_status: str, today: dt.date | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Warnings for an article not in force: 시행일자 in the future, or 상태 other than 시행."""
    today = today or dt.date.today()
    codes: list[str] = []
    messages: list[str] = []
    if effective_date:
        try:
            if dt.date.fromisoformat(effective_date) > today:
                codes.append("retrieval.future_effective")
                messages.append(message_for("retrieval.future_effective", date=effective_date))
        except ValueError:
            pass
    if legal_status and legal_status != "시행":
        codes.append("retrieval.not_in_force")
        messages.append(message_for("retrieval.not_in_force", status=legal_status))
    return tuple(codes), tuple(messages)


def make_snippet(
    text: str, needles: list[str], size: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of ``text`` with the most needle matches, and the matches' offsets."""
    flat = re.sub(r"\s+", " ", text).strip()
    lowered = flat.lower()
    positions: list[tuple[int, int]] = []
    for needle in {n.lower() for n in needles if len(n) >= 2 or n.isdigit()}:
        start = lowered.find(needle)
        while start != -1:
            positions.append((start, start + len(needle)))
            start = lowered.find(needle, start + 1)
    positions.sort()
    begin = 0
    if positions and len(flat) > size:
        best, best_count = positions[0][0], 0
        for start, _ in positions:
            count = sum(1 for s, _ in positions if start <= s < start + size)
            if count > best_count:
                best, best_count = start, count
        begin = max(0, min(best - 40, len(flat) - size))
    end = min(len(flat), begin + size)
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(flat) else ""
    snippet = prefix + flat[begin:end] + suffix
    shift = len(prefix) - begin
    marks: list[tuple[int, int]] = []
    for s, e in positions:
        if s >= begin and e <= end and not (marks and s < marks[-1][1]):
            marks.append((s + shift, e + shift))
    return snippet, tuple(marks)
