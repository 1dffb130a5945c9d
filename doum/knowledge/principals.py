"""The Principal a command-line run acts as (``--user``; default: the first administrator).

Until the accounts service offers one, this reads the account rows directly.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.models import GroupMember, User, UserRole
from doum.accounts.principal import Principal
from doum.errors import NotFound


def principal_for(session: Session, username: str | None = None) -> Principal:
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound("retrieval.user_unknown", username=username)
    else:
        user = session.scalar(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "admin", User.is_active.is_(True))
            .order_by(User.id)
        )
        if user is None:
            raise NotFound("retrieval.no_cli_user")
    groups = frozenset(
        session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id))
    )
    return Principal(
        user_id=user.id,
        username=user.username,
        department_id=user.department_id,
        group_ids=groups,
        roles=frozenset(user.roles),
        display_name=user.display_name,
    )
