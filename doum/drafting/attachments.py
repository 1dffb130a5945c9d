"""Files a draft is grounded on (or that an official wants summarised or translated).

A file is read once by :mod:`doum.documents` (in its isolated parser process) and kept
as markdown that preserves its outline; the original bytes are not stored.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.config import Settings
from doum.db.base import utcnow
from doum.documents import read_bytes
from doum.drafting.drafts import get_draft
from doum.drafting.errors import DraftingInvalid, DraftingNotFound
from doum.drafting.models import DraftAttachment
from doum.drafting.sources import AttachmentText
from doum.drafting.structure import document_markdown, split_sections
from doum.privacy.classes import highest


def read_attachment(data: bytes, *, filename: str, settings: Settings) -> tuple[str, str, int]:
    """(markdown, format, section count) of an uploaded file. Raises the documents
    layer's errors (corrupt, encrypted, too large …) unchanged."""
    document = read_bytes(data, filename=filename, settings=settings.documents)
    text = document_markdown(document)[: settings.drafting.max_attachment_chars]
    if not text.strip() or text.strip() == f"# {document.title}".strip():
        raise DraftingInvalid("drafting.attachment_empty", filename=filename)
    return text, document.format, sum(1 for s in split_sections(text) if s.heading)


def add_attachment(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    draft_id: str,
    filename: str,
    text: str,
    format: str,
    size: int,
    section_count: int,
    data_class: str,
    settings: Settings,
) -> DraftAttachment:
    """Attach an already-read file (see :func:`read_attachment`, done outside the
    transaction because parsing is slow). The draft's class rises to the file's."""
    draft = get_draft(session, principal, draft_id)
    if data_class not in ("C", "S", "O"):
        raise DraftingInvalid("drafting.class_invalid", data_class=data_class)
    count = session.scalar(
        select(func.count())
        .select_from(DraftAttachment)
        .where(DraftAttachment.draft_id == draft.id)
    )
    if (count or 0) >= settings.drafting.max_attachments:
        raise DraftingInvalid("drafting.attachment_limit", limit=settings.drafting.max_attachments)
    attachment = DraftAttachment(
        draft_id=draft.id,
        filename=filename[:255],
        format=format,
        size=size,
        data_class=data_class,
        text=text,
        section_count=section_count,
    )
    session.add(attachment)
    draft.data_class = str(highest(draft.data_class, data_class))
    draft.updated_at = utcnow()
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.attach",
        target_type="draft",
        target_id=draft.id,
        data_class=data_class,
        details={
            "attachment_id": attachment.id,
            "filename": filename,
            "format": format,
            "bytes": size,
            "chars": len(text),
        },
    )
    return attachment


def list_attachments(
    session: Session, principal: Principal, draft_id: str
) -> list[DraftAttachment]:
    draft = get_draft(session, principal, draft_id)
    return list(
        session.scalars(
            select(DraftAttachment)
            .where(DraftAttachment.draft_id == draft.id)
            .order_by(DraftAttachment.created_at)
        )
    )


def get_attachment(
    session: Session, principal: Principal, draft_id: str, attachment_id: str
) -> DraftAttachment:
    draft = get_draft(session, principal, draft_id)
    attachment = session.scalar(
        select(DraftAttachment).where(
            DraftAttachment.id == attachment_id, DraftAttachment.draft_id == draft.id
        )
    )
    if attachment is None:
        raise DraftingNotFound("drafting.attachment_not_found")
    return attachment


def delete_attachment(
    session: Session, principal: Principal, auditing: Auditing, *, draft_id: str, attachment_id: str
) -> None:
    attachment = get_attachment(session, principal, draft_id, attachment_id)
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.detach",
        target_type="draft",
        target_id=draft_id,
        data_class=attachment.data_class,
        details={"attachment_id": attachment.id, "filename": attachment.filename},
    )
    session.delete(attachment)


def attachment_texts(attachments: list[DraftAttachment]) -> list[AttachmentText]:
    return [AttachmentText(a.id, a.filename, a.text, a.data_class) for a in attachments]
