from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from doum.db.base import Base, utcnow


class AuditRecord(Base):
    """One audit event. ``hash`` = HMAC-SHA256(key, canonical(record) + prev_hash).

    Rows are never updated or deleted (database triggers refuse it); retention removes
    whole months only through :mod:`doum.audit.retention`, which leaves a checkpoint.
    """

    __tablename__ = "audit_records"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(default=None, index=True)
    actor: Mapped[str] = mapped_column(String(64), default="")
    """Username at the time (kept even if the account is later renamed)."""
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    ip: Mapped[str] = mapped_column(String(64), default="")
    data_class: Mapped[str] = mapped_column(String(1), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    """Canonical JSON."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditRetentionUnlock(Base):
    """Holds a row only inside the retention transaction (SQLite), which lets the
    append-only triggers allow deleting records older than the retention period."""

    __tablename__ = "audit_retention_unlock"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")


class AuditChainHead(Base):
    """Single row (id=1): the newest record's seq and hash, and where the retained
    chain starts. Every append locks this row first, which serialises appends on both
    SQLite and PostgreSQL so the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    first_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=1)
    first_prev_hash: Mapped[str] = mapped_column(String(64), default="")
    """prev_hash of the first retained record (GENESIS until retention removes any)."""
