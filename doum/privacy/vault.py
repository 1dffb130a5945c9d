"""The per-conversation vault: which real value each placeholder stands for.

The mapping is kept in memory as a :class:`Vault` and stored only encrypted
(:class:`VaultCipher`: AES-256-GCM, key derived with HKDF-SHA256 from the installation's
``security.secret_key``; the conversation id is bound as associated data, so a ciphertext
copied to another conversation does not decrypt).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

from doum.privacy.errors import VaultError, VaultKeyMissing
from doum.privacy.placeholders import placeholder
from doum.privacy.types import PiiType

_FORMAT = 1
_HKDF_INFO = b"doum.privacy.vault.v1"
_HKDF_SALT = b"doum-privacy-vault"
_NUMERIC = frozenset(
    {
        PiiType.RRN,
        PiiType.FRN,
        PiiType.PASSPORT,
        PiiType.DRIVER_LICENSE,
        PiiType.PHONE,
        PiiType.ACCOUNT,
        PiiType.CARD,
        PiiType.BRN,
        PiiType.CORPORATE_ID,
        PiiType.HEALTH_INSURANCE,
        PiiType.VEHICLE,
    }
)
_NOT_ALNUM = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def normalise(pii_type: PiiType, value: str) -> str:
    """The form under which two writings of one value share a placeholder
    ("010-1234-5678" and "01012345678")."""
    if value.isalnum():  # nothing to remove or collapse (most values: 01012345678, 홍길동)
        return value.upper() if pii_type in _NUMERIC else value
    if pii_type in _NUMERIC:
        # str.replace is much cheaper than a regex for the usual separators
        bare = value.replace("-", "").replace(" ", "").replace(".", "")
        return (bare if bare.isalnum() else _NOT_ALNUM.sub("", value)).upper()
    if pii_type is PiiType.EMAIL:
        return value.lower()
    return _SPACES.sub(" ", value.strip())


@dataclass
class Entry:
    type: PiiType
    value: str
    number: int

    @property
    def placeholder(self) -> str:
        return placeholder(self.type.label, self.number)


@dataclass
class Vault:
    """Placeholders of one conversation. Same value → same placeholder, across turns."""

    conversation_id: str
    entries: list[Entry] = field(default_factory=list)
    # (type, normalised value) → placeholder; (label, number) → entry; label → last number
    _by_key: dict[tuple[PiiType, str], tuple[str, Entry]] = field(default_factory=dict, repr=False)
    _by_ref: dict[tuple[str, int], Entry] = field(default_factory=dict, repr=False)
    _last: dict[str, int] = field(default_factory=dict, repr=False)
    # (label, number) → the latest writing of a value seen in this process, when it differs
    # from the stored one ("01012345678" after "010-1234-5678"): restore shows what the
    # user wrote last. Not persisted; a reloaded vault restores the first writing.
    _latest: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)
    changed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._index(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def _index(self, entry: Entry) -> None:
        label = entry.type.label
        self._by_key[(entry.type, normalise(entry.type, entry.value))] = (
            placeholder(label, entry.number),
            entry,
        )
        self._by_ref[(label, entry.number)] = entry
        self._last[label] = max(self._last.get(label, 0), entry.number)

    def placeholder_for(self, pii_type: PiiType, value: str) -> str:
        """The value's placeholder, adding it to the vault the first time (called for
        every masked span: kept cheap)."""
        key = (pii_type, normalise(pii_type, value))
        found = self._by_key.get(key)
        if found is not None:
            text, entry = found
            if value != entry.value:
                self._latest[(entry.type.label, entry.number)] = value
            elif self._latest:
                self._latest.pop((entry.type.label, entry.number), None)
            return text
        label = pii_type.label
        number = self._last.get(label, 0) + 1
        entry = Entry(pii_type, value, number)
        self.entries.append(entry)
        self._by_ref[(label, number)] = entry
        self._last[label] = number
        self.changed = True
        text = placeholder(label, number)
        self._by_key[key] = (text, entry)
        return text

    def value_for(self, label: str, number: int) -> str | None:
        entry = self._by_ref.get((label, number))
        if entry is None:
            return None
        return self._latest.get((label, number), entry.value)

    def copy(self) -> Vault:
        copied = Vault(self.conversation_id, [Entry(e.type, e.value, e.number) for e in self])
        copied._latest = dict(self._latest)
        return copied

    def to_bytes(self) -> bytes:
        data = {
            "format": _FORMAT,
            "entries": [[e.type.value, e.value, e.number] for e in self.entries],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, conversation_id: str, raw: bytes) -> Vault:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != _FORMAT:
            raise VaultError("privacy.vault_unreadable")
        entries = [Entry(PiiType(t), v, int(n)) for t, v, n in data["entries"]]
        return cls(conversation_id, entries)


class VaultCipher:
    """AES-256-GCM with a key derived from the installation secret by HKDF-SHA256."""

    def __init__(self, secret: SecretStr | str | bytes | None) -> None:
        if isinstance(secret, SecretStr):
            secret = secret.get_secret_value()
        if not secret:
            raise VaultKeyMissing()
        material = secret.encode("utf-8") if isinstance(secret, str) else secret
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
            material
        )
        self._aead = AESGCM(key)

    def encrypt(self, vault: Vault) -> bytes:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, vault.to_bytes(), vault.conversation_id.encode())
        return bytes([_FORMAT]) + nonce + sealed

    def decrypt(self, conversation_id: str, blob: bytes) -> Vault:
        if len(blob) < 13 + 16 or blob[0] != _FORMAT:
            raise VaultError()
        try:
            raw = self._aead.decrypt(blob[1:13], blob[13:], conversation_id.encode())
        except InvalidTag as error:
            raise VaultError() from error
        return Vault.from_bytes(conversation_id, raw)
