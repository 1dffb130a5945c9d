"""Exporting a draft: HWPX (Hancom Office) and DOCX (Word) through the documents
package's writers, markdown, and plain text for "copy".

The draft's markdown is read by the documents package's own markdown reader, so an
exported file re-read by doum has the blocks the editor showed: headings, 개조식 items
with their markers and depth (□ → ○ → - → ·), numbered items, tables. A 기안문/시행문
is laid out as a 공문 (두문 · 본문 · 붙임 · 끝. · 결문) from the draft's form.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.documents import read_bytes
from doum.documents.blocks import classify_line
from doum.documents.draft import DocumentDraft, Gongmun, Signatory
from doum.documents.model import Block, BlockKind
from doum.drafting.drafts import get_draft, plain_text
from doum.drafting.errors import DraftingInvalid
from doum.drafting.models import Draft

FORMATS: dict[str, tuple[str, str]] = {
    "hwpx": ("application/hwp+zip", ".hwpx"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "md": ("text/markdown; charset=utf-8", ".md"),
    "txt": ("text/plain; charset=utf-8", ".txt"),
}
END_MARK = "끝."
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def markdown_blocks(content: str) -> list[Block]:
    """The draft's markdown as document blocks (read by doum's markdown reader)."""
    if not content.strip():
        return []
    text = content if not content.startswith("---") else "\n" + content
    document = read_bytes(text.encode("utf-8"), filename="draft.md", isolated=False)
    blocks = [b for b in document.blocks if b.kind is not BlockKind.IMAGE]
    for block in blocks:
        if block.kind is BlockKind.LIST_ITEM and block.marker:
            shown = (
                block.text
                if block.text.startswith(block.marker)
                else f"{block.marker} {block.text}"
            )
            kind, marker, level = classify_line(shown)
            if kind is BlockKind.LIST_ITEM and marker == block.marker:
                block.level = level
        block.path = []
    return blocks


def split_title(blocks: list[Block], fallback: str) -> tuple[str, list[Block]]:
    """The first level-1 heading is the document's title."""
    for index, block in enumerate(blocks):
        if block.kind in (BlockKind.HEADING, BlockKind.TITLE) and block.level <= 1:
            return block.text.strip(), blocks[:index] + blocks[index + 1 :]
    return fallback, blocks


def document_draft(draft: Draft, *, organisation: str) -> DocumentDraft:
    blocks = markdown_blocks(draft.content)
    title, body = split_title(blocks, draft.title)
    metadata = {"subject": draft.template_name or draft.title, "keywords": draft.doc_type}
    if draft.doc_type != "gongmun":
        return DocumentDraft(title=title, blocks=body, metadata=metadata)
    fields = draft.fields or {}
    gongmun = gongmun_of(fields, organisation=organisation)
    if gongmun.attachments and body and body[-1].table is None:
        last = body[-1]
        last.text = re.sub(r"\s*끝\.\s*$", "", last.text)
    subject = fields.get("제목", "").strip() or title
    return DocumentDraft(title=subject, blocks=body, gongmun=gongmun, metadata=metadata)


def _person(role: str, value: str) -> Signatory | None:
    words = value.split()
    if not words:
        return None
    title, name = (" ".join(words[:-1]), words[-1]) if len(words) > 1 else (words[0], "")
    return Signatory(role=role, title=title, name=name)  # type: ignore[arg-type]


def gongmun_of(fields: dict[str, str], *, organisation: str) -> Gongmun:
    attachments = [
        re.sub(r"^\s*(\d+[.)]|[-•·])\s*", "", line).strip()
        for line in fields.get("붙임", "").splitlines()
        if line.strip()
    ]
    signatories = [
        person
        for role in ("기안자", "검토자", "결재권자")
        if (person := _person(role, fields.get(role, "")))
    ]
    kind = "기안문" if fields.get("문서종류", "기안문").startswith("기안문") else "시행문"
    return Gongmun(
        organization=organisation,
        recipient=fields.get("수신", "").strip() or "내부결재",
        via=fields.get("경유", "").strip(),
        attachments=attachments,
        sender=fields.get("발신명의", "").strip(),
        signatories=signatories,
        document_number=fields.get("시행번호", "").strip(),
        enforced_on=fields.get("시행일자", "").strip(),
        address=fields.get("주소", "").strip(),
        phone=fields.get("전화", "").strip(),
        email=fields.get("전자우편", "").strip(),
        disclosure=fields.get("공개구분", "").strip() or "공개",
        kind=kind,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class ExportedFile:
    data: bytes
    media_type: str
    filename: str


def safe_filename(title: str, extension: str) -> str:
    stem = _UNSAFE_FILENAME.sub(" ", title).strip(" .")[:80] or "초안"
    return stem + extension


def render(draft: Draft, fmt: str, *, organisation: str) -> ExportedFile:
    if fmt not in FORMATS:
        raise DraftingInvalid("drafting.export_format", format=fmt)
    media_type, extension = FORMATS[fmt]
    if fmt == "md":
        data = draft.content.encode("utf-8")
    elif fmt == "txt":
        data = plain_text(draft.content).encode("utf-8")
    else:
        from doum.documents import write_docx, write_hwpx

        buffer = io.BytesIO()
        writer = write_hwpx if fmt == "hwpx" else write_docx
        writer(document_draft(draft, organisation=organisation), buffer)
        data = buffer.getvalue()
    return ExportedFile(data, media_type, safe_filename(draft.title, extension))


def export_draft(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    draft_id: str,
    fmt: str,
    organisation: str,
    via: str = "web",
) -> ExportedFile:
    draft = get_draft(session, principal, draft_id)
    exported = render(draft, fmt, organisation=organisation)
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.export",
        target_type="draft",
        target_id=draft.id,
        data_class=draft.data_class,
        details={
            "format": fmt,
            "filename": exported.filename,
            "bytes": len(exported.data),
            "via": via,
        },
    )
    return exported
