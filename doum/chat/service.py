"""Conversations and messages. Every query is scoped to the asking user."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.chat.errors import ConversationNotFound, InvalidMessage
from doum.chat.models import Conversation, Message
from doum.db.base import utcnow

MAX_MESSAGE_CHARS = 100_000
TITLE_MAX = 200
DATA_CLASSES = ("C", "S", "O")


def _owned(principal: Principal) -> Any:
    return Conversation.user_id == principal.user_id


def get_conversation(
    session: Session, *, principal: Principal, conversation_id: str
) -> Conversation:
    conversation = session.scalar(
        select(Conversation).where(Conversation.id == conversation_id, _owned(principal))
    )
    if conversation is None:
        raise ConversationNotFound()
    return conversation


def list_conversations(
    session: Session, *, principal: Principal, query: str = "", limit: int = 100, offset: int = 0
) -> list[Conversation]:
    stmt = select(Conversation).where(_owned(principal))
    if query.strip():
        like = f"%{query.strip()}%"
        in_messages = select(Message.conversation_id).where(Message.content.ilike(like))
        stmt = stmt.where(or_(Conversation.title.ilike(like), Conversation.id.in_(in_messages)))
    stmt = stmt.order_by(Conversation.updated_at.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def create_conversation(
    session: Session,
    *,
    principal: Principal,
    title: str = "",
    model: str = "",
    data_class: str = "S",
) -> Conversation:
    if data_class not in DATA_CLASSES:
        raise InvalidMessage("input.invalid", detail="보안 등급은 C, S, O 중 하나여야 합니다.")
    conversation = Conversation(
        user_id=principal.user_id,
        title=(title.strip() or "새 대화")[:TITLE_MAX],
        model=model,
        data_class=data_class,
    )
    session.add(conversation)
    session.flush()
    return conversation


def rename_conversation(
    session: Session, *, principal: Principal, auditing: Auditing, conversation_id: str, title: str
) -> Conversation:
    title = title.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise InvalidMessage("chat.title_invalid")
    conversation = get_conversation(session, principal=principal, conversation_id=conversation_id)
    conversation.title = title
    auditing.log.record(
        session,
        context=auditing.context,
        action="chat.rename",
        target_type="conversation",
        target_id=conversation.id,
        details={"title": title},
    )
    return conversation


def delete_conversation(
    session: Session, *, principal: Principal, auditing: Auditing, conversation_id: str
) -> None:
    conversation = get_conversation(session, principal=principal, conversation_id=conversation_id)
    session.execute(delete(Message).where(Message.conversation_id == conversation.id))
    session.delete(conversation)
    auditing.log.record(
        session,
        context=auditing.context,
        action="chat.delete",
        target_type="conversation",
        target_id=conversation_id,
        details={"title": conversation.title},
    )


def set_data_class(
    session: Session,
    *,
    principal: Principal,
    auditing: Auditing,
    conversation_id: str,
    data_class: str,
) -> Conversation:
    if data_class not in DATA_CLASSES:
        raise InvalidMessage("input.invalid", detail="보안 등급은 C, S, O 중 하나여야 합니다.")
    conversation = get_conversation(session, principal=principal, conversation_id=conversation_id)
    if conversation.data_class != data_class:
        auditing.log.record(
            session,
            context=auditing.context,
            action="chat.classify",
            target_type="conversation",
            target_id=conversation.id,
            data_class=data_class,
            details={"from": conversation.data_class, "to": data_class},
        )
        conversation.data_class = data_class
    return conversation


def visible_messages(session: Session, *, conversation: Conversation) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.status != "superseded")
            .order_by(Message.seq)
        )
    )


def next_seq(session: Session, conversation_id: str) -> int:
    current = session.scalar(
        select(func.max(Message.seq)).where(Message.conversation_id == conversation_id)
    )
    return (current or 0) + 1


def validate_text(text: str) -> str:
    if not text or not text.strip():
        raise InvalidMessage("chat.empty_message")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidMessage("chat.message_too_long", limit=f"{MAX_MESSAGE_CHARS:,}")
    return text


@dataclass(frozen=True, slots=True)
class MessageView:
    id: str
    role: str
    content: str
    status: str
    model: str
    data_class: str
    created_at: str
    meta: dict[str, Any]
    error_code: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0

    @classmethod
    def of(cls, message: Message) -> MessageView:
        try:
            meta = json.loads(message.meta or "{}")
        except ValueError:
            meta = {}
        return cls(
            id=message.id,
            role=message.role,
            content=message.content,
            status=message.status,
            model=message.model,
            data_class=message.data_class,
            created_at=message.created_at.isoformat(timespec="seconds"),
            meta=meta,
            error_code=message.error_code,
            prompt_tokens=message.prompt_tokens,
            completion_tokens=message.completion_tokens,
            latency_ms=message.latency_ms,
        )


def touch(conversation: Conversation) -> None:
    conversation.updated_at = utcnow()
