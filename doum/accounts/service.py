"""Departments, users, groups and roles. Every change is audited in the same
transaction as the change itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from doum.accounts.errors import AccountError
from doum.accounts.models import Department, Group, GroupMember, User, UserRole
from doum.accounts.passwords import hash_password
from doum.accounts.principal import Principal
from doum.accounts.roles import Role
from doum.audit.log import AuditContext, AuditLog
from doum.errors import NotFound

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


@dataclass(frozen=True, slots=True)
class Auditing:
    """The audit log and who is acting: passed to every service call that changes data."""

    log: AuditLog
    context: AuditContext


def check_password_strength(password: str, *, username: str, min_length: int) -> None:
    if len(password) < min_length or password.lower() == username.lower():
        raise AccountError("account.password_weak", min_length=min_length)


def principal_for(session: Session, user: User) -> Principal:
    group_ids = frozenset(
        session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id))
    )
    return Principal(
        user_id=user.id,
        username=user.username,
        department_id=user.department_id,
        group_ids=group_ids,
        roles=frozenset(user.roles),
        display_name=user.name,
    )


# --- departments -----------------------------------------------------------------


def create_department(
    session: Session, *, auditing: Auditing, name: str, code: str = "", parent: str | None = None
) -> Department:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise AccountError("input.invalid", detail="부서 이름은 1~100자여야 합니다.")
    if session.scalar(select(Department.id).where(Department.name == name)):
        raise AccountError("account.department_taken", name=name)
    parent_id = get_department(session, parent).id if parent else None
    department = Department(name=name, code=code.strip(), parent_id=parent_id)
    session.add(department)
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action="admin.department_create",
        target_type="department",
        target_id=department.id,
        details={"name": name, "code": code, "parent_id": parent_id},
    )
    return department


def get_department(session: Session, name_or_id: str | int) -> Department:
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        found = session.get(Department, int(name_or_id))
    else:
        found = session.scalar(select(Department).where(Department.name == str(name_or_id)))
    if found is None:
        raise AccountError("account.department_unknown", department=name_or_id)
    return found


def list_departments(session: Session) -> list[tuple[Department, int]]:
    counts = (
        select(User.department_id, func.count(User.id).label("n"))
        .group_by(User.department_id)
        .subquery()
    )
    rows = session.execute(
        select(Department, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.department_id == Department.id)
        .order_by(Department.name)
    ).all()
    return [(d, int(n)) for d, n in rows]


def delete_department(session: Session, *, auditing: Auditing, department_id: int) -> None:
    department = get_department(session, department_id)
    if session.scalar(select(func.count(User.id)).where(User.department_id == department.id)):
        raise AccountError("account.department_in_use")
    session.delete(department)
    auditing.log.record(
        session,
        context=auditing.context,
        action="admin.department_delete",
        target_type="department",
        target_id=department_id,
        details={"name": department.name},
    )


# --- users -------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    auditing: Auditing,
    username: str,
    password: str | None,
    display_name: str = "",
    department: str | int | None = None,
    roles: set[Role] | None = None,
    email: str = "",
    position: str = "",
    password_min_length: int = 10,
    auth_source: str = "local",
) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("account.username_invalid")
    if session.scalar(select(User.id).where(User.username == username)):
        raise AccountError("account.username_taken", username=username)
    if password is not None:
        check_password_strength(password, username=username, min_length=password_min_length)
    department_id = get_department(session, department).id if department not in (None, "") else None
    roles = roles or {Role.STAFF}
    user = User(
        username=username,
        display_name=display_name.strip()[:100],
        email=email.strip()[:200],
        position=position.strip()[:50],
        department_id=department_id,
        password_hash=hash_password(password) if password is not None else None,
        auth_source=auth_source,
        role_rows=[UserRole(role=r.value) for r in sorted(roles)],
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:
        raise AccountError("account.username_taken", username=username) from error
    auditing.log.record(
        session,
        context=auditing.context,
        action="admin.user_create",
        target_type="user",
        target_id=user.id,
        details={
            "username": username,
            "department_id": department_id,
            "roles": sorted(r.value for r in roles),
            "auth_source": auth_source,
        },
    )
    return user


def get_user(session: Session, username_or_id: str | int) -> User:
    if isinstance(username_or_id, int):
        user = session.get(User, username_or_id)
    else:
        user = session.scalar(select(User).where(User.username == username_or_id.strip().lower()))
    if user is None:
        raise NotFound("account.user_unknown", username=username_or_id)
    return user


def list_users(
    session: Session, *, query: str = "", department_id: int | None = None
) -> list[User]:
    stmt = select(User).order_by(User.username)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(User.username.ilike(like) | User.display_name.ilike(like))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    return list(session.scalars(stmt).unique())


def count_active_admins(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count(User.id))
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True))
        )
        or 0
    )


def update_user(
    session: Session,
    *,
    auditing: Auditing,
    user: User,
    display_name: str | None = None,
    department: str | int | None = None,
    roles: set[Role] | None = None,
    is_active: bool | None = None,
    email: str | None = None,
    position: str | None = None,
) -> User:
    changes: dict[str, object] = {}
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name.strip()[:100]
        changes["display_name"] = user.display_name
    if email is not None and email != user.email:
        user.email = email.strip()[:200]
        changes["email"] = user.email
    if position is not None and position != user.position:
        user.position = position.strip()[:50]
        changes["position"] = user.position
    if department is not None:
        new_id = get_department(session, department).id if department != "" else None
        if new_id != user.department_id:
            user.department_id = new_id
            changes["department_id"] = new_id
    losing_admin = False
    if roles is not None and {r.value for r in roles} != user.roles:
        losing_admin = Role.ADMIN.value in user.roles and Role.ADMIN not in roles
        user.role_rows = [UserRole(role=r.value) for r in sorted(roles)]
        changes["roles"] = sorted(r.value for r in roles)
    if is_active is not None and is_active != user.is_active:
        losing_admin = losing_admin or (not is_active and Role.ADMIN.value in user.roles)
        user.is_active = is_active
        changes["is_active"] = is_active
        if is_active:
            user.failed_logins = 0
            user.locked_until = None
    if losing_admin and count_active_admins(session) <= 1:
        raise AccountError("account.last_admin")
    if changes:
        session.flush()
        auditing.log.record(
            session,
            context=auditing.context,
            action="admin.user_update",
            target_type="user",
            target_id=user.id,
            details={"username": user.username, **changes},
        )
    return user


def set_password(
    session: Session,
    *,
    auditing: Auditing,
    user: User,
    password: str,
    min_length: int,
    action: str = "admin.password_reset",
) -> None:
    check_password_strength(password, username=user.username, min_length=min_length)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    auditing.log.record(
        session,
        context=auditing.context,
        action=action,
        target_type="user",
        target_id=user.id,
        details={"username": user.username},
    )


# --- groups ------------------------------------------------------------------------


def create_group(
    session: Session, *, auditing: Auditing, name: str, description: str = ""
) -> Group:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise AccountError("input.invalid", detail="그룹 이름은 1~100자여야 합니다.")
    if session.scalar(select(Group.id).where(Group.name == name)):
        raise AccountError("resource.conflict", detail=name)
    group = Group(name=name, description=description)
    session.add(group)
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action="admin.group_create",
        target_type="group",
        target_id=group.id,
        details={"name": name},
    )
    return group


def set_group_members(
    session: Session, *, auditing: Auditing, group: Group, usernames: list[str]
) -> None:
    users = [get_user(session, u) for u in usernames]
    existing = set(
        session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id))
    )
    wanted = {u.id for u in users}
    for user_id in existing - wanted:
        member = session.get(GroupMember, (group.id, user_id))
        if member is not None:
            session.delete(member)
    for user_id in wanted - existing:
        session.add(GroupMember(group_id=group.id, user_id=user_id))
    auditing.log.record(
        session,
        context=auditing.context,
        action="admin.group_members",
        target_type="group",
        target_id=group.id,
        details={"members": sorted(u.username for u in users)},
    )


def list_groups(session: Session) -> list[Group]:
    return list(session.scalars(select(Group).order_by(Group.name)))
