"""Tables of :mod:`doum.privacy`: encrypted vaults and the routing policy document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from doum.db.base import Base, utcnow


class PrivacyVault(Base):
    """One conversation's placeholder mapping, AES-GCM encrypted (never plain text)."""

    __tablename__ = "privacy_vaults"

    conversation_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrivacyPolicyRecord(Base):
    """The administrator-edited routing policy (one row, id 1): a JSON document."""

    __tablename__ = "privacy_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
