"""Read and update the routing policy (one ``privacy_policy`` row). The lead's admin page
calls :func:`update_policy` and audits the change; readers call :func:`get_policy`."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from doum.db.base import utcnow
from doum.privacy.errors import PolicyInvalid
from doum.privacy.models import PrivacyPolicyRecord
from doum.privacy.policy import RoutingPolicy

if TYPE_CHECKING:
    from doum.config import Settings
    from doum.db.database import Database

logger = logging.getLogger(__name__)
POLICY_ID = 1


def default_policy(settings: Settings | None = None) -> RoutingPolicy:
    """The policy before any administrator edit: from ``[privacy]`` settings."""
    if settings is None:
        from doum.config import get_settings

        settings = get_settings()
    return RoutingPolicy(mask_internal=settings.privacy.mask_internal)


def get_policy(database: Database, *, settings: Settings | None = None) -> RoutingPolicy:
    # A reader: callers may already hold a write transaction (SQLite has one writer).
    with database.reader() as session:
        row = session.get(PrivacyPolicyRecord, POLICY_ID)
        document = row.document if row is not None else None
    if document is None:
        return default_policy(settings)
    return RoutingPolicy.model_validate_json(document)


def parse_policy(data: dict[str, Any] | str | RoutingPolicy) -> RoutingPolicy:
    """Validate an administrator's document; :class:`PolicyInvalid` with the reason."""
    if isinstance(data, RoutingPolicy):
        return data
    try:
        if isinstance(data, str):
            return RoutingPolicy.model_validate_json(data)
        return RoutingPolicy.model_validate(data)
    except ValidationError as error:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise PolicyInvalid(detail=detail) from error


def update_policy(
    database: Database, data: dict[str, Any] | str | RoutingPolicy, *, updated_by: str
) -> RoutingPolicy:
    """Replace the policy. Returns the stored policy (the caller audits the change)."""
    policy = parse_policy(data)
    document = policy.model_dump_json()
    with database.session() as session:
        row = session.get(PrivacyPolicyRecord, POLICY_ID)
        if row is None:
            session.add(
                PrivacyPolicyRecord(id=POLICY_ID, document=document, updated_by=updated_by[:64])
            )
        else:
            row.document = document
            row.updated_by = updated_by[:64]
            row.updated_at = utcnow()
    logger.info(
        "privacy policy updated", extra={"updated_by": updated_by, "policy": json.loads(document)}
    )
    return policy
