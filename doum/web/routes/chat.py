"""Conversations and the streamed chat turn (JSON + server-sent events)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from doum.chat import service
from doum.chat.models import Conversation
from doum.chat.service import MessageView
from doum.chat.turn import ChatTurn, event_dict
from doum.llm.catalog import DEMO_MODEL_NAME
from doum.messages import message_for
from doum.web.deps import CallerDep, RuntimeDep
from doum.web.schemas import (
    ChatSend,
    ConversationCreate,
    ConversationPublic,
    ConversationUpdate,
    ModelPublic,
)
from doum.web.sse import SSE_HEADERS, sse

router = APIRouter(prefix="/api", tags=["chat"])


def _public(conversation: Conversation) -> ConversationPublic:
    return ConversationPublic(
        id=conversation.id,
        title=conversation.title,
        model=conversation.model,
        data_class=conversation.data_class,
        created_at=conversation.created_at.isoformat(timespec="seconds"),
        updated_at=conversation.updated_at.isoformat(timespec="seconds"),
    )


@router.get("/models")
async def list_models(caller: CallerDep, runtime: RuntimeDep) -> dict[str, object]:
    gateway = runtime.gateway
    models = [
        ModelPublic(
            name=m.name,
            label=m.display_name,
            backend=m.backend,
            location=m.location,
            allowed_classes=list(m.allowed_classes),
            demo=m.demo,
            context_length=m.context_length,
        )
        for m in gateway.catalog()
    ]
    notice = message_for("model.demo_notice", model=DEMO_MODEL_NAME) if gateway.only_demo else ""
    return {"models": models, "default": gateway.default_model().name, "demo_notice": notice}


@router.get("/conversations")
async def list_conversations(
    caller: CallerDep, runtime: RuntimeDep, q: str = "", limit: int = 100, offset: int = 0
) -> dict[str, list[ConversationPublic]]:
    def run() -> list[ConversationPublic]:
        with runtime.database.reader() as session:
            rows = service.list_conversations(
                session,
                principal=caller.principal,
                query=q[:200],
                limit=max(1, min(limit, 500)),
                offset=max(0, offset),
            )
            return [_public(c) for c in rows]

    return {"conversations": await run_in_threadpool(run)}


@router.post("/conversations", status_code=201)
async def create_conversation(
    body: ConversationCreate, caller: CallerDep, runtime: RuntimeDep
) -> ConversationPublic:
    if body.model:
        runtime.gateway.config(body.model)

    def run() -> ConversationPublic:
        with runtime.database.session() as session:
            conversation = service.create_conversation(
                session,
                principal=caller.principal,
                title=body.title,
                model=body.model,
                data_class=body.data_class or runtime.settings.privacy.default_class,
            )
            return _public(conversation)

    return await run_in_threadpool(run)


@router.get("/conversations/{conversation_id}")
async def get_conversation(
    conversation_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, object]:
    def run() -> dict[str, object]:
        with runtime.database.reader() as session:
            conversation = service.get_conversation(
                session, principal=caller.principal, conversation_id=conversation_id
            )
            messages = service.visible_messages(session, conversation=conversation)
            return {
                "conversation": _public(conversation),
                "messages": [MessageView.of(m) for m in messages],
            }

    return await run_in_threadpool(run)


@router.patch("/conversations/{conversation_id}")
async def update_conversation(
    conversation_id: str, body: ConversationUpdate, caller: CallerDep, runtime: RuntimeDep
) -> ConversationPublic:
    def run() -> ConversationPublic:
        with runtime.database.session() as session:
            auditing = caller.auditing(runtime)
            if body.title is not None:
                service.rename_conversation(
                    session,
                    principal=caller.principal,
                    auditing=auditing,
                    conversation_id=conversation_id,
                    title=body.title,
                )
            if body.data_class is not None:
                service.set_data_class(
                    session,
                    principal=caller.principal,
                    auditing=auditing,
                    conversation_id=conversation_id,
                    data_class=body.data_class,
                )
            return _public(
                service.get_conversation(
                    session, principal=caller.principal, conversation_id=conversation_id
                )
            )

    return await run_in_threadpool(run)


@router.delete("/conversations/{conversation_id}")
async def delete_conversation(
    conversation_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    def run() -> None:
        with runtime.database.session() as session:
            service.delete_conversation(
                session,
                principal=caller.principal,
                auditing=caller.auditing(runtime),
                conversation_id=conversation_id,
            )

    await run_in_threadpool(run)
    return {"ok": True}


@router.post("/chat")
async def chat(body: ChatSend, caller: CallerDep, runtime: RuntimeDep) -> StreamingResponse:
    """Send a message (or regenerate the last answer) and stream the answer as SSE:
    ``start`` → ``delta``* → ``done`` | ``error``. Closing the connection stops it."""
    if not body.regenerate:
        service.validate_text(body.text)
    if body.model:
        runtime.gateway.config(body.model)
    turn = ChatTurn(
        runtime,
        principal=caller.principal,
        text=body.text,
        conversation_id=body.conversation_id,
        model=body.model,
        data_class=body.data_class,
        regenerate=body.regenerate,
        ip=caller.ip,
        via="web" if caller.via == "session" else "api",
        kb_ids=body.kb_ids,
        assistant_id=body.assistant_id,
        sources_first=body.sources_first,
    )

    async def events() -> AsyncIterator[bytes]:
        async for event in turn.events():
            yield sse(event.type, event_dict(event))

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)
