"""Administration: departments, users, groups, model status (administrators only)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from doum.accounts import service
from doum.accounts.models import User
from doum.accounts.roles import Role
from doum.db.base import utcnow
from doum.web.deps import AdminDep, RuntimeDep
from doum.web.schemas import (
    DepartmentCreate,
    DepartmentPublic,
    GroupCreate,
    GroupPublic,
    PasswordResetIn,
    UserCreate,
    UserPublic,
    UserUpdate,
)

router = APIRouter(prefix="/api/admin", tags=["admin"])


def user_public(user: User) -> UserPublic:
    now = utcnow()
    return UserPublic(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        position=user.position,
        department_id=user.department_id,
        department=user.department.name if user.department else "",
        roles=sorted(user.roles),
        is_active=user.is_active,
        locked=bool(user.locked_until and user.locked_until > now),
        last_login_at=user.last_login_at.isoformat(timespec="seconds")
        if user.last_login_at
        else None,
    )


@router.get("/users")
async def list_users(
    caller: AdminDep, runtime: RuntimeDep, q: str = ""
) -> dict[str, list[UserPublic]]:
    def run() -> list[UserPublic]:
        with runtime.database.reader() as session:
            return [user_public(u) for u in service.list_users(session, query=q[:100])]

    return {"users": await run_in_threadpool(run)}


@router.post("/users", status_code=201)
async def create_user(body: UserCreate, caller: AdminDep, runtime: RuntimeDep) -> UserPublic:
    def run() -> UserPublic:
        with runtime.database.session() as session:
            user = service.create_user(
                session,
                auditing=caller.auditing(runtime),
                username=body.username,
                password=body.password,
                display_name=body.display_name,
                department=body.department or None,
                roles={Role(r) for r in body.roles},
                email=body.email,
                position=body.position,
                password_min_length=runtime.settings.security.password_min_length,
            )
            session.refresh(user)
            return user_public(user)

    return await run_in_threadpool(run)


@router.patch("/users/{user_id}")
async def update_user(
    user_id: int, body: UserUpdate, caller: AdminDep, runtime: RuntimeDep
) -> UserPublic:
    def run() -> UserPublic:
        with runtime.database.session() as session:
            user = service.get_user(session, user_id)
            service.update_user(
                session,
                auditing=caller.auditing(runtime),
                user=user,
                display_name=body.display_name,
                department=body.department,
                roles={Role(r) for r in body.roles} if body.roles is not None else None,
                is_active=body.is_active,
                email=body.email,
                position=body.position,
            )
            if body.is_active is False:
                from doum.accounts.auth import end_sessions_of

                end_sessions_of(session, user_id=user.id)
            session.flush()
            session.refresh(user)
            return user_public(user)

    updated = await run_in_threadpool(run)
    runtime.token_cache.clear()  # roles, department or activity may have changed
    return updated


@router.post("/users/{user_id}/password")
async def reset_password(
    user_id: int, body: PasswordResetIn, caller: AdminDep, runtime: RuntimeDep
) -> dict[str, bool]:
    def run() -> None:
        with runtime.database.session() as session:
            user = service.get_user(session, user_id)
            service.set_password(
                session,
                auditing=caller.auditing(runtime),
                user=user,
                password=body.password,
                min_length=runtime.settings.security.password_min_length,
            )

    await run_in_threadpool(run)
    return {"ok": True}


@router.get("/departments")
async def list_departments(
    caller: AdminDep, runtime: RuntimeDep
) -> dict[str, list[DepartmentPublic]]:
    def run() -> list[DepartmentPublic]:
        with runtime.database.reader() as session:
            return [
                DepartmentPublic(
                    id=d.id, name=d.name, code=d.code, parent_id=d.parent_id, members=n
                )
                for d, n in service.list_departments(session)
            ]

    return {"departments": await run_in_threadpool(run)}


@router.post("/departments", status_code=201)
async def create_department(
    body: DepartmentCreate, caller: AdminDep, runtime: RuntimeDep
) -> DepartmentPublic:
    def run() -> DepartmentPublic:
        with runtime.database.session() as session:
            d = service.create_department(
                session,
                auditing=caller.auditing(runtime),
                name=body.name,
                code=body.code,
                parent=body.parent or None,
            )
            return DepartmentPublic(
                id=d.id, name=d.name, code=d.code, parent_id=d.parent_id, members=0
            )

    return await run_in_threadpool(run)


@router.delete("/departments/{department_id}")
async def delete_department(
    department_id: int, caller: AdminDep, runtime: RuntimeDep
) -> dict[str, bool]:
    def run() -> None:
        with runtime.database.session() as session:
            service.delete_department(
                session, auditing=caller.auditing(runtime), department_id=department_id
            )

    await run_in_threadpool(run)
    runtime.token_cache.clear()
    return {"ok": True}


@router.get("/groups")
async def list_groups(caller: AdminDep, runtime: RuntimeDep) -> dict[str, list[GroupPublic]]:
    def run() -> list[GroupPublic]:
        with runtime.database.reader() as session:
            return [
                GroupPublic(id=g.id, name=g.name, description=g.description)
                for g in service.list_groups(session)
            ]

    return {"groups": await run_in_threadpool(run)}


@router.post("/groups", status_code=201)
async def create_group(body: GroupCreate, caller: AdminDep, runtime: RuntimeDep) -> GroupPublic:
    def run() -> GroupPublic:
        with runtime.database.session() as session:
            auditing = caller.auditing(runtime)
            group = service.create_group(
                session, auditing=auditing, name=body.name, description=body.description
            )
            if body.members:
                service.set_group_members(
                    session, auditing=auditing, group=group, usernames=body.members
                )
            return GroupPublic(id=group.id, name=group.name, description=group.description)

    created = await run_in_threadpool(run)
    runtime.token_cache.clear()  # members' permissions include their groups
    return created


@router.get("/models")
async def model_status(caller: AdminDep, runtime: RuntimeDep) -> dict[str, object]:
    return {"models": [asdict(s) for s in runtime.gateway.status()]}
