"""Running an editing tool on a draft (or on one of its files) and applying what it
proposes.

A run reads the text, routes by the draft's data class, runs the tool with progress
events, stores the result as a :class:`~doum.drafting.models.DraftSuggestion` and
audits it with every prompt and output. Nothing changes the draft until the official
applies the suggestion: proofreading and plain-language edits hunk by hunk, a summary
or a translation as the new body or as a new draft.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

import anyio
from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.audit.log import AuditContext
from doum.db.base import utcnow
from doum.drafting.attachments import get_attachment
from doum.drafting.calls import ModelCaller
from doum.drafting.diff import apply
from doum.drafting.drafts import get_draft, record_revision
from doum.drafting.errors import (
    DraftingConflict,
    DraftingInvalid,
    DraftingNotFound,
    RelayedError,
)
from doum.drafting.models import Draft, DraftSuggestion
from doum.drafting.rewrite import rewrite
from doum.drafting.summarise import Summariser
from doum.drafting.translate import LANGUAGES, parse_terms, translate
from doum.errors import DoumError
from doum.messages import message_for
from doum.runtime import Runtime

logger = logging.getLogger(__name__)
TOOLS = ("summarise", "proofread", "plain", "translate")
TOOL_LABELS = {"summarise": "요약", "proofread": "교정", "plain": "쉬운 말", "translate": "번역"}
T = TypeVar("T")


@dataclass(slots=True)
class ToolOptions:
    source: str = "content"
    """``content`` or ``attachment:<id>``."""
    ratio: float | None = None
    target_chars: int | None = None
    language: str = "en"
    terms: str = ""


@dataclass(slots=True)
class ToolStarted:
    draft_id: str
    tool: str
    model: str
    model_label: str
    data_class: str
    source_chars: int
    notices: list[str] = field(default_factory=list)
    type: str = "start"


@dataclass(slots=True)
class ToolProgress:
    done: int
    total: int
    label: str
    type: str = "progress"


@dataclass(slots=True)
class ToolFinished:
    suggestion: dict[str, Any]
    type: str = "done"


@dataclass(slots=True)
class ToolFailed:
    code: str
    message: str
    status: int = 400
    type: str = "error"


ToolEvent = ToolStarted | ToolProgress | ToolFinished | ToolFailed


def event_dict(event: ToolEvent) -> dict[str, Any]:
    return asdict(event)


def suggestion_dict(row: DraftSuggestion) -> dict[str, Any]:
    return {
        "id": row.id,
        "draft_id": row.draft_id,
        "tool": row.tool,
        "tool_label": TOOL_LABELS.get(row.tool, row.tool),
        "status": row.status,
        "base_content": row.base_content,
        "proposed": row.proposed,
        "hunks": row.hunks,
        "meta": row.meta,
        "model": row.model,
        "created_at": row.created_at.isoformat(timespec="seconds"),
    }


async def _in_thread(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


class ToolRun:
    def __init__(
        self,
        runtime: Runtime,
        *,
        principal: Principal,
        draft_id: str,
        tool: str,
        options: ToolOptions | None = None,
        model: str | None = None,
        ip: str = "",
        via: str = "web",
    ) -> None:
        if tool not in TOOLS:
            raise DraftingInvalid("drafting.tool_unknown", tool=tool)
        self.runtime = runtime
        self.principal = principal
        self.draft_id = draft_id
        self.tool = tool
        self.options = options or ToolOptions()
        self.model = model
        self.context = AuditContext.of(principal, ip)
        self.via = via
        settings = runtime.settings.drafting
        ratio = self.options.ratio or settings.summary_ratio
        if not 0.05 <= ratio <= 0.9:
            raise DraftingInvalid("drafting.ratio_invalid", ratio=ratio)
        self.ratio = ratio
        if tool == "translate" and self.options.language not in LANGUAGES:
            raise DraftingInvalid("drafting.language_unsupported", language=self.options.language)

    def _read(self) -> tuple[str, str, str, str]:
        """(text, title, data class, model) of what the tool works on."""
        with self.runtime.database.reader() as session:
            draft = get_draft(session, self.principal, self.draft_id)
            source = self.options.source
            if source.startswith("attachment:"):
                attachment = get_attachment(
                    session, self.principal, draft.id, source.split(":", 1)[1]
                )
                text, title = attachment.text, attachment.filename
            else:
                text, title = draft.content, draft.title
            if not text.strip():
                raise DraftingInvalid("drafting.nothing_to_process")
            return text, title, draft.data_class, self.model or draft.model

    async def _run(
        self, caller: ModelCaller, text: str, title: str, progress: Callable[[int, int, str], None]
    ) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
        settings = self.runtime.settings.drafting
        if self.tool == "summarise":
            ratio = self.ratio
            if self.options.target_chars:
                source_chars = len("".join(text.split()))
                ratio = min(0.9, max(0.02, self.options.target_chars / max(1, source_chars)))
            summary = await Summariser(
                caller,
                ratio=ratio,
                min_section_chars=settings.summary_min_section_chars,
                concurrency=settings.summary_concurrency,
                progress=progress,
            ).summarise(text, title=title)
            meta = {
                "ratio": round(summary.ratio, 3),
                "target_ratio": round(ratio, 3),
                "source_chars": summary.source_chars,
                "summary_chars": summary.summary_chars,
                "sections": summary.sections,
                "units": summary.units,
                "extractive": summary.extractive,
                "notices": summary.notices,
                "title": f"{title} 요약",
            }
            return summary.markdown, [], meta
        if self.tool in ("proofread", "plain"):
            result = await rewrite(caller, text, mode=self.tool, progress=progress)
            meta = {
                "rule_changes": result.rule_changes,
                "rejected_groups": result.rejected_groups,
                "notices": result.notices,
            }
            return result.proposed, result.hunks, meta
        translation = await translate(
            caller,
            text,
            language=self.options.language,
            terms=parse_terms(self.options.terms),
            extra_glossary=settings.glossary,
            progress=progress,
        )
        meta = {
            "language": translation.language,
            "terms": translation.terms,
            "missing_terms": translation.missing,
            "notices": translation.notices,
            "title": f"{title} ({LANGUAGES[translation.language]})",
        }
        return translation.text, [], meta

    def _save(
        self,
        text: str,
        base: str,
        proposed: str,
        hunks: list[dict[str, Any]],
        meta: dict[str, Any],
        caller: ModelCaller,
        data_class: str,
    ) -> dict[str, Any]:
        with self.runtime.database.session() as session:
            draft = get_draft(session, self.principal, self.draft_id)
            row = DraftSuggestion(
                draft_id=draft.id,
                tool=self.tool,
                base_content=base,
                proposed=proposed,
                hunks=hunks,
                meta={**meta, **caller.totals(), "source": self.options.source},
                model=caller.model.name,
            )
            session.add(row)
            session.flush()
            self.runtime.audit.record(
                session,
                context=self.context,
                action=f"draft.{self.tool}",
                target_type="draft",
                target_id=draft.id,
                data_class=data_class,
                details={
                    "suggestion_id": row.id,
                    "source": self.options.source,
                    "input_chars": len(text),
                    "calls": caller.audit_calls(),
                    "proposed": proposed,
                    "via": self.via,
                },
            )
            return suggestion_dict(row)

    async def events(self) -> AsyncIterator[ToolEvent]:
        try:
            text, title, data_class, model_name = await _in_thread(self._read)
            route = self.runtime.gateway.route(model_name or None, data_class)
        except DoumError as error:
            yield ToolFailed(error.code, error.message, error.http_status)
            return
        caller = ModelCaller(self.runtime, route)
        notices = []
        if route.primary.demo:
            notices += [
                message_for("model.demo_notice", model=route.primary.display_name),
                message_for("drafting.demo_tools"),
            ]
        yield ToolStarted(
            self.draft_id,
            self.tool,
            route.primary.name,
            route.primary.display_name,
            data_class,
            len(text),
            notices,
        )
        queue: asyncio.Queue[ToolProgress] = asyncio.Queue()
        task = asyncio.ensure_future(
            self._run(
                caller, text, title, lambda d, t, label: queue.put_nowait(ToolProgress(d, t, label))
            )
        )
        try:
            while not task.done():
                getter = asyncio.ensure_future(queue.get())
                await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if getter.done():
                    yield getter.result()
                else:
                    getter.cancel()
            while not queue.empty():
                yield queue.get_nowait()
            proposed, hunks, meta = task.result()
        except DoumError as error:
            yield ToolFailed(error.code, error.message, error.http_status)
            return
        finally:
            if not task.done():
                task.cancel()
        saved = await _in_thread(
            lambda: self._save(text, text, proposed, hunks, meta, caller, data_class)
        )
        yield ToolFinished(saved)


async def run_tool(
    run: ToolRun, *, on_event: Callable[[ToolEvent], None] | None = None
) -> dict[str, Any]:
    """Run to the end and return the suggestion (for the JSON API and the CLI)."""
    async for event in run.events():
        if on_event is not None:
            on_event(event)
        if isinstance(event, ToolFailed):
            raise RelayedError(event.code, event.message, event.status)
        if isinstance(event, ToolFinished):
            return event.suggestion
    raise RelayedError("drafting.error", message_for("drafting.error", detail="결과 없음"), 500)


# --- applying ---------------------------------------------------------------------------


def get_suggestion(
    session: Session, principal: Principal, draft_id: str, suggestion_id: str
) -> DraftSuggestion:
    draft = get_draft(session, principal, draft_id)
    row = session.scalar(
        select(DraftSuggestion).where(
            DraftSuggestion.id == suggestion_id, DraftSuggestion.draft_id == draft.id
        )
    )
    if row is None:
        raise DraftingNotFound("drafting.suggestion_not_found")
    return row


def apply_suggestion(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    draft_id: str,
    suggestion_id: str,
    accept: list[int] | None = None,
    mode: str = "replace",
) -> Draft:
    """Apply a suggestion: the accepted hunks (all when ``accept`` is None) into the
    body, or the whole result as the body (``replace``) or as a new draft (``new``)."""
    draft = get_draft(session, principal, draft_id)
    row = get_suggestion(session, principal, draft_id, suggestion_id)
    if row.status != "open":
        raise DraftingConflict("drafting.suggestion_closed")
    if mode not in ("replace", "new"):
        raise DraftingInvalid("drafting.invalid", detail=f"mode: {mode}")
    from_content = row.meta.get("source", "content") == "content"
    if from_content and mode == "replace" and draft.content != row.base_content:
        raise DraftingConflict("drafting.suggestion_stale")
    if row.hunks:
        ids = [h["id"] for h in row.hunks] if accept is None else accept
        result = apply(row.base_content, row.hunks, ids)
        accepted = sorted(set(ids) & {h["id"] for h in row.hunks})
    else:
        result, accepted = row.proposed, []
    target = draft
    if mode == "new":
        target = Draft(
            owner_id=principal.user_id,
            department_id=principal.department_id,
            doc_type="summary" if row.tool == "summarise" else draft.doc_type,
            title=str(row.meta.get("title") or f"{draft.title} ({TOOL_LABELS[row.tool]})")[:300],
            content=result,
            data_class=draft.data_class,
            status="complete",
            sources=list(draft.sources or []),
        )
        session.add(target)
        session.flush()
    else:
        draft.content = result
    target.updated_at = utcnow()
    record_revision(session, target, row.tool, principal)
    row.status = "applied"
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.apply",
        target_type="draft",
        target_id=target.id,
        data_class=target.data_class,
        details={
            "suggestion_id": row.id,
            "tool": row.tool,
            "mode": mode,
            "from_draft": draft.id,
            "accepted": accepted,
            "rejected": sorted({h["id"] for h in row.hunks} - set(accepted)),
        },
    )
    return target


def discard_suggestion(
    session: Session, principal: Principal, auditing: Auditing, *, draft_id: str, suggestion_id: str
) -> None:
    row = get_suggestion(session, principal, draft_id, suggestion_id)
    row.status = "discarded"
    auditing.log.record(
        session,
        context=auditing.context,
        action="draft.discard",
        target_type="draft",
        target_id=draft_id,
        details={"suggestion_id": row.id, "tool": row.tool},
    )
