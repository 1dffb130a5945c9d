"""Statute structure: 편/장/절/관/조/항/호/목, 부칙 and 별표.

:func:`annotate_statutes` walks a document's blocks in order and, for every block that
belongs to a statute article, sets ``Block.statute`` (a :class:`StatuteRef`). Article
headings (제N조(제목)) become :attr:`BlockKind.ARTICLE` blocks; text on the same line
after the heading is split into its own paragraph.

Two modes:

* **statute file** (statute markdown, or any document with many article headings):
  everything after the first article belongs to the statute until the next heading of
  the same kind; 장/절 headings set the chapter and section.
* **quoting document** (a report that cites "제2조(정의) …"): an article context opens at
  an article heading and closes at the next heading, table, 개조식 bullet, or unmarked
  paragraph that follows the article's numbered lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from doum.documents.model import Block, BlockKind, Document, StatuteRef

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"

ARTICLE_RE = re.compile(
    r"^제\s*(\d+)\s*조(?:\s*의\s*(\d+))?\s*(?:\(([^)]{0,80})\)|【([^】]{0,80})】)?"
)
_PART_RE = re.compile(r"^제\s*(\d+)\s*(편|장|절|관)(?:\s*의\s*(\d+))?(?=\s|$|<)")
_PARAGRAPH_RE = re.compile(rf"^([{_CIRCLED}])\s*")
_ITEM_RE = re.compile(r"^(\d{1,3})(?:\s*의\s*(\d+))?\.\s*(?=\S)")
_SUBITEM_RE = re.compile(r"^([가-힣])\.\s*(?=\S)")
_SUPPLEMENTARY_RE = re.compile(r"^부\s*칙(?=\s|$|<|\()")
_APPENDIX_RE = re.compile(r"^\[?\s*(별\s*표|별\s*지)\s*(제?\s*\d+(?:\s*의\s*\d+)?\s*호?)?")
_STATUTE_FILE_MIN_ARTICLES = 5
_OTHER_KINDS = frozenset(
    {BlockKind.IMAGE, BlockKind.FOOTNOTE, BlockKind.HEADER, BlockKind.FOOTER, BlockKind.TITLE}
)


@dataclass(slots=True)
class ArticleHeading:
    article: str
    """"제2조", "제227조의2"."""
    title: str
    rest: str
    """Text after the heading on the same line."""
    heading: str
    """The heading as written, e.g. "제1조(목적)"."""


def parse_article_heading(text: str) -> ArticleHeading | None:
    """The article heading at the start of ``text``, or None when it is only a reference.

    "제2조(정의) 이 법에서…" and "제5조 삭제 <2016.1.7>" are headings; "제2조에 따라" and
    "제2조제1항" are references.
    """
    stripped = text.strip()
    match = ARTICLE_RE.match(stripped)
    if not match:
        return None
    number, branch, title, title2 = match.groups()
    title = title if title is not None else title2
    rest = stripped[match.end() :].strip()
    if title is None and rest and not rest.startswith(("삭제", "<", "[")):
        return None
    article = f"제{number}조" + (f"의{branch}" if branch else "")
    return ArticleHeading(
        article=article, title=(title or "").strip(), rest=rest, heading=stripped[: match.end()]
    )


def paragraph_number(marker: str) -> str:
    """ "①" → "1"."""
    index = _CIRCLED.find(marker)
    return str(index + 1) if index >= 0 else ""


class _Tracker:
    def __init__(self, law: str) -> None:
        self.ref = StatuteRef(law=law)
        self.in_article = False
        self.seen_marker = False

    def structural(self, text: str) -> bool:
        """Update 편/장/절/관/부칙/별표 from a heading-like line; True if it was one."""
        stripped = text.strip()
        match = _PART_RE.match(stripped)
        if match and len(stripped) <= 120:
            unit = match.group(2)
            label = re.sub(r"\s+", " ", stripped)
            if unit == "편":
                self.ref = replace(self.ref, part=label, chapter="", section="")
            elif unit == "장":
                self.ref = replace(self.ref, chapter=label, section="")
            else:
                self.ref = replace(self.ref, section=label)
            self._leave_article()
            return True
        if _SUPPLEMENTARY_RE.match(stripped) and len(stripped) <= 80:
            self.ref = StatuteRef(law=self.ref.law, supplementary=True)
            self._leave_article()
            return True
        match = _APPENDIX_RE.match(stripped)
        if match and len(stripped) <= 200:
            label = re.sub(r"\s+", " ", match.group(0).strip("[] "))
            self.ref = StatuteRef(law=self.ref.law, appendix=label)
            self._leave_article()
            return True
        return False

    def _leave_article(self) -> None:
        ref = self.ref
        # Called for every block outside an article; copy the ref only when it changes.
        if ref.article or ref.article_title or ref.paragraph or ref.item or ref.subitem:
            self.ref = replace(ref, article="", article_title="", paragraph="", item="", subitem="")
        self.in_article = False
        self.seen_marker = False

    def enter_article(self, heading: ArticleHeading) -> StatuteRef:
        self.ref = replace(
            self.ref,
            article=heading.article,
            article_title=heading.title,
            paragraph="",
            item="",
            subitem="",
            appendix="",
        )
        self.in_article = True
        self.seen_marker = False
        return replace(self.ref)

    def inner(self, text: str) -> tuple[StatuteRef, str, int] | None:
        """Ref, marker and level of a line inside an article (항/호/목 or plain)."""
        stripped = text.strip()
        if match := _PARAGRAPH_RE.match(stripped):
            marker = match.group(1)
            self.ref = replace(self.ref, paragraph=paragraph_number(marker), item="", subitem="")
            self.seen_marker = True
            return replace(self.ref), marker, 0
        if match := _ITEM_RE.match(stripped):
            item = match.group(1) + (f"의{match.group(2)}" if match.group(2) else "")
            self.ref = replace(self.ref, item=item, subitem="")
            self.seen_marker = True
            return replace(self.ref), match.group(0).strip(), 1
        if (match := _SUBITEM_RE.match(stripped)) and self.ref.item:
            self.ref = replace(self.ref, subitem=match.group(1))
            self.seen_marker = True
            return replace(self.ref), match.group(0).strip(), 2
        return None


def _is_statute_file(blocks: list[Block]) -> bool:
    count = 0
    for block in blocks:
        if block.table is None and parse_article_heading(block.text) is not None:
            count += 1
            if count >= _STATUTE_FILE_MIN_ARTICLES:
                return True
    return False


def annotate_statutes(document: Document, *, statute_file: bool | None = None) -> None:
    """Set ``statute`` on article blocks and the 항/호/목 under them (in place)."""
    blocks = document.blocks
    if statute_file is None:
        statute_file = _is_statute_file(blocks)
    law = (document.title or str(document.metadata.get("제목") or "")) if statute_file else ""
    tracker = _Tracker(law)
    out: list[Block] = []
    for block in blocks:
        if block.table is not None or block.kind in _OTHER_KINDS:
            if not statute_file:
                tracker._leave_article()
            elif tracker.in_article or tracker.ref.appendix:
                block.statute = replace(tracker.ref)
            out.append(block)
            continue
        text = block.text
        if block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
            heading = parse_article_heading(text)
            if heading is not None:
                ref = tracker.enter_article(heading)
                head_text = heading.heading if heading.rest else text.strip()
                out.append(
                    replace(
                        block,
                        kind=BlockKind.ARTICLE,
                        text=head_text,
                        marker="",
                        statute=ref,
                        attrs=dict(block.attrs),
                        path=list(block.path),
                    )
                )
                if heading.rest:
                    out.append(_inner_block(tracker, block, heading.rest))
                continue
            if (statute_file or block.kind is BlockKind.HEADING) and tracker.structural(text):
                if statute_file:
                    block.statute = replace(tracker.ref)
                out.append(block)
                continue
        in_article = tracker.in_article and block.kind is not BlockKind.HEADING
        if in_article and (statute_file or _continues_quote(tracker, block)):
            out.append(_inner_block(tracker, block, text))
            continue
        if not statute_file or block.kind is BlockKind.HEADING:
            tracker._leave_article()
        elif tracker.ref.supplementary or tracker.ref.appendix:
            block.statute = replace(tracker.ref)
        out.append(block)
    document.blocks = out


def _continues_quote(tracker: _Tracker, block: Block) -> bool:
    """In a quoting document: does ``block`` still belong to the quoted article?"""
    if block.kind is BlockKind.LIST_ITEM and block.marker and not _is_statute_marker(block.text):
        return False
    if _is_statute_marker(block.text):
        return True
    # Unmarked text: the article's lead sentence, not text after its numbered lines.
    return not tracker.seen_marker


def _is_statute_marker(text: str) -> bool:
    stripped = text.strip()
    return bool(
        _PARAGRAPH_RE.match(stripped) or _ITEM_RE.match(stripped) or _SUBITEM_RE.match(stripped)
    )


def _inner_block(tracker: _Tracker, block: Block, text: str) -> Block:
    found = tracker.inner(text)
    if found is None:
        ref, marker, level = replace(tracker.ref), "", 0
    else:
        ref, marker, level = found
    return replace(
        block,
        kind=BlockKind.PARAGRAPH,
        text=text,
        marker=marker or block.marker,
        level=level,
        statute=ref,
        attrs=dict(block.attrs),
        path=list(block.path),
    )
