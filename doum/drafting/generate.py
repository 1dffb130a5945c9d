"""Writing a draft with the model, end to end: gather the sources, route by data class,
audit the prompt, stream the text, repair and check it, save it with a revision and
audit the output — also when the official stops it or the model fails.

The web UI (SSE), the JSON API and ``doum draft`` all consume the same events.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, TypeVar, cast

import anyio

from doum.accounts.principal import Principal
from doum.audit.log import AuditContext
from doum.db.base import utcnow
from doum.drafting.attachments import attachment_texts, list_attachments
from doum.drafting.checks import check_draft, repair
from doum.drafting.drafts import get_draft, record_revision, template_of
from doum.drafting.errors import DraftingConflict, DraftingInvalid
from doum.drafting.knowledge import Passage, knowledge_for
from doum.drafting.prompting import generation_messages, variant_count
from doum.drafting.sources import (
    attachment_passages,
    fit_knowledge,
    number_sources,
    select_passages,
)
from doum.drafting.spec import TemplateSpec, missing_required
from doum.drafting.tokens import token_counter
from doum.errors import DoumError
from doum.llm.errors import ModelError
from doum.llm.gateway import GatewayStream, Route
from doum.llm.types import ChatChunk, ChatRequest
from doum.messages import message_for
from doum.privacy.classes import highest
from doum.runtime import Runtime

logger = logging.getLogger(__name__)
T = TypeVar("T")
STALE_GENERATION = timedelta(minutes=10)


@dataclass(slots=True)
class DraftStarted:
    draft_id: str
    model: str
    model_label: str
    data_class: str
    demo: bool
    rerouted: bool
    sources: list[dict[str, Any]]
    notices: list[str] = field(default_factory=list)
    type: str = "start"


@dataclass(slots=True)
class DraftDelta:
    text: str
    type: str = "delta"


@dataclass(slots=True)
class DraftFinished:
    draft_id: str
    status: str
    content: str
    checks: dict[str, Any]
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    repaired: list[str] = field(default_factory=list)
    type: str = "done"


@dataclass(slots=True)
class DraftFailed:
    code: str
    message: str
    draft_id: str = ""
    type: str = "error"


DraftEvent = DraftStarted | DraftDelta | DraftFinished | DraftFailed


def event_dict(event: DraftEvent) -> dict[str, Any]:
    return asdict(event)


@dataclass(slots=True)
class _Read:
    spec: TemplateSpec
    values: dict[str, str]
    data_class: str
    model: str
    title: str
    knowledge_base_ids: list[str]
    attachments: list[Passage]


@dataclass(slots=True)
class _Prepared:
    started: DraftStarted
    request: ChatRequest
    route: Route
    spec: TemplateSpec
    values: dict[str, str]


async def _in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


class DraftGeneration:
    """Writes draft ``draft_id`` for ``principal``; iterate :meth:`events`."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        principal: Principal,
        draft_id: str,
        model: str | None = None,
        request: str = "",
        ip: str = "",
        via: str = "web",
    ) -> None:
        self.runtime = runtime
        self.principal = principal
        self.draft_id = draft_id
        self.model = model
        self.request = request.strip()[:2000]
        self.context = AuditContext.of(principal, ip)
        self.via = via

    # --- before the model ---------------------------------------------------------------

    def _read(self) -> _Read:
        with self.runtime.database.reader() as session:
            draft = get_draft(session, self.principal, self.draft_id)
            spec = template_of(session, self.principal, draft)
            if spec is None:
                raise DraftingInvalid(
                    "drafting.invalid", detail="템플릿이 없는 초안은 생성할 수 없습니다"
                )
            values = dict(draft.fields or {})
            missing = missing_required(spec, values)
            if missing:
                raise DraftingInvalid("drafting.fields_missing", fields=", ".join(missing))
            if draft.status == "generating" and utcnow() - draft.updated_at < STALE_GENERATION:
                raise DraftingConflict("drafting.busy")
            attachments = [
                p
                for a in attachment_texts(list_attachments(session, self.principal, draft.id))
                for p in attachment_passages(a)
            ]
            return _Read(
                spec=spec,
                values=values,
                data_class=draft.data_class,
                model=self.model or draft.model,
                title=draft.title,
                knowledge_base_ids=list(draft.knowledge_base_ids or []),
                attachments=attachments,
            )

    def _knowledge(self, read: _Read, k: int) -> tuple[list[Passage], list[str]]:
        if not read.knowledge_base_ids:
            return [], []
        search = knowledge_for(self.runtime)
        if search is None:
            return [], [message_for("drafting.knowledge_unavailable")]
        query = " ".join(
            v
            for key in ("사업명", "행사명", "제목", "회의명", "주요내용")
            if (v := read.values.get(key))
        )
        query = (query or read.title)[:900]
        try:
            hits = search.search(self.principal, query, kb_ids=read.knowledge_base_ids, k=k)
        except DoumError as error:
            logger.warning("knowledge search failed", extra={"code": error.code})
            return [], [message_for("drafting.knowledge_failed", detail=error.message)]
        except Exception as error:  # the seam: a broken search must not stop drafting
            logger.exception("knowledge search crashed", extra={"error": type(error).__name__})
            return [], [message_for("drafting.knowledge_failed", detail=type(error).__name__)]
        return hits, ([] if hits else [message_for("drafting.knowledge_none")])

    def _prepare(self) -> _Prepared:
        runtime = self.runtime
        settings = runtime.settings.drafting
        read = self._read()
        hits, notices = self._knowledge(read, settings.knowledge_top_k)
        data_class = str(
            highest(
                read.data_class,
                read.spec.data_class,
                *(p.data_class for p in read.attachments),
                *(h.data_class for h in hits),
            )
        )
        route = runtime.gateway.route(read.model or None, data_class)
        model = route.primary
        count = token_counter(model)
        variants = variant_count(read.spec, read.values, settings.sns_variants)
        bare = generation_messages(
            read.spec,
            read.values,
            [],
            model,
            title=read.title,
            request=self.request,
            variants=variants,
        )
        spare = (
            model.context_length
            - model.max_output_tokens
            - sum(count(m.content) for m in bare)
            - 64
        )
        budget = max(0, min(int(model.context_length * settings.source_share), spare))
        chosen = fit_knowledge(
            hits, budget_tokens=budget // 2 if read.attachments else budget, count=count
        )
        spent = sum(count(p.label + p.text) + 6 for p in chosen)
        query = "\n".join([*read.values.values(), self.request])
        chosen += select_passages(
            read.attachments, query=query, budget_tokens=budget - spent, count=count
        )
        messages = generation_messages(
            read.spec,
            read.values,
            chosen,
            model,
            title=read.title,
            request=self.request,
            variants=variants,
        )
        sources = number_sources(chosen)
        with runtime.database.session() as session:
            draft = get_draft(session, self.principal, self.draft_id)
            draft.status = "generating"
            draft.data_class = data_class
            draft.model = model.name
            draft.sources = sources
            draft.updated_at = utcnow()
            if route.rerouted:
                notices.insert(
                    0,
                    message_for("model.not_allowed", model=route.requested, data_class=data_class)
                    + f" → '{model.display_name}' 모델로 보냈습니다.",
                )
            if model.demo:
                notices.insert(0, message_for("model.demo_notice", model=model.display_name))
            runtime.audit.record(
                session,
                context=self.context,
                action="draft.generate",
                target_type="draft",
                target_id=draft.id,
                data_class=data_class,
                details={
                    "template": read.spec.id,
                    "messages": [m.to_dict() for m in messages],
                    "requested_model": route.requested,
                    "model": model.name,
                    "rerouted": route.rerouted,
                    "sources": [
                        {"n": s["n"], "label": s["label"], "kind": s["kind"]} for s in sources
                    ],
                    "via": self.via,
                },
            )
        started = DraftStarted(
            draft_id=self.draft_id,
            model=model.name,
            model_label=model.display_name,
            data_class=data_class,
            demo=model.demo,
            rerouted=route.rerouted,
            sources=sources,
            notices=notices,
        )
        return _Prepared(started, ChatRequest(messages=messages), route, read.spec, read.values)

    # --- after the model ----------------------------------------------------------------

    def _finish(
        self,
        prepared: _Prepared,
        stream: GatewayStream,
        text: str,
        status: str,
        error: DoumError | None,
    ) -> DraftFinished:
        content = _clean_output(text)
        repaired: list[str] = []
        if status == "complete":
            content, repaired = repair(prepared.spec, content, prepared.values)
        with self.runtime.database.session() as session:
            draft = get_draft(session, self.principal, self.draft_id)
            checks = check_draft(prepared.spec, content, prepared.values, draft.sources or [])
            if content.strip() or status == "complete":
                draft.content = content
                record_revision(session, draft, "generate", self.principal)
            draft.status = status
            draft.checks = checks
            draft.prompt_tokens = stream.usage.prompt_tokens
            draft.completion_tokens = stream.usage.completion_tokens
            draft.latency_ms = stream.latency_ms
            draft.model = stream.model.name
            draft.updated_at = utcnow()
            details: dict[str, Any] = {
                "text": text,
                "status": status,
                "repaired": repaired,
                "model": stream.model.name,
                "backend": stream.model.backend,
                "endpoint": stream.endpoint,
                "prompt_tokens": stream.usage.prompt_tokens,
                "completion_tokens": stream.usage.completion_tokens,
                "latency_ms": stream.latency_ms,
                "ttft_ms": stream.ttft_ms,
                "failed_over": stream.failed_over,
                "privacy": getattr(stream, "privacy", {}),
                "numbers": checks["summary"],
                "via": self.via,
            }
            if error is not None:
                details["error"] = error.code
            self.runtime.audit.record(
                session,
                context=self.context,
                action="draft.generated",
                target_type="draft",
                target_id=draft.id,
                outcome="success" if status == "complete" else status,
                data_class=draft.data_class,
                details=details,
            )
        return DraftFinished(
            draft_id=self.draft_id,
            status=status,
            content=content,
            checks=checks,
            model=stream.model.name,
            prompt_tokens=stream.usage.prompt_tokens,
            completion_tokens=stream.usage.completion_tokens,
            latency_ms=stream.latency_ms,
            repaired=repaired,
        )

    # --- the whole run ------------------------------------------------------------------

    async def events(self) -> AsyncIterator[DraftEvent]:
        try:
            prepared = await _in_thread(self._prepare)
        except DoumError as error:
            yield DraftFailed(code=error.code, message=error.message, draft_id=self.draft_id)
            return
        yield prepared.started
        stream = self.runtime.gateway.stream(prepared.request, prepared.route)
        chunks = cast(AsyncGenerator[ChatChunk, None], aiter(stream))
        parts: list[str] = []
        status, failure = "streaming", None
        try:
            async for chunk in chunks:
                parts.append(chunk.text)
                yield DraftDelta(chunk.text)
            status = "complete"
        except ModelError as error:
            status, failure = "error", error
        finally:
            if status == "streaming":
                status = "stopped"
            with anyio.CancelScope(shield=True):
                await chunks.aclose()
                finished = await _in_thread(
                    lambda: self._finish(prepared, stream, "".join(parts), status, failure)
                )
        if failure is not None:
            yield DraftFailed(code=failure.code, message=failure.message, draft_id=self.draft_id)
        else:
            yield finished


def _clean_output(text: str) -> str:
    """The model's text without a wrapping code fence (models like to add one)."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0]
    return stripped.strip() + "\n" if stripped.strip() else ""
