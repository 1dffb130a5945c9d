"""A vault saved to a file, for masking and restoring outside a chat (``doum pii mask
--vault-out`` and ``doum pii restore --vault``).

The file is JSON with the mapping only in encrypted form (:class:`VaultCipher`, the same
AES-256-GCM scheme as the database vaults); its random id is bound as associated data,
so the ciphertext cannot be moved into another file or a conversation::

    {"format": "doum.pii.vault", "version": 1, "id": "cli-…", "ciphertext": "<base64>"}
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from pathlib import Path
from typing import Any

from doum.privacy.errors import VaultError, VaultFileInvalid
from doum.privacy.vault import Vault, VaultCipher

FORMAT = "doum.pii.vault"
VERSION = 1


def new_file_vault() -> Vault:
    """An empty vault with a fresh random id (the id is not secret)."""
    return Vault("cli-" + secrets.token_hex(8))


def dump_vault(vault: Vault, cipher: VaultCipher) -> dict[str, Any]:
    sealed = cipher.encrypt(vault)
    return {
        "format": FORMAT,
        "version": VERSION,
        "id": vault.conversation_id,
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
    }


def load_vault(data: object, cipher: VaultCipher) -> Vault:
    """The vault in ``data`` (a parsed file); :class:`VaultFileInvalid` when it is not a
    vault file, was written with another installation's key, or was altered."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VaultFileInvalid()
    if data.get("version") != VERSION:
        raise VaultFileInvalid()
    vault_id, sealed = data.get("id"), data.get("ciphertext")
    if not isinstance(vault_id, str) or not isinstance(sealed, str):
        raise VaultFileInvalid()
    try:
        blob = base64.b64decode(sealed, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VaultFileInvalid() from error
    try:
        return cipher.decrypt(vault_id, blob)
    except VaultError as error:
        raise VaultFileInvalid("privacy.vault_file_unreadable") from error


def write_vault_file(path: str | Path, vault: Vault, cipher: VaultCipher) -> None:
    text = json.dumps(dump_vault(vault, cipher), ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


def read_vault_file(path: str | Path, cipher: VaultCipher) -> Vault:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise VaultFileInvalid() from error
    return load_vault(data, cipher)
