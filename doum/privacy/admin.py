"""The administrator's routing policy: read it with the model catalogue, save it
(validated against the hard rule) and audit the change in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from doum.accounts.service import Auditing
from doum.config.llm import ModelConfig
from doum.db.base import utcnow
from doum.privacy.classes import DataClass
from doum.privacy.errors import PolicyInvalid
from doum.privacy.models import PrivacyPolicyRecord
from doum.privacy.policy import RoutingPolicy
from doum.privacy.policy_store import POLICY_ID, parse_policy
from doum.privacy.types import PiiType


def policy_view(policy: RoutingPolicy, models: list[ModelConfig]) -> dict[str, Any]:
    """The policy with, per model, what its configuration allows and what is in force."""
    return {
        "policy": json.loads(policy.model_dump_json()),
        "models": [
            {
                "name": m.name,
                "label": m.display_name,
                "location": m.location,
                "configured_classes": list(m.allowed_classes),
                "effective_classes": sorted(
                    (c.value for c in policy.allowed_classes(m)), key="CSO".index
                ),
            }
            for m in models
        ],
        "pii_types": [{"type": t.value, "name": t.korean} for t in PiiType],
    }


def save_policy(
    session: Session,
    *,
    auditing: Auditing,
    data: dict[str, Any],
    models: list[ModelConfig],
) -> RoutingPolicy:
    policy = parse_policy(data)
    by_name = {m.name: m for m in models}
    for name, classes in policy.model_classes.items():
        model = by_name.get(name)
        if model is None:
            raise PolicyInvalid(detail=f"알 수 없는 모델 '{name}'")
        if model.location == "external" and set(classes) & {DataClass.C, DataClass.S}:
            raise PolicyInvalid(
                detail=f"외부 모델 '{model.display_name}'에는 공개(O) 등급만 허용할 수 있습니다"
            )
    known = {t.value for t in PiiType}
    unknown = [t for t in policy.masked_types if t not in known]
    if unknown:
        raise PolicyInvalid(detail=f"알 수 없는 개인정보 유형: {', '.join(unknown)}")
    document = policy.model_dump_json()
    row = session.get(PrivacyPolicyRecord, POLICY_ID)
    before = json.loads(row.document) if row is not None else None
    if row is None:
        session.add(
            PrivacyPolicyRecord(
                id=POLICY_ID, document=document, updated_by=auditing.context.actor[:64]
            )
        )
    else:
        row.document = document
        row.updated_by = auditing.context.actor[:64]
        row.updated_at = utcnow()
    auditing.log.record(
        session,
        context=auditing.context,
        action="admin.privacy_policy_update",
        target_type="privacy_policy",
        target_id=POLICY_ID,
        details={"before": before, "after": json.loads(document)},
    )
    return policy
