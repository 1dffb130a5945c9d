"""The first administrator: no default password anywhere.

On first start the server prints a one-time setup link (or, on a terminal, asks for the
administrator's username and password). The link's token is stored hashed and dies as
soon as the first administrator exists.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from doum.accounts.errors import AccountError
from doum.accounts.models import SetupState, User
from doum.accounts.roles import Role
from doum.accounts.service import Auditing, create_user
from doum.accounts.tokens import new_token, same, token_digest
from doum.db.base import utcnow


def needs_setup(session: Session) -> bool:
    return not session.scalar(select(func.count(User.id)))


def issue_setup_token(session: Session) -> str:
    token = new_token()
    state = session.get(SetupState, 1)
    if state is None:
        state = SetupState(id=1)
        session.add(state)
    state.token_hash = token_digest(token)
    state.completed_at = None
    return token


def check_setup_token(session: Session, token: str) -> bool:
    state = session.get(SetupState, 1)
    return bool(
        state
        and state.completed_at is None
        and state.token_hash
        and token
        and same(state.token_hash, token_digest(token))
    )


def create_first_admin(
    session: Session,
    *,
    auditing: Auditing,
    username: str,
    password: str,
    display_name: str = "",
    password_min_length: int = 10,
) -> User:
    if not needs_setup(session):
        raise AccountError("auth.setup_done")
    user = create_user(
        session,
        auditing=auditing,
        username=username,
        password=password,
        display_name=display_name or "관리자",
        roles={Role.ADMIN},
        password_min_length=password_min_length,
    )
    state = session.get(SetupState, 1)
    if state is not None:
        state.completed_at = utcnow()
        state.token_hash = ""
    return user
