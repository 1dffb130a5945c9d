"""One chat turn, end to end: persist and audit the prompt, route it, stream the answer,
persist and audit the answer — also when the user stops it or the model fails.

The web UI (SSE), the OpenAI-compatible API and ``doum ask`` all consume the same
:class:`TurnEvent` stream.

A grounded turn (``kb_ids`` or ``assistant_id``) first retrieves passages as the user
(:mod:`doum.chat.grounding`), decides the request's class from them *before* routing,
sends them to the model as numbered data — or answers without a model when nothing
relevant was found or in sources-first mode — and finally checks the answer's [n]
markers. The passages and the check are kept in the answer's ``meta`` and audit records.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.audit.log import AuditContext
from doum.chat.events import (
    TurnDelta,
    TurnEvent,
    TurnFailed,
    TurnFinished,
    TurnStarted,
    event_dict,
)
from doum.chat.grounding import (
    GroundingPlan,
    answer_label,
    answer_pieces,
    citations_for,
    grounded_question,
    plan_for_turn,
    request_class,
    route_for,
    system_text,
)
from doum.chat.models import Conversation, Message
from doum.chat.prompts import fit_context, system_prompt
from doum.chat.service import (
    create_conversation,
    get_conversation,
    next_seq,
    touch,
    validate_text,
    visible_messages,
)
from doum.errors import DoumError
from doum.llm.errors import ModelError
from doum.llm.gateway import GatewayStream, Route
from doum.llm.types import ChatMessage, ChatRequest
from doum.messages import message_for
from doum.runtime import Runtime

__all__ = [
    "ChatTurn",
    "TurnDelta",
    "TurnEvent",
    "TurnFailed",
    "TurnFinished",
    "TurnStarted",
    "event_dict",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(slots=True)
class _Prepared:
    started: TurnStarted
    request: ChatRequest | None
    route: Route | None
    answer: str | None = None
    """Grounded turns answered without a model (sources first, or no source found)."""


async def _in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


class ChatTurn:
    """Runs one turn for ``principal``. Create, then iterate :meth:`events`."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        principal: Principal,
        text: str | None,
        conversation_id: str | None = None,
        model: str | None = None,
        data_class: str | None = None,
        regenerate: bool = False,
        ip: str = "",
        via: str = "web",
        kb_ids: list[str] | None = None,
        assistant_id: str | None = None,
        sources_first: bool = False,
    ) -> None:
        self.runtime = runtime
        self.principal = principal
        self.text = text
        self.conversation_id = conversation_id
        self.model = model
        self.data_class = data_class
        self.regenerate = regenerate
        self.context = AuditContext.of(principal, ip)
        self.via = via
        self.kb_ids = [k for k in kb_ids or [] if k]
        self.assistant_id = assistant_id or None
        self.sources_first = sources_first
        self.plan: GroundingPlan | None = None

    @property
    def grounded(self) -> bool:
        """Answers from knowledge bases (chosen directly or through an assistant)."""
        return bool(self.kb_ids or self.assistant_id)

    # --- before the model -------------------------------------------------------------

    def _prepare(self) -> _Prepared:
        runtime = self.runtime
        plan = (
            plan_for_turn(
                runtime,
                self.principal,
                text=self.text,
                conversation_id=self.conversation_id,
                regenerate=self.regenerate,
                kb_ids=self.kb_ids,
                assistant_id=self.assistant_id,
                sources_first_mode=self.sources_first,
            )
            if self.grounded
            else None
        )
        self.plan = plan
        with runtime.database.session() as session:
            conversation = self._conversation(session)
            if self.regenerate:
                user_message = self._prepare_regenerate(session, conversation)
            else:
                text = validate_text(self.text or "")
                user_message = Message(
                    conversation_id=conversation.id,
                    seq=next_seq(session, conversation.id),
                    role="user",
                    content=text,
                    data_class=conversation.data_class,
                )
                session.add(user_message)
                session.flush()
            messages = visible_messages(session, conversation=conversation)
            notices: list[str] = []
            # The request's class, decided before any model is chosen: the conversation's,
            # the assistant's, the passages' and that of earlier grounded answers.
            data_class = request_class(conversation.data_class, plan, messages)
            if data_class != conversation.data_class:
                self._raise_class(session, conversation, data_class)
                notices.append(message_for("grounding.class_raised", data_class=data_class))
            answer = plan.canned_answer() if plan else None
            route = (
                None
                if answer is not None
                else route_for(
                    runtime.gateway,
                    requested=self.model or conversation.model or None,
                    data_class=data_class,
                    allowed=plan.assistant.allowed_models if plan and plan.assistant else (),
                    notices=notices,
                )
            )
            if not self.regenerate:
                user_message.data_class = data_class
            history = [
                ChatMessage(m.role, m.content)  # type: ignore[arg-type]
                for m in messages
                if m.role in ("user", "assistant")
                and m.status in ("complete", "stopped")
                and m.content
            ]
            model = route.primary if route else None
            meta: dict[str, Any] = (
                {"requested_model": route.requested, "rerouted": route.rerouted} if route else {}
            )
            sources = plan.sources() if plan else []
            if plan is not None:
                meta["grounding"] = {**plan.summary(), "data_class": data_class}
                meta["sources"] = sources
            assistant = Message(
                conversation_id=conversation.id,
                seq=next_seq(session, conversation.id),
                role="assistant",
                status="streaming",
                model=model.name if model else "",
                backend=model.backend if model else "",
                data_class=data_class,
                meta=json.dumps(meta, ensure_ascii=False),
            )
            session.add(assistant)
            if self.model and conversation.model != self.model:
                conversation.model = self.model
            if conversation.title == "새 대화":
                conversation.title = _title_from(user_message.content)
            touch(conversation)
            session.flush()
            if route is not None and model is not None:
                if route.rerouted:
                    notices.append(
                        message_for(
                            "model.not_allowed", model=route.requested, data_class=data_class
                        )
                        + f" → '{model.display_name}' 모델로 보냈습니다."
                    )
                if model.demo:
                    notices.append(message_for("model.demo_notice", model=model.display_name))
            elif plan is not None and plan.mode == "sources_first":
                notices.append(message_for("grounding.sources_first"))
            details: dict[str, Any] = {
                "message_id": user_message.id,
                "text": user_message.content,
                "requested_model": route.requested if route else "",
                "model": model.name if model else "",
                "rerouted": route.rerouted if route else False,
                "regenerate": self.regenerate,
                "via": self.via,
            }
            if plan is not None:
                details["grounding"] = plan.summary()
            runtime.audit.record(
                session,
                context=self.context,
                action="chat.prompt",
                target_type="conversation",
                target_id=conversation.id,
                data_class=data_class,
                details=details,
            )
            started = TurnStarted(
                conversation_id=conversation.id,
                user_message_id=user_message.id,
                assistant_message_id=assistant.id,
                model=model.name if model else "",
                model_label=model.display_name if model else answer_label(plan),
                data_class=data_class,
                rerouted=route.rerouted if route else False,
                demo=model.demo if model else False,
                title=conversation.title,
                notices=notices,
                sources=sources,
                grounding=meta.get("grounding", {}),
            )
        if route is None or model is None:
            return _Prepared(started=started, request=None, route=None, answer=answer)
        system = system_prompt(model)
        if plan is not None:
            system = system_text(system, model, plan)
            history[-1] = ChatMessage("user", grounded_question(history[-1].content, plan))
        request = ChatRequest(messages=fit_context(model, history, system=system))
        return _Prepared(started=started, request=request, route=route)

    def _raise_class(self, session: Session, conversation: Conversation, data_class: str) -> None:
        self.runtime.audit.record(
            session,
            context=self.context,
            action="chat.classify",
            target_type="conversation",
            target_id=conversation.id,
            data_class=data_class,
            details={"from": conversation.data_class, "to": data_class, "reason": "grounding"},
        )
        conversation.data_class = data_class

    def _conversation(self, session: Session) -> Conversation:
        if self.conversation_id:
            conversation = get_conversation(
                session, principal=self.principal, conversation_id=self.conversation_id
            )
            if self.data_class and self.data_class != conversation.data_class:
                conversation.data_class = self.data_class
            return conversation
        return create_conversation(
            session,
            principal=self.principal,
            model=self.model or "",
            data_class=self.data_class or self.runtime.settings.privacy.default_class,
        )

    def _prepare_regenerate(self, session: Session, conversation: Conversation) -> Message:
        messages = visible_messages(session, conversation=conversation)
        last_user = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_user is None:
            raise DoumError("chat.nothing_to_regenerate")
        for message in messages:
            if message.seq > last_user.seq and message.role == "assistant":
                message.status = "superseded"
        return last_user

    # --- after the model --------------------------------------------------------------

    def _finish(
        self,
        started: TurnStarted,
        stream: GatewayStream | None,
        text: str,
        status: str,
        error: DoumError | None,
    ) -> TurnFinished:
        runtime = self.runtime
        with runtime.database.session() as session:
            message = session.get(Message, started.assistant_message_id)
            assert message is not None
            message.content = text
            message.status = status
            message.error_code = error.code if error else ""
            details: dict[str, Any] = {
                "message_id": message.id,
                "text": text,
                "status": status,
                "via": self.via,
            }
            citations = citations_for(runtime, self.plan, text) if self.plan else {}
            if citations:
                meta = json.loads(message.meta or "{}")
                meta.setdefault("grounding", {})["citations"] = citations
                message.meta = json.dumps(meta, ensure_ascii=False)
                details["grounding"] = {
                    **(self.plan.summary() if self.plan else {}),
                    "cited_chunk_ids": citations["cited_chunk_ids"],
                }
            if stream is not None:
                if stream.privacy:
                    meta = json.loads(message.meta or "{}")
                    meta["privacy"] = stream.privacy
                    message.meta = json.dumps(meta, ensure_ascii=False)
                    details["privacy"] = stream.privacy
                message.model = stream.model.name
                message.backend = stream.model.backend
                message.endpoint = stream.endpoint[:200]
                message.prompt_tokens = stream.usage.prompt_tokens
                message.completion_tokens = stream.usage.completion_tokens
                message.latency_ms = stream.latency_ms
                message.ttft_ms = stream.ttft_ms
                details.update(
                    model=stream.model.name,
                    backend=stream.model.backend,
                    endpoint=stream.endpoint,
                    prompt_tokens=stream.usage.prompt_tokens,
                    completion_tokens=stream.usage.completion_tokens,
                    latency_ms=stream.latency_ms,
                    ttft_ms=stream.ttft_ms,
                    failed_over=stream.failed_over,
                )
            if error is not None:
                details["error"] = error.code
            runtime.audit.record(
                session,
                context=self.context,
                action="chat.answer",
                target_type="conversation",
                target_id=started.conversation_id,
                outcome="success" if status == "complete" else status,
                data_class=started.data_class,
                details=details,
            )
            conversation = session.get(Conversation, started.conversation_id)
            if conversation is not None:
                touch(conversation)
        return TurnFinished(
            message_id=started.assistant_message_id,
            status=status,
            model=stream.model.name if stream else started.model,
            endpoint=stream.endpoint if stream else "",
            prompt_tokens=stream.usage.prompt_tokens if stream else 0,
            completion_tokens=stream.usage.completion_tokens if stream else 0,
            latency_ms=stream.latency_ms if stream else 0,
            ttft_ms=stream.ttft_ms if stream else 0,
            finish_reason=stream.finish_reason if stream else "",
            privacy=dict(stream.privacy) if stream else {},
            citations=citations,
        )

    # --- the whole turn -----------------------------------------------------------------

    async def events(self) -> AsyncIterator[TurnEvent]:
        try:
            prepared = await _in_thread(self._prepare)
        except DoumError as error:
            yield TurnFailed(code=error.code, message=error.message)
            return
        started = prepared.started
        yield started
        if prepared.answer is not None or prepared.request is None or prepared.route is None:
            async for event in self._answer_without_model(started, prepared.answer or ""):
                yield event
            return
        stream = self.runtime.gateway.stream(
            prepared.request, prepared.route, conversation_id=started.conversation_id
        )
        chunks = aiter(stream)
        parts: list[str] = []
        status, failure = "streaming", None
        try:
            async for chunk in chunks:
                parts.append(chunk.text)
                yield TurnDelta(chunk.text)
            status = "complete"
        except ModelError as error:
            status, failure = "error", error
        finally:
            if status == "streaming":
                status = "stopped"  # the consumer went away: the user pressed stop
            with anyio.CancelScope(shield=True):
                await chunks.aclose()  # stops generation upstream
                finished = await _in_thread(
                    lambda: self._finish(started, stream, "".join(parts), status, failure)
                )
        if failure is not None:
            yield TurnFailed(
                code=failure.code, message=failure.message, message_id=started.assistant_message_id
            )
        else:
            yield finished

    async def _answer_without_model(
        self, started: TurnStarted, answer: str
    ) -> AsyncIterator[TurnEvent]:
        """Sources first, or no source found: the answer is known; stream and keep it."""
        parts: list[str] = []
        status = "streaming"
        try:
            for piece in answer_pieces(answer):
                parts.append(piece)
                yield TurnDelta(piece)
            status = "complete"
        finally:
            if status == "streaming":
                status = "stopped"
            with anyio.CancelScope(shield=True):
                finished = await _in_thread(
                    lambda: self._finish(started, None, "".join(parts), status, None)
                )
        yield finished


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return (line[:40] + "…") if len(line) > 40 else (line or "새 대화")
