"""Per-user API tokens for the OpenAI-compatible API (``Authorization: Bearer doum_…``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from doum.accounts.errors import AccountError
from doum.accounts.models import ApiToken, GroupMember, User, UserRole
from doum.accounts.principal import Principal
from doum.accounts.service import Auditing
from doum.accounts.tokens import API_TOKEN_PREFIX, new_token, token_digest
from doum.db.base import utcnow
from doum.errors import NotFound

LAST_USED_TOUCH_SECONDS = 300


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


def issue_token(
    session: Session, *, auditing: Auditing, user: User, name: str, expires_days: int | None = None
) -> IssuedToken:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise AccountError("token.name_invalid")
    plaintext = new_token(API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[: len(API_TOKEN_PREFIX) + 6],
        token_hash=token_digest(plaintext),
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    auditing.log.record(
        session,
        context=auditing.context,
        action="token.create",
        target_type="api_token",
        target_id=token.id,
        details={"owner": user.username, "name": name, "expires_days": expires_days},
    )
    return IssuedToken(token, plaintext)


def list_tokens(session: Session, *, user_id: int | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.scalars(query))


def revoke_token(
    session: Session, *, auditing: Auditing, token_id: int, owner_id: int | None
) -> None:
    """Revoke a token; ``owner_id`` restricts to the caller's own tokens (None = admin)."""
    query = select(ApiToken).where(ApiToken.id == token_id)
    if owner_id is not None:
        query = query.where(ApiToken.user_id == owner_id)
    token = session.scalar(query)
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        auditing.log.record(
            session,
            context=auditing.context,
            action="token.revoke",
            target_type="api_token",
            target_id=token.id,
            details={"name": token.name},
        )


def resolve_token(session: Session, *, plaintext: str) -> tuple[User, ApiToken] | None:
    """The live token and its owner, or ``None``. Read-only: see :func:`needs_touch`."""
    if not plaintext.startswith(API_TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(plaintext)))
    now = utcnow()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    return user, token


@dataclass(frozen=True, slots=True)
class TokenOwner:
    """What a request authenticated by an API token needs, read in three small queries."""

    principal: Principal
    token_id: int
    token_name: str
    stale: bool
    """``last_used_at`` is old enough to be worth a write."""
    expires_at: datetime | None = None


def authenticate_token(session: Session, *, plaintext: str) -> TokenOwner | None:
    """The hot path of every API call: Core queries, no ORM objects."""
    if not plaintext.startswith(API_TOKEN_PREFIX):
        return None
    tokens, users = ApiToken.__table__, User.__table__
    row = session.execute(
        select(
            tokens.c.id,
            tokens.c.name,
            tokens.c.last_used_at,
            tokens.c.expires_at,
            tokens.c.revoked_at,
            users.c.id.label("user_id"),
            users.c.username,
            users.c.display_name,
            users.c.department_id,
            users.c.is_active,
        )
        .join(users, users.c.id == tokens.c.user_id)
        .where(tokens.c.token_hash == token_digest(plaintext))
    ).first()
    now = utcnow()
    if row is None or row.revoked_at is not None or not row.is_active:
        return None
    expires_at = _aware(row.expires_at)
    if expires_at is not None and expires_at <= now:
        return None
    roles = frozenset(
        session.scalars(
            select(UserRole.__table__.c.role).where(UserRole.__table__.c.user_id == row.user_id)
        )
    )
    groups = frozenset(
        session.scalars(
            select(GroupMember.__table__.c.group_id).where(
                GroupMember.__table__.c.user_id == row.user_id
            )
        )
    )
    last_used = _aware(row.last_used_at)
    return TokenOwner(
        principal=Principal(
            user_id=row.user_id,
            username=row.username,
            department_id=row.department_id,
            group_ids=groups,
            roles=roles,
            display_name=row.display_name or row.username,
        ),
        token_id=row.id,
        token_name=row.name,
        stale=last_used is None or (now - last_used).total_seconds() > LAST_USED_TOUCH_SECONDS,
        expires_at=expires_at,
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def needs_touch(token: ApiToken) -> bool:
    """Whether ``last_used_at`` is stale enough to be worth a write."""
    last = token.last_used_at
    return last is None or (utcnow() - last).total_seconds() > LAST_USED_TOUCH_SECONDS


def touch_token(session: Session, *, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
