"""Plugging the privacy guard into the model gateway (:mod:`doum.llm.guard`).

The gateway has already chosen an allowed model; this adapter masks what goes to it
(external models always, internal ones when the policy says so), keeps the mapping in
the conversation's encrypted vault, and restores real values in the streamed answer.
Stateless API calls (no conversation) get a vault that lives for the one request.
The administrator's policy is read at most every few seconds, not on every request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.config.secrets import derive_key
from doum.db import Database
from doum.llm.guard import StreamRestorer
from doum.llm.types import ChatMessage
from doum.privacy.detector import PiiDetector
from doum.privacy.guard import PreparedRequest, PrivacyGuard
from doum.privacy.policy import RoutingPolicy
from doum.privacy.policy_store import get_policy
from doum.privacy.vault import VaultCipher
from doum.privacy.vault_store import DatabaseVaultStore, MemoryVaultStore

POLICY_TTL_SECONDS = 5.0


class CachedPolicy:
    """The stored routing policy, re-read at most every ``ttl`` seconds (and at once
    after :meth:`invalidate`, which the admin page calls on save)."""

    def __init__(self, database: Database, settings: Settings, ttl: float = POLICY_TTL_SECONDS):
        self._database = database
        self._settings = settings
        self._ttl = ttl
        self._lock = threading.Lock()
        self._value: RoutingPolicy | None = None
        self._read_at = 0.0

    def __call__(self) -> RoutingPolicy:
        with self._lock:
            if self._value is None or time.monotonic() - self._read_at > self._ttl:
                self._value = get_policy(self._database, settings=self._settings)
                self._read_at = time.monotonic()
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


@dataclass
class GuardedMessages:
    messages: list[ChatMessage]
    masked: bool
    prepared: PreparedRequest

    def stream_restorer(self) -> StreamRestorer:
        return self.prepared.restorer.stream()

    def audit_details(self) -> dict[str, Any]:
        return self.prepared.audit_details()


class GatewayPrivacyGuard:
    """Implements :class:`doum.llm.guard.RequestGuard` with :class:`PrivacyGuard`."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.policy = CachedPolicy(database, settings)
        self._cipher = VaultCipher(derive_key(settings, "privacy-vault"))
        self._detector: PiiDetector | None = None
        self._settings = settings
        self._persistent = PrivacyGuard(
            vaults=DatabaseVaultStore(database, self._cipher),
            policy=self.policy,
            detector=self.detector,
        )

    @property
    def detector(self) -> PiiDetector:
        if self._detector is None:
            privacy = self._settings.privacy
            self._detector = (
                PiiDetector.full(min_score=privacy.min_score)
                if privacy.name_model
                else PiiDetector(min_score=privacy.min_score)
            )
        return self._detector

    def may_receive(self, model: ModelConfig, data_class: str) -> bool:
        """The class policy the gateway routes with (the hard rule included)."""
        return self.policy().may_receive(model, data_class)

    def must_prepare(self, model: ModelConfig) -> bool:
        return self.policy().must_mask(model)

    def prepare(
        self,
        messages: list[ChatMessage],
        *,
        model: ModelConfig,
        data_class: str,
        conversation_id: str | None,
    ) -> GuardedMessages:
        if conversation_id is None:
            guard = PrivacyGuard(
                vaults=MemoryVaultStore(self._cipher), policy=self.policy, detector=self.detector
            )
            conversation_id = "ephemeral"
        else:
            guard = self._persistent
        prepared = guard.prepare(
            [m.to_dict() for m in messages],
            model=model,
            data_class=data_class,
            conversation_id=conversation_id,
            candidates=[model],
        )
        sent = [ChatMessage(m["role"], str(m.get("content") or "")) for m in prepared.messages]
        return GuardedMessages(sent, prepared.masked, prepared)
