"""Property-based leak test of the masking layer.

Random conversations (several turns, every role) with generated PII of every type embedded
in random Korean administrative filler; after ``prepare`` for an external model no raw
identifier may remain in what would be sent, and the restorer must give every value back.
C/S requests aimed at an external model must be rerouted to an internal model or refused:
a capturing fake "external endpoint" must never receive them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doum.config.llm import ModelConfig
from doum.privacy.detector import PiiDetector
from doum.privacy.errors import RoutingRefused
from doum.privacy.guard import PrivacyGuard
from doum.privacy.policy import RoutingPolicy
from doum.privacy.vault import VaultCipher
from doum.privacy.vault_store import MemoryVaultStore

from .conftest import SECRET, make_model
from .strategies import SNIPPETS, filler, separator

EXTERNAL = make_model("gpt-ext", "external")
INTERNAL = make_model("local-qwen")
DETECTOR = PiiDetector()
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@st.composite
def turn(draw: st.DrawFn) -> tuple[str, list[str]]:
    """One message: filler and PII snippets in random order; returns (text, raw values)."""
    kinds = draw(st.lists(st.sampled_from(sorted(SNIPPETS)), min_size=1, max_size=4))
    parts, values = [draw(filler)], []
    for kind in kinds:
        value, snippet = draw(SNIPPETS[kind])
        parts += [draw(separator), snippet, draw(separator), draw(filler)]
        values.append(value)
    return "".join(parts), values


@st.composite
def conversation(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[str]]:
    turns = draw(st.lists(turn(), min_size=1, max_size=4))
    roles = draw(
        st.lists(
            st.sampled_from(["user", "assistant", "system"]),
            min_size=len(turns),
            max_size=len(turns),
        )
    )
    messages = [{"role": r, "content": t} for r, (t, _) in zip(roles, turns, strict=True)]
    values = [v for _, vs in turns for v in vs]
    return messages, values


def _guard() -> PrivacyGuard:
    return PrivacyGuard(
        vaults=MemoryVaultStore(VaultCipher(SECRET)),
        policy=RoutingPolicy(),
        models=[EXTERNAL, INTERNAL],
        detector=DETECTOR,
    )


def _check_no_leak(messages: list[dict[str, Any]], values: list[str]) -> None:
    guard = _guard()
    prepared = guard.prepare(messages, model=EXTERNAL, data_class="O", conversation_id="conv")
    assert prepared.masked and prepared.model is EXTERNAL
    sent = "\n".join(m["content"] for m in prepared.messages)
    leaked = [v for v in values if v in sent]
    assert leaked == [], f"raw identifiers sent to an external model: {leaked}"
    # the answer a model would write from the masked text restores to the original; one
    # value written two ways ("5440-0403-…" and "5440 0403 …") shares a placeholder and is
    # restored in the form first seen
    restored = _alnum("\n".join(prepared.restorer.restore(m["content"]) for m in prepared.messages))
    for value in values:
        assert _alnum(value) in restored


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


@given(conversation())
@settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
def test_no_raw_identifier_reaches_an_external_model(
    case: tuple[list[dict[str, Any]], list[str]],
) -> None:
    _check_no_leak(*case)


@pytest.mark.slow
@given(conversation())
@settings(max_examples=1500, deadline=None, suppress_health_check=HEALTH)
def test_no_raw_identifier_reaches_an_external_model_thousands(
    case: tuple[list[dict[str, Any]], list[str]],
) -> None:
    _check_no_leak(*case)


class CapturingEndpoint:
    """Stands in for an external API: records what it would have received."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[dict[str, Any]]]] = []

    def send(self, model: ModelConfig, messages: list[dict[str, Any]]) -> None:
        self.received.append((model.location, messages))


@given(conversation(), st.sampled_from(["C", "S"]), st.booleans(), st.booleans())
@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
def test_classified_content_never_goes_external(
    case: tuple[list[dict[str, Any]], list[str]],
    data_class: str,
    internal_available: bool,
    misconfigured: bool,
) -> None:
    messages, _ = case
    marker = f"[{data_class}] 비공개 보고서 본문"
    messages = [*messages, {"role": "user", "content": marker}]
    policy = RoutingPolicy(model_classes={"gpt-ext": ["C", "S", "O"]} if misconfigured else {})
    models = [EXTERNAL, INTERNAL] if internal_available else [EXTERNAL]
    guard = PrivacyGuard(
        vaults=MemoryVaultStore(VaultCipher(SECRET)),
        policy=policy,
        models=models,
        detector=DETECTOR,
    )
    endpoint = CapturingEndpoint()
    try:
        prepared = guard.prepare(
            messages, model=EXTERNAL, data_class=data_class, conversation_id="conv"
        )
    except RoutingRefused as refused:
        assert not internal_available
        assert refused.decision.outcome == "refuse"
    else:
        endpoint.send(prepared.model, prepared.messages)
    assert all(location == "internal" for location, _ in endpoint.received)
    assert not any(marker in str(m) for loc, m in endpoint.received if loc == "external")
