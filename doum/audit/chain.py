"""Hashing of audit records: HMAC-SHA256 over a canonical form plus the previous hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(
        details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )


def _timestamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def record_hash(key: bytes, fields: dict[str, Any], prev_hash: str) -> str:
    """The hash of one record. ``fields`` holds every stored column except the hashes."""
    material = {
        **fields,
        "occurred_at": _timestamp(fields["occurred_at"]),
    }
    payload = json.dumps(material, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, (payload + "|" + prev_hash).encode(), hashlib.sha256).hexdigest()


HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "outcome",
    "ip",
    "data_class",
    "details",
)
