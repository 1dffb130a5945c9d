from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import delete, select

from doum.chat.models import Conversation
from doum.db import Database
from doum.privacy.errors import VaultError, VaultKeyMissing
from doum.privacy.models import PrivacyVault
from doum.privacy.types import PiiType
from doum.privacy.vault import Vault, VaultCipher
from doum.privacy.vault_store import DatabaseVaultStore, MemoryVaultStore

from .conftest import SECRET


def _vault(conversation_id: str = "c" * 32) -> Vault:
    vault = Vault(conversation_id)
    vault.placeholder_for(PiiType.PERSON, "홍길동")
    vault.placeholder_for(PiiType.RRN, "900101-1234568")
    return vault


def test_round_trip_and_ciphertext_has_no_plaintext() -> None:
    cipher = VaultCipher(SecretStr(SECRET))
    vault = _vault()
    blob = cipher.encrypt(vault)
    assert "홍길동".encode() not in blob and b"900101" not in blob
    again = cipher.decrypt(vault.conversation_id, blob)
    assert again.value_for("이름", 1) == "홍길동"
    assert again.placeholder_for(PiiType.RRN, "9001011234568") == "<주민번호_1>"
    assert cipher.encrypt(vault) != blob  # fresh nonce every time


def test_wrong_key_tampering_and_other_conversation_fail() -> None:
    vault = _vault()
    blob = VaultCipher(SECRET).encrypt(vault)
    with pytest.raises(VaultError):
        VaultCipher("another-secret-key-of-32-characters-xx").decrypt(vault.conversation_id, blob)
    with pytest.raises(VaultError):
        VaultCipher(SECRET).decrypt("d" * 32, blob)  # bound to its conversation
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(VaultError):
        VaultCipher(SECRET).decrypt(vault.conversation_id, tampered)


def test_missing_key_is_a_configuration_error() -> None:
    with pytest.raises(VaultKeyMissing):
        VaultCipher(None)
    assert VaultKeyMissing().code == "privacy.vault_key_missing"


def test_memory_store() -> None:
    store = MemoryVaultStore(VaultCipher(SECRET))
    assert len(store.load("x")) == 0
    store.save(_vault("x"))
    assert store.load("x").value_for("이름", 1) == "홍길동"
    store.delete("x")
    assert len(store.load("x")) == 0


def test_database_store_keeps_ciphertext_only(database: Database) -> None:
    conversation_id = _conversation(database)
    store = DatabaseVaultStore(database, VaultCipher(SECRET))
    vault = store.load(conversation_id)
    vault.placeholder_for(PiiType.PHONE, "010-1234-5678")
    store.save(vault)
    vault.placeholder_for(PiiType.PERSON, "홍길동")
    store.save(vault)  # update
    loaded = store.load(conversation_id)
    assert loaded.value_for("전화번호", 1) == "010-1234-5678"
    assert loaded.value_for("이름", 1) == "홍길동"
    with database.session() as session:
        blob = session.scalar(select(PrivacyVault.ciphertext))
    assert blob is not None and b"010-1234" not in blob
    # deleting the conversation deletes its vault
    with database.session() as session:
        session.execute(delete(Conversation))
    assert len(store.load(conversation_id)) == 0


def _conversation(database: Database) -> str:
    from doum.accounts.models import User
    from doum.chat.models import Conversation

    with database.session() as session:
        user = User(username="privacy-test")
        session.add(user)
        session.flush()
        conversation = Conversation(user_id=user.id, data_class="O")
        session.add(conversation)
        session.flush()
        return conversation.id
