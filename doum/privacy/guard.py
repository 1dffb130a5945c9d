"""The privacy facade the chat gateway calls before any text leaves for a model.

Interface (all keyword arguments after ``messages``)::

    guard = PrivacyGuard(vaults=DatabaseVaultStore(database, VaultCipher(secret_key)),
                         policy=lambda: get_policy(database),   # or a RoutingPolicy
                         models=settings.llm.models)            # reroute candidates
    prepared = guard.prepare(messages, model=model_config, data_class="O",
                             conversation_id=conversation.id)
    # raises RoutingRefused (code privacy.external_refused / privacy.class_refused,
    # .decision) when nothing may be sent; never returns a request for a model that
    # may not receive the class.
    send(prepared.model, prepared.messages)          # the model may differ: rerouted
    text = prepared.restorer.restore(answer)         # whole answer
    stream = prepared.restorer.stream()              # or, while streaming:
    shown = stream.feed(chunk) ... stream.flush()
    audit(details=prepared.audit_details())          # types/counts/route, never values

``messages`` are OpenAI-style dicts (``role`` and ``content``, a string or a list of
``{"type": "text", "text": ...}`` parts; other keys and parts are kept). Masking applies
when the chosen model is ``external`` or the policy says ``mask_internal``; every role is
masked (system prompts and earlier answers too), with placeholders shared across the
conversation through its encrypted vault.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from doum.config.llm import ModelConfig
from doum.privacy.classes import DataClass
from doum.privacy.detector import PiiDetector
from doum.privacy.errors import RoutingRefused
from doum.privacy.masking import Masker, MaskingSummary
from doum.privacy.policy import RoutingDecision, RoutingPolicy
from doum.privacy.restore import Restorer
from doum.privacy.types import PiiType
from doum.privacy.vault import Vault
from doum.privacy.vault_store import VaultStore

logger = logging.getLogger(__name__)
Message = dict[str, Any]


@dataclass(frozen=True)
class PreparedRequest:
    """What may be sent, to which model, and how to undo the masking in the answer."""

    messages: list[Message]
    restorer: Restorer
    summary: MaskingSummary
    masked: bool
    model: ModelConfig
    decision: RoutingDecision

    @property
    def messages_to_send(self) -> list[Message]:
        return self.messages

    def audit_details(self) -> dict[str, Any]:
        """For the audit log and the UI: route and masking counts, never raw values."""
        return {
            "route": self.decision.to_dict(),
            "location": self.model.location,
            "masked": self.masked,
            "masking": self.summary.to_dict(),
        }


class PrivacyGuard:
    def __init__(
        self,
        *,
        vaults: VaultStore,
        policy: RoutingPolicy | Callable[[], RoutingPolicy] | None = None,
        models: Sequence[ModelConfig] = (),
        detector: PiiDetector | None = None,
    ) -> None:
        self.vaults = vaults
        self._policy = policy if policy is not None else RoutingPolicy()
        self.models = list(models)
        self.detector = detector if detector is not None else _default_detector()
        self._maskers: dict[frozenset[str], Masker] = {}
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def policy(self) -> RoutingPolicy:
        return self._policy() if callable(self._policy) else self._policy

    def route(
        self,
        *,
        model: ModelConfig,
        data_class: DataClass | str,
        candidates: Sequence[ModelConfig] | None = None,
    ) -> RoutingDecision:
        """The routing decision alone (no masking), e.g. to grey out models in the UI."""
        pool = self.models if candidates is None else candidates
        return self.policy().check(model, data_class, candidates=pool)

    def prepare(
        self,
        messages: Sequence[Message],
        *,
        model: ModelConfig,
        data_class: DataClass | str,
        conversation_id: str,
        candidates: Sequence[ModelConfig] | None = None,
    ) -> PreparedRequest:
        policy = self.policy()
        pool = self.models if candidates is None else candidates
        decision = policy.check(model, data_class, candidates=pool)
        if not decision.sendable:
            logger.warning(
                "request refused by privacy policy",
                extra={
                    "model": model.name,
                    "data_class": decision.data_class.value,
                    "reason": decision.reason,
                    "conversation_id": conversation_id,
                },
            )
            raise RoutingRefused(decision)
        target = model if decision.outcome == "allowed" else _by_name(pool, decision.model)
        # Defence in depth: the decision must agree with the hard rule for the target.
        if not policy.may_receive(target, decision.data_class):
            raise RoutingRefused(decision)
        if not decision.mask:
            copied = [dict(m) for m in messages]
            return PreparedRequest(
                copied, Restorer(None), MaskingSummary(), False, target, decision
            )
        masker = self._masker(policy)
        summary = MaskingSummary()
        out: list[Message] = []
        # One request at a time per conversation in this process, so two turns cannot give
        # one placeholder to two values. (Several app processes: see docs/privacy.md.)
        with self._locks[conversation_id]:
            vault = self.vaults.load(conversation_id)
            for message in messages:
                masked_message, part_summary = _mask_message(message, masker, vault)
                out.append(masked_message)
                summary = summary.merge(part_summary)
            if vault.changed:
                self.vaults.save(vault)
        logger.info(
            "request masked",
            extra={
                "model": target.name,
                "conversation_id": conversation_id,
                "masked_total": summary.total,
            },
        )
        return PreparedRequest(out, Restorer(vault.copy()), summary, True, target, decision)

    def restorer(self, conversation_id: str) -> Restorer:
        """A restorer for an answer produced earlier (e.g. re-rendering after reload)."""
        return Restorer(self.vaults.load(conversation_id))

    def _masker(self, policy: RoutingPolicy) -> Masker:
        key = frozenset(policy.masked_types)
        masker = self._maskers.get(key)
        if masker is None:
            detector = self.detector
            if key:
                detector = PiiDetector(
                    detector.recognisers,
                    min_score=detector.min_score,
                    types=[PiiType(t) for t in key],
                )
            masker = self._maskers[key] = Masker(detector)
        return masker


def _by_name(models: Sequence[ModelConfig], name: str) -> ModelConfig:
    for model in models:
        if model.name == name:
            return model
    raise LookupError(name)


def _mask_message(message: Message, masker: Masker, vault: Vault) -> tuple[Message, MaskingSummary]:
    content = message.get("content")
    summary = MaskingSummary()
    if isinstance(content, str):
        result = masker.mask(content, vault)
        return {**message, "content": result.text}, result.summary
    if isinstance(content, list):
        parts: list[Any] = []
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                result = masker.mask(part["text"], vault)
                parts.append({**part, "text": result.text})
                summary = summary.merge(result.summary)
            else:
                parts.append(part)
        return {**message, "content": parts}, summary
    return dict(message), summary


def _default_detector() -> PiiDetector:
    from doum.config import get_settings

    privacy = get_settings().privacy
    if privacy.name_model:
        return PiiDetector.full(min_score=privacy.min_score)
    return PiiDetector(min_score=privacy.min_score)
