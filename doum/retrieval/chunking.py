"""Structure-aware chunking of a parsed :class:`~doum.documents.model.Document`.

- Statutes: one article (조) per chunk, carrying the law name, 장, article title and
  시행일자; an article longer than the target is split by 항 (paragraph), and a single
  항 that is still too long at Korean sentence boundaries. The citation line
  ("행정기본법 제2조(정의)") heads every piece.
- Manuals and other documents: by heading, consecutive blocks under the same heading
  path packed up to the target size, never across a heading.
- Tables: whole, with their header; a very long table is split into row groups that
  each repeat the header.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from doum.documents.model import Block, BlockKind, Document, StatuteRef

_SENTENCE_END = re.compile(r"(?<=[.?!。])\s+|(?<=다\.)|\n+")
_ARTICLE_HEAD = re.compile(r"^\s*(?:부칙\s*)?제\s*\d+\s*조(?:\s*의\s*\d+)?\s*(?:\([^)]*\))?")
_HEADINGS = (BlockKind.HEADING, BlockKind.TITLE)
_SKIP = (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.IMAGE)


@dataclass(slots=True)
class ChunkDraft:
    """A passage before it is stored, with everything needed to cite it."""

    text: str
    heading: str = ""
    heading_path: list[str] = field(default_factory=list)
    law: str = ""
    chapter: str = ""
    article: str = ""
    article_title: str = ""
    paragraph: str = ""
    page: int | None = None
    effective_date: str = ""
    legal_status: str = ""
    kind: str = "section"
    """article | section | table"""

    def index_text(self) -> str:
        """What the lexical and dense indexes see: the citation line, then the text."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def iso_date(value: Any) -> str:
    """A 시행일자 from front matter (date, "2025-03-18", "20250318") as "YYYY-MM-DD"."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = re.sub(r"[^0-9]", "", str(value or ""))
    if len(text) == 8:
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return ""


def document_law_name(document: Document) -> str:
    meta = document.metadata or {}
    return str(meta.get("제목") or document.title or "").strip()


def split_sentences(text: str, max_chars: int) -> list[str]:
    """Pieces of ``text`` no longer than ``max_chars``, cut at sentence ends when possible."""
    if len(text) <= max_chars:
        return [text]
    sentences = [s for s in _SENTENCE_END.split(text) if s and s.strip()]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > max_chars:  # no boundary at all: cut hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        joined = f"{current} {sentence}".strip() if current else sentence.strip()
        if len(joined) > max_chars and current:
            pieces.append(current)
            current = sentence.strip()
        else:
            current = joined
    if current:
        pieces.append(current)
    return pieces


def _pack(units: Iterable[tuple[str, str]], max_chars: int) -> Iterator[tuple[str, list[str]]]:
    """Greedily pack (label, text) units into pieces ≤ ``max_chars``; yields text+labels."""
    texts: list[str] = []
    labels: list[str] = []
    size = 0
    for label, text in units:
        for part in split_sentences(text, max_chars):
            if texts and size + len(part) + 1 > max_chars:
                yield "\n".join(texts), labels
                texts, labels, size = [], [], 0
            texts.append(part)
            if label and label not in labels:
                labels.append(label)
            size += len(part) + 1
    if texts:
        yield "\n".join(texts), labels


def _paragraph_label(labels: list[str]) -> str:
    numbers = [x for x in labels if x]
    if not numbers:
        return ""
    return numbers[0] if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"


def _block_text(block: Block) -> str:
    if block.table is not None:
        return block.table.to_markdown()
    text = block.text.strip()
    if block.marker and not text.startswith(block.marker):
        text = f"{block.marker} {text}"
    return text


def _table_chunks(block: Block, base: ChunkDraft, max_chars: int) -> list[ChunkDraft]:
    assert block.table is not None
    table = block.table
    text = table.to_markdown()
    if len(text) <= 3 * max_chars or len(table.rows) <= table.header_rows + 1:
        return [_with(base, text=text, kind="table", page=block.page)]
    header = table.rows[: table.header_rows]
    body = table.rows[table.header_rows :]
    out: list[ChunkDraft] = []
    group: list[list[str]] = []
    for row in body:
        group.append(row)
        if sum(len(" ".join(r)) for r in group) > max_chars:
            out.append(_table_part(table, header, group, base, block.page))
            group = []
    if group:
        out.append(_table_part(table, header, group, base, block.page))
    return out


def _table_part(
    table: Any, header: list[list[str]], rows: list[list[str]], base: ChunkDraft, page: int | None
) -> ChunkDraft:
    from doum.documents.model import Table

    part = Table(rows=[*header, *rows], header_rows=table.header_rows, caption=table.caption)
    return _with(base, text=part.to_markdown(), kind="table", page=page)


def _with(base: ChunkDraft, **changes: Any) -> ChunkDraft:
    values = {name: getattr(base, name) for name in ChunkDraft.__slots__}
    values["heading_path"] = list(base.heading_path)
    values.update(changes)
    return ChunkDraft(**values)


def _article_heading(
    law: str, ref: StatuteRef, title_text: str, supplementary: bool = False
) -> tuple[str, str]:
    article = ref.article or (article_refs_first(title_text) or "")
    if (ref.supplementary or supplementary) and article:
        article = f"부칙 {article}"
    title = ref.article_title
    label = f"{article}({title})" if title else article
    return article, f"{law} {label}".strip()


def article_refs_first(text: str) -> str:
    from doum.retrieval.analysis import article_refs

    refs = article_refs(text)
    return refs[0] if refs else ""


def _statute_chunks(document: Document, max_chars: int) -> list[ChunkDraft]:
    law = document_law_name(document)
    meta = document.metadata or {}
    base = ChunkDraft(
        text="",
        law=law,
        effective_date=iso_date(meta.get("시행일자")),
        legal_status=str(meta.get("상태") or ""),
    )
    chunks: list[ChunkDraft] = []
    chapter = ""
    article_block: Block | None = None
    body: list[Block] = []
    loose: list[Block] = []

    def flush_article() -> None:
        nonlocal article_block, body
        if article_block is None:
            return
        ref = article_block.statute or StatuteRef()
        in_supplement = any(p.strip().startswith("부칙") for p in article_block.path)
        article, heading = _article_heading(law, ref, article_block.text, in_supplement)
        head = _with(
            base,
            heading=heading,
            chapter=ref.chapter or chapter,
            article=article,
            article_title=ref.article_title,
            kind="article",
            page=article_block.page,
            heading_path=[p for p in (ref.chapter or chapter, heading) if p],
        )
        units: list[tuple[str, str]] = []
        inline = _ARTICLE_HEAD.sub("", article_block.text, count=1).strip()
        if inline:
            units.append((ref.paragraph, inline))
        for block in body:
            if block.table is not None:
                units.append(("", block.table.to_markdown()))
            elif text := _block_text(block):
                units.append(((block.statute.paragraph if block.statute else ""), text))
        if not units:
            units = [("", heading)]
        pieces = list(_pack(units, max_chars))
        for text, labels in pieces:
            label = _paragraph_label(labels) if len(pieces) > 1 else ""
            chunks.append(_with(head, text=text, paragraph=label))
        article_block, body = None, []

    for block in document.blocks:
        if block.kind in _SKIP:
            continue
        if block.kind is BlockKind.ARTICLE:
            flush_article()
            article_block = block
        elif block.kind in _HEADINGS:
            flush_article()
            if block.statute and block.statute.chapter:
                chapter = block.statute.chapter
            elif re.match(r"^제\s*\d+\s*장", block.text.strip()):
                chapter = block.text.strip()
        elif article_block is not None:
            body.append(block)
        else:
            loose.append(block)
    flush_article()
    if loose:
        chunks[:0] = _section_chunks(loose, _with(base, kind="section"), max_chars, law)
    return chunks


def _section_chunks(
    blocks: list[Block], base: ChunkDraft, max_chars: int, title: str
) -> list[ChunkDraft]:
    chunks: list[ChunkDraft] = []
    path: list[str] = []
    pending: list[Block] = []

    def flush() -> None:
        nonlocal pending
        if not pending:
            return
        heading = " > ".join([p for p in (title, *path) if p])
        head = _with(base, heading=heading, heading_path=list(path), page=pending[0].page)
        units = [("", t) for b in pending if (t := _block_text(b))]
        for text, _ in _pack(units, max_chars):
            chunks.append(_with(head, text=text))
        pending = []

    for block in blocks:
        if block.kind in _SKIP:
            continue
        block_path = list(block.path)
        if block.kind in _HEADINGS:
            flush()
            path = [*block_path, block.text.strip()] if block.text.strip() else block_path
            continue
        if block_path and block_path != path:
            flush()
            path = block_path
        if block.table is not None:
            flush()
            heading = " > ".join([p for p in (title, *path) if p])
            chunks.extend(
                _table_chunks(
                    block, _with(base, heading=heading, heading_path=list(path)), max_chars
                )
            )
            continue
        pending.append(block)
    flush()
    return chunks


def chunk_document(document: Document, *, max_chars: int = 1000) -> list[ChunkDraft]:
    """The passages of ``document`` in reading order."""
    if document.is_statute:
        chunks = _statute_chunks(document, max_chars)
    else:
        title = document.title or document_law_name(document)
        chunks = _section_chunks(list(document.blocks), ChunkDraft(text=""), max_chars, title)
    return [c for c in chunks if c.text.strip()]
