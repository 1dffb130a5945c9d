"""Logging in and out, browser sessions and lockout."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from doum.accounts.errors import AccountLocked, AuthenticationFailed
from doum.accounts.models import LoginSession, User
from doum.accounts.passwords import hash_password, needs_rehash, verify_password
from doum.accounts.tokens import new_token, token_digest
from doum.audit.log import AuditContext, AuditLog
from doum.config.core import SecuritySettings
from doum.db import Database
from doum.db.base import utcnow
from doum.errors import DoumError

logger = logging.getLogger(__name__)

SESSION_TOUCH_SECONDS = 60


@dataclass(frozen=True, slots=True)
class LoginResult:
    user_id: int
    username: str
    session_token: str
    csrf_token: str


def login(
    database: Database,
    *,
    audit: AuditLog,
    security: SecuritySettings,
    username: str,
    password: str,
    ip: str = "",
    user_agent: str = "",
) -> LoginResult:
    """Check the password and open a session. Failures are audited and counted even
    though the caller gets an exception."""
    username = username.strip().lower()[:64]
    context = AuditContext(actor=username, ip=ip)
    failure: DoumError | None = None
    with database.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        now = utcnow()
        if user is not None and user.locked_until and user.locked_until > now:
            failure = AccountLocked("auth.locked", minutes=security.lockout_minutes)
            reason = "locked"
        elif not verify_password(user.password_hash if user else None, password):
            failure = AuthenticationFailed()
            reason = "bad_password" if user else "unknown_user"
            if user is not None:
                user.failed_logins += 1
                if user.failed_logins >= security.lockout_threshold:
                    user.locked_until = now + timedelta(minutes=security.lockout_minutes)
                    reason = "locked_now"
        elif user is not None and not user.is_active:
            failure = AuthenticationFailed("auth.disabled")
            reason = "disabled"
        if failure is not None:
            audit.record(
                session,
                context=AuditContext(actor_id=user.id if user else None, actor=username, ip=ip),
                action="auth.login_failed",
                target_type="user",
                target_id=user.id if user else "",
                outcome="failure",
                details={"reason": reason},
            )
        else:
            assert user is not None and user.password_hash is not None
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            token, csrf = new_token(), new_token()
            session.add(
                LoginSession(
                    token_hash=token_digest(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=security.session_hours),
                    ip=ip[:64],
                    user_agent=user_agent[:300],
                )
            )
            audit.record(
                session,
                context=AuditContext(actor_id=user.id, actor=user.username, ip=ip),
                action="auth.login",
                target_type="user",
                target_id=user.id,
            )
            result = LoginResult(user.id, user.username, token, csrf)
    if failure is not None:
        logger.info("login failed", extra={"username": context.actor, "ip": ip})
        raise failure
    return result


@dataclass(frozen=True, slots=True)
class ActiveSession:
    user: User
    csrf_token: str
    token_hash: str


def resolve_session(
    session: Session, *, token: str, security: SecuritySettings
) -> ActiveSession | None:
    """The live session for a cookie value, or ``None`` if unknown/expired/idle."""
    if not token:
        return None
    digest = token_digest(token)
    row = session.get(LoginSession, digest)
    if row is None:
        return None
    now = utcnow()
    idle_limit = timedelta(minutes=security.session_idle_minutes)
    if row.expires_at <= now or now - row.last_seen_at > idle_limit:
        session.delete(row)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        session.delete(row)
        return None
    if (now - row.last_seen_at).total_seconds() > SESSION_TOUCH_SECONDS:
        row.last_seen_at = now
    return ActiveSession(user=user, csrf_token=row.csrf_token, token_hash=digest)


def logout(session: Session, *, audit: AuditLog, token_hash: str, context: AuditContext) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash))
    audit.record(
        session,
        context=context,
        action="auth.logout",
        target_type="user",
        target_id=context.actor_id or "",
    )


def end_sessions_of(session: Session, *, user_id: int) -> None:
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))


def purge_expired_sessions(session: Session) -> int:
    now = utcnow()
    result = session.execute(delete(LoginSession).where(LoginSession.expires_at <= now))
    return cast(CursorResult[Any], result).rowcount
