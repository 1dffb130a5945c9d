"""Department assistants (맞춤형 도우미): the catalogue page and the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from doum.assistants import service
from doum.assistants.service import AssistantSpec
from doum.runtime import Runtime
from doum.web.deps import CallerDep, OptionalCallerDep, RuntimeDep
from doum.web.schemas_knowledge import AssistantCreate, AssistantUpdate
from doum.web.templating import render

router = APIRouter(tags=["assistants"])

T = TypeVar("T")


async def _in_session(runtime: Runtime, fn: Callable[[Session], T], *, write: bool) -> T:
    def run() -> T:
        factory = runtime.database.session if write else runtime.database.reader
        with factory() as session:
            return fn(session)

    return await run_in_threadpool(run)


def _models(runtime: Runtime) -> list[str]:
    return [m.name for m in runtime.gateway.catalog()]


@router.get("/assistants", include_in_schema=False)
async def assistants_page(request: Request, caller: OptionalCallerDep) -> Response:
    if caller is None:
        return RedirectResponse("/login?next=/assistants", status_code=303)
    return render(request, "assistants.html", {"can_create": service.can_create(caller.principal)})


@router.get("/api/assistants")
async def list_assistants(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    views = await _in_session(
        runtime, lambda s: service.list_assistants(s, caller.principal), write=False
    )
    return {
        "assistants": [asdict(v) for v in views],
        "can_create": service.can_create(caller.principal),
        "department_id": caller.principal.department_id,
    }


@router.post("/api/assistants", status_code=201)
async def create_assistant(
    body: AssistantCreate, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    spec = AssistantSpec(**body.model_dump(exclude={"grant_read"}))
    models = _models(runtime)

    def run(session: Session) -> dict[str, Any]:
        assistant = service.create_assistant(
            session,
            caller.principal,
            caller.auditing(runtime),
            spec=spec,
            known_models=models,
            grant_read=body.grant_read,
        )
        return asdict(service.assistant_view(session, caller.principal, assistant))

    return await _in_session(runtime, run, write=True)


@router.get("/api/assistants/{assistant_id}")
async def get_assistant(
    assistant_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        assistant = service.get_assistant(session, caller.principal, assistant_id)
        return asdict(service.assistant_view(session, caller.principal, assistant))

    return await _in_session(runtime, run, write=False)


@router.patch("/api/assistants/{assistant_id}")
async def update_assistant(
    assistant_id: str, body: AssistantUpdate, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, Any]:
    spec = AssistantSpec(**body.model_dump(exclude={"grant_read"}))
    models = _models(runtime)

    def run(session: Session) -> dict[str, Any]:
        assistant = service.update_assistant(
            session,
            caller.principal,
            caller.auditing(runtime),
            assistant_id=assistant_id,
            spec=spec,
            known_models=models,
            grant_read=body.grant_read,
        )
        return asdict(service.assistant_view(session, caller.principal, assistant))

    return await _in_session(runtime, run, write=True)


@router.delete("/api/assistants/{assistant_id}")
async def delete_assistant(
    assistant_id: str, caller: CallerDep, runtime: RuntimeDep
) -> dict[str, bool]:
    await _in_session(
        runtime,
        lambda s: service.delete_assistant(
            s, caller.principal, caller.auditing(runtime), assistant_id=assistant_id
        ),
        write=True,
    )
    return {"ok": True}
