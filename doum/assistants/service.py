"""Department assistants: keyword-only service functions, a Principal first, every change
audited. Who may see and change one is in :mod:`doum.assistants.access`; what the
catalogue shows in :mod:`doum.assistants.views`.

An assistant never widens access: chatting with it retrieves from its knowledge bases
with the *user's* permissions. :func:`~doum.assistants.access.share_gaps` tells the
manager which shared departments cannot read which of its knowledge bases, and
``grant_read`` closes the gaps (as audited knowledge-base grants) where the manager may
grant.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from doum.accounts.models import Department
from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.assistants.access import (
    assistant_kb_ids,
    can_create,
    get_assistant,
    may_edit,
    share_gaps,
    shared_ids,
    visible_assistant_ids,
)
from doum.assistants.errors import AssistantConflict, AssistantForbidden, AssistantInvalid
from doum.assistants.models import DEFAULT_K, Assistant, AssistantKnowledgeBase, AssistantShare
from doum.assistants.views import AssistantView, assistant_view, list_assistants
from doum.db.base import utcnow
from doum.knowledge.access import readable_kb_ids, writable_kb_ids
from doum.knowledge.models import DATA_CLASSES, KnowledgeBase
from doum.knowledge.service import grant_access

__all__ = [
    "DEFAULT_K",
    "AssistantSpec",
    "AssistantView",
    "assistant_kb_ids",
    "assistant_view",
    "can_create",
    "close_share_gaps",
    "create_assistant",
    "delete_assistant",
    "get_assistant",
    "list_assistants",
    "share_gaps",
    "update_assistant",
    "visible_assistant_ids",
]

MAX_KNOWLEDGE_BASES = 20
MAX_INSTRUCTIONS = 8_000


@dataclass(frozen=True, slots=True)
class AssistantSpec:
    """What a manager sets. ``None`` fields of an update are left unchanged."""

    name: str | None = None
    description: str | None = None
    instructions: str | None = None
    department_id: int | None = None
    data_class: str | None = None
    kb_ids: Sequence[str] | None = None
    allowed_models: Sequence[str] | None = None
    shared_department_ids: Sequence[int] | None = None
    k: int | None = None
    sources_first: bool | None = None


# --- validation -------------------------------------------------------------------------


def _check(
    session: Session,
    principal: Principal,
    spec: AssistantSpec,
    known_models: Collection[str],
) -> None:
    if spec.name is not None and not 1 <= len(spec.name.strip()) <= 100:
        raise AssistantInvalid("assistant.name_invalid")
    if spec.data_class is not None and spec.data_class not in DATA_CLASSES:
        raise AssistantInvalid("kb.data_class_invalid", data_class=spec.data_class)
    if spec.instructions is not None and len(spec.instructions) > MAX_INSTRUCTIONS:
        raise AssistantInvalid("assistant.instructions_too_long", limit=f"{MAX_INSTRUCTIONS:,}")
    if spec.k is not None and not 1 <= spec.k <= 10:
        raise AssistantInvalid("assistant.k_invalid")
    if spec.kb_ids is not None:
        if len(spec.kb_ids) > MAX_KNOWLEDGE_BASES:
            raise AssistantInvalid("assistant.too_many_kbs", limit=MAX_KNOWLEDGE_BASES)
        readable = set(
            session.scalars(
                select(KnowledgeBase.id).where(
                    KnowledgeBase.id.in_(list(spec.kb_ids)),
                    KnowledgeBase.id.in_(readable_kb_ids(principal)),
                )
            )
        )
        for kb_id in spec.kb_ids:
            if kb_id not in readable:
                raise AssistantInvalid("kb.not_found", name=kb_id)
    for model in spec.allowed_models or ():
        if model not in known_models:
            raise AssistantInvalid("model.unknown", model=model)
    for department_id in spec.shared_department_ids or ():
        if session.get(Department, department_id) is None:
            raise AssistantInvalid("account.department_unknown", department=department_id)


def _settings(assistant: Assistant) -> dict[str, Any]:
    return dict(assistant.settings_json or {})


def _apply(session: Session, assistant: Assistant, spec: AssistantSpec) -> dict[str, Any]:
    """Write ``spec`` onto ``assistant``; returns what changed (for the audit record)."""
    changed: dict[str, Any] = {}
    for attribute in ("name", "description", "instructions", "data_class"):
        value = getattr(spec, attribute)
        if value is not None:
            value = value.strip() if attribute != "instructions" else value
            if getattr(assistant, attribute) != value:
                changed[attribute] = value
                setattr(assistant, attribute, value)
    if spec.allowed_models is not None:
        models = list(dict.fromkeys(spec.allowed_models))
        if list(assistant.allowed_models or []) != models:
            changed["allowed_models"] = models
            assistant.allowed_models = models
    settings = _settings(assistant)
    for key, value in (("k", spec.k), ("sources_first", spec.sources_first)):
        if value is not None and settings.get(key) != value:
            settings[key] = changed[key] = value
    assistant.settings_json = settings
    session.flush()
    if spec.kb_ids is not None:
        wanted = list(dict.fromkeys(spec.kb_ids))
        if assistant_kb_ids(session, assistant.id) != sorted(wanted):
            session.execute(
                delete(AssistantKnowledgeBase).where(
                    AssistantKnowledgeBase.assistant_id == assistant.id
                )
            )
            session.add_all(
                AssistantKnowledgeBase(assistant_id=assistant.id, kb_id=k) for k in wanted
            )
            changed["kb_ids"] = wanted
    if spec.shared_department_ids is not None:
        wanted_departments = sorted(set(spec.shared_department_ids))
        if shared_ids(session, assistant.id) != wanted_departments:
            session.execute(
                delete(AssistantShare).where(AssistantShare.assistant_id == assistant.id)
            )
            session.add_all(
                AssistantShare(assistant_id=assistant.id, department_id=d)
                for d in wanted_departments
            )
            changed["shared_department_ids"] = wanted_departments
    if changed:
        assistant.updated_at = utcnow()
    session.flush()
    return changed


def _name_free(session: Session, department_id: int, name: str, exclude: str = "") -> None:
    taken = session.scalar(
        select(Assistant.id).where(
            Assistant.department_id == department_id,
            Assistant.name == name.strip(),
            Assistant.id != exclude,
        )
    )
    if taken:
        raise AssistantConflict(name=name.strip())


# --- changes ----------------------------------------------------------------------------


def create_assistant(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    spec: AssistantSpec,
    known_models: Collection[str],
    grant_read: bool = False,
) -> Assistant:
    """A new assistant of ``spec.department_id`` (default: the creator's department)."""
    department_id = (
        spec.department_id if spec.department_id is not None else principal.department_id
    )
    if department_id is None:
        raise AssistantInvalid("kb.department_required")
    if not principal.is_admin and not (
        principal.is_department_manager and department_id == principal.department_id
    ):
        raise AssistantForbidden()
    if session.get(Department, department_id) is None:
        raise AssistantInvalid("account.department_unknown", department=department_id)
    if not (spec.name or "").strip():
        raise AssistantInvalid("assistant.name_invalid")
    _check(session, principal, spec, known_models)
    _name_free(session, department_id, spec.name or "")
    assistant = Assistant(
        name="",
        department_id=department_id,
        data_class=spec.data_class or "S",
        created_by=principal.user_id,
        allowed_models=[],
        settings_json={"k": DEFAULT_K, "sources_first": False},
    )
    session.add(assistant)
    session.flush()
    changed = _apply(session, assistant, spec)
    _audit(session, auditing, "assistant.create", assistant, changed)
    if spec.shared_department_ids:
        _audit_share(session, auditing, assistant)
    if grant_read:
        close_share_gaps(session, principal, auditing, assistant=assistant)
    return assistant


def update_assistant(
    session: Session,
    principal: Principal,
    auditing: Auditing,
    *,
    assistant_id: str,
    spec: AssistantSpec,
    known_models: Collection[str],
    grant_read: bool = False,
) -> Assistant:
    assistant = get_assistant(session, principal, assistant_id)
    if not may_edit(principal, assistant):
        raise AssistantForbidden()
    if spec.department_id is not None and spec.department_id != assistant.department_id:
        raise AssistantInvalid("assistant.department_fixed")
    _check(session, principal, spec, known_models)
    if spec.name is not None:
        _name_free(session, assistant.department_id, spec.name, exclude=assistant.id)
    changed = _apply(session, assistant, spec)
    if changed:
        _audit(session, auditing, "assistant.update", assistant, changed)
    if "shared_department_ids" in changed:
        _audit_share(session, auditing, assistant)
    if grant_read:
        close_share_gaps(session, principal, auditing, assistant=assistant)
    return assistant


def delete_assistant(
    session: Session, principal: Principal, auditing: Auditing, *, assistant_id: str
) -> None:
    assistant = get_assistant(session, principal, assistant_id)
    if not may_edit(principal, assistant):
        raise AssistantForbidden()
    _audit(session, auditing, "assistant.delete", assistant, {"name": assistant.name})
    session.delete(assistant)
    session.flush()


def _audit(
    session: Session,
    auditing: Auditing,
    action: str,
    assistant: Assistant,
    details: dict[str, Any],
) -> None:
    auditing.log.record(
        session,
        context=auditing.context,
        action=action,
        target_type="assistant",
        target_id=assistant.id,
        data_class=assistant.data_class,
        details={"name": assistant.name, "department_id": assistant.department_id, **details},
    )


def _audit_share(session: Session, auditing: Auditing, assistant: Assistant) -> None:
    _audit(
        session,
        auditing,
        "assistant.share",
        assistant,
        {"shared_department_ids": shared_ids(session, assistant.id)},
    )


def close_share_gaps(
    session: Session, principal: Principal, auditing: Auditing, *, assistant: Assistant
) -> int:
    """Grant ``read`` on the assistant's knowledge bases to the shared departments that
    lack it, where ``principal`` may grant. Each grant is audited. Returns how many."""
    writable = set(session.scalars(writable_kb_ids(principal)))
    granted = 0
    for department_id, kb_id in share_gaps(session, assistant):
        if kb_id not in writable:
            continue
        grant_access(session, principal, kb_ref=kb_id, department_id=department_id)
        auditing.log.record(
            session,
            context=auditing.context,
            action="kb.grant",
            target_type="knowledge_base",
            target_id=kb_id,
            details={
                "department_id": department_id,
                "permission": "read",
                "reason": "assistant.share",
                "assistant_id": assistant.id,
            },
        )
        granted += 1
    return granted
