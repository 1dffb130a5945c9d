"""Drafting templates, project facts (fact reuse) and the knowledge bases a draft may be
grounded on (JSON API)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from doum.drafting import facts, templates, views
from doum.drafting.errors import DraftingInvalid
from doum.drafting.knowledge import knowledge_for
from doum.drafting.spec import DOC_TYPES
from doum.messages import message_for
from doum.web.deps import CallerDep, RuntimeDep
from doum.web.routes.drafting_common import in_reader, in_session
from doum.web.schemas_drafting import (
    FactSetWrite,
    TemplateCopy,
    TemplateFill,
    TemplateWrite,
)

router = APIRouter(tags=["drafting"])


@router.get("/api/drafting/templates")
async def list_templates(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    specs = await in_reader(runtime, lambda s: templates.list_templates(s, caller.principal))
    return {
        "templates": [views.template_dict(t, caller.principal) for t in specs],
        "doc_types": DOC_TYPES,
        "fact_names": views.fact_names(),
    }


@router.get("/api/drafting/templates/{template_id}")
async def get_template(template_id: str, caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    spec = await in_reader(
        runtime, lambda s: templates.get_template(s, caller.principal, template_id)
    )
    return views.template_dict(spec, caller.principal, full=True)


def _definition(body: TemplateWrite) -> dict[str, Any]:
    if body.toml is not None:
        return templates.definition_from_toml(body.toml)
    if body.definition is None:
        raise DraftingInvalid(
            "drafting.template_invalid", detail="definition 또는 toml 이 필요합니다"
        )
    return body.definition


@router.post("/api/drafting/templates", status_code=201)
async def create_template(
    body: TemplateWrite, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    definition = _definition(body)
    spec = await in_session(
        runtime,
        lambda s: templates.create_template(
            s,
            caller.principal,
            caller.auditing(runtime),
            definition=definition,
            scope=body.scope,
            department_id=body.department_id,
        ),
    )
    return views.template_dict(spec, caller.principal, full=True)


@router.put("/api/drafting/templates/{template_id}")
async def update_template(
    template_id: str, body: TemplateWrite, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    definition = _definition(body)
    spec = await in_session(
        runtime,
        lambda s: templates.update_template(
            s,
            caller.principal,
            caller.auditing(runtime),
            template_id=template_id,
            definition=definition,
        ),
    )
    return views.template_dict(spec, caller.principal, full=True)


@router.delete("/api/drafting/templates/{template_id}")
async def delete_template(
    template_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    await in_session(
        runtime,
        lambda s: templates.delete_template(
            s, caller.principal, caller.auditing(runtime), template_id=template_id
        ),
    )
    return {"ok": True}


@router.post("/api/drafting/templates/{template_id}/copy", status_code=201)
async def copy_template(
    template_id: str, body: TemplateCopy, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    spec = await in_session(
        runtime,
        lambda s: templates.copy_template(
            s,
            caller.principal,
            caller.auditing(runtime),
            template_id=template_id,
            scope=body.scope,
            name=body.name,
        ),
    )
    return views.template_dict(spec, caller.principal, full=True)


@router.post("/api/drafting/templates/{template_id}/fill")
async def fill_template(
    template_id: str, body: TemplateFill, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """The form of ``template_id`` filled from a fact set (or given facts)."""

    def run(session: Any) -> dict[str, Any]:
        spec = templates.get_template(session, caller.principal, template_id)
        source = dict(body.facts or {})
        if body.fact_set_id:
            source = {
                **facts.get_fact_set(session, caller.principal, body.fact_set_id).facts,
                **source,
            }
        current = {k: str(v) for k, v in (body.fields or {}).items() if v}
        return {"fields": facts.fill_fields(spec, source, current)}

    return await in_reader(runtime, run)


# --- project facts ---------------------------------------------------------------------


@router.get("/api/drafting/facts")
async def list_fact_sets(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    rows = await in_reader(
        runtime,
        lambda s: [
            views.fact_set_dict(r, caller.principal)
            for r in facts.list_fact_sets(s, caller.principal)
        ],
    )
    return {"fact_sets": rows, "fact_names": views.fact_names()}


@router.post("/api/drafting/facts", status_code=201)
async def create_fact_set(
    body: FactSetWrite, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await in_session(
        runtime,
        lambda s: views.fact_set_dict(
            facts.save_fact_set(
                s,
                caller.principal,
                caller.auditing(runtime),
                name=body.name,
                facts=body.facts,
                data_class=body.data_class,
                shared=body.shared,
            ),
            caller.principal,
        ),
    )


@router.put("/api/drafting/facts/{fact_set_id}")
async def update_fact_set(
    fact_set_id: str, body: FactSetWrite, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    return await in_session(
        runtime,
        lambda s: views.fact_set_dict(
            facts.save_fact_set(
                s,
                caller.principal,
                caller.auditing(runtime),
                name=body.name,
                facts=body.facts,
                data_class=body.data_class,
                shared=body.shared,
                fact_set_id=fact_set_id,
            ),
            caller.principal,
        ),
    )


@router.delete("/api/drafting/facts/{fact_set_id}")
async def delete_fact_set(
    fact_set_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    await in_session(
        runtime,
        lambda s: facts.delete_fact_set(
            s, caller.principal, caller.auditing(runtime), fact_set_id=fact_set_id
        ),
    )
    return {"ok": True}


@router.get("/api/drafting/knowledge-bases")
async def knowledge_bases(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    search = knowledge_for(runtime)
    if search is None:
        return {
            "available": False,
            "knowledge_bases": [],
            "notice": message_for("drafting.knowledge_unavailable"),
        }
    found = await run_in_threadpool(search.knowledge_bases, caller.principal)
    return {
        "available": True,
        "knowledge_bases": [
            {"id": k.id, "name": k.name, "data_class": k.data_class, "description": k.description}
            for k in found
        ],
        "notice": "",
    }


# --- drafts ----------------------------------------------------------------------------
