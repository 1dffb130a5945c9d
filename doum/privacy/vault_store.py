"""Where vaults live between turns: :class:`DatabaseVaultStore` (the ``privacy_vaults``
table, ciphertext only) or :class:`MemoryVaultStore` (tests, benchmarks, the CLI)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select

from doum.db.base import utcnow
from doum.privacy.models import PrivacyVault
from doum.privacy.vault import Vault, VaultCipher

if TYPE_CHECKING:
    from doum.db.database import Database


class VaultStore(Protocol):
    def load(self, conversation_id: str) -> Vault: ...

    def save(self, vault: Vault) -> None: ...

    def delete(self, conversation_id: str) -> None: ...


class MemoryVaultStore:
    """Keeps encrypted vaults in a dict (so the encryption path is exercised too)."""

    def __init__(self, cipher: VaultCipher) -> None:
        self.cipher = cipher
        self.blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load(self, conversation_id: str) -> Vault:
        with self._lock:
            blob = self.blobs.get(conversation_id)
        if blob is None:
            return Vault(conversation_id)
        return self.cipher.decrypt(conversation_id, blob)

    def save(self, vault: Vault) -> None:
        blob = self.cipher.encrypt(vault)
        with self._lock:
            self.blobs[vault.conversation_id] = blob
        vault.changed = False

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self.blobs.pop(conversation_id, None)


class DatabaseVaultStore:
    """One ``privacy_vaults`` row per conversation (deleted with the conversation)."""

    def __init__(self, database: Database, cipher: VaultCipher) -> None:
        self.database = database
        self.cipher = cipher

    def load(self, conversation_id: str) -> Vault:
        with self.database.session() as session:
            blob = session.scalar(
                select(PrivacyVault.ciphertext).where(
                    PrivacyVault.conversation_id == conversation_id
                )
            )
        if blob is None:
            return Vault(conversation_id)
        return self.cipher.decrypt(conversation_id, blob)

    def save(self, vault: Vault) -> None:
        blob = self.cipher.encrypt(vault)
        with self.database.session() as session:
            row = session.get(PrivacyVault, vault.conversation_id)
            if row is None:
                session.add(PrivacyVault(conversation_id=vault.conversation_id, ciphertext=blob))
            else:
                row.ciphertext = blob
                row.updated_at = utcnow()
        vault.changed = False

    def delete(self, conversation_id: str) -> None:
        with self.database.session() as session:
            row = session.get(PrivacyVault, conversation_id)
            if row is not None:
                session.delete(row)
