"""What CLI commands share: the runtime and the acting identity for the audit log."""

from __future__ import annotations

import getpass

from doum.accounts.models import User
from doum.accounts.principal import Principal
from doum.accounts.roles import Role
from doum.accounts.service import Auditing, get_user, principal_for
from doum.audit.log import AuditContext
from doum.config import get_settings
from doum.errors import NotFound
from doum.runtime import Runtime

_runtime: Runtime | None = None


def cli_runtime() -> Runtime:
    """The runtime for this CLI invocation (built once per settings); the schema is
    brought up to date first."""
    global _runtime
    settings = get_settings()
    if _runtime is None or _runtime.settings is not settings:
        _runtime = Runtime.create(settings)
        _runtime.database.upgrade()
    return _runtime


def reset_cli_runtime() -> None:
    global _runtime
    _runtime = None


def cli_auditing(runtime: Runtime) -> Auditing:
    """CLI actions are recorded as ``cli:<operating-system user>`` from ``local``."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Auditing(runtime.audit, AuditContext(actor=f"cli:{who}", ip="local"))


def acting_principal(runtime: Runtime, username: str | None) -> Principal:
    """The doum user a CLI command acts as: ``--user`` or the first administrator."""
    from sqlalchemy import select

    from doum.accounts.models import UserRole

    with runtime.database.session() as session:
        if username:
            user: User | None = get_user(session, username)
        else:
            user = session.scalar(
                select(User)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True))
                .order_by(User.id)
                .limit(1)
            )
            if user is None:
                raise NotFound("account.user_unknown", username="(관리자)")
        return principal_for(session, user)
