"""Data classes and routing: a scenario table of (model, class, policy) → decision."""

from __future__ import annotations

import pytest

from doum.db import Database
from doum.privacy.classes import DataClass, highest
from doum.privacy.errors import PolicyInvalid
from doum.privacy.policy import RoutingPolicy
from doum.privacy.policy_store import get_policy, update_policy

from .conftest import make_model


def test_data_class_ordering() -> None:
    assert DataClass.C > DataClass.S > DataClass.O
    assert sorted([DataClass.O, DataClass.C, DataClass.S]) == [
        DataClass.O,
        DataClass.S,
        DataClass.C,
    ]
    assert highest("O", DataClass.S, None, "o") is DataClass.S
    assert highest("O", "C") is DataClass.C
    assert highest(default="S") is DataClass.S
    with pytest.raises(ValueError):
        highest()
    with pytest.raises(ValueError):
        DataClass.of("X")


EXT = make_model("gpt-ext", "external")
# An external model misconfigured in the policy document to receive C and S: the hard rule wins.
EXT_FALLBACK = make_model("claude-ext", "external")
LOCAL = make_model("local-qwen")
LOCAL_O = make_model("local-small", classes=["O"])
LOCAL_OFF = make_model("local-off", enabled=False)
POOL = [EXT, EXT_FALLBACK, LOCAL_O, LOCAL]

SCENARIOS = [
    # (model, class, policy kwargs, outcome, routed model, mask)
    (EXT, "O", {}, "allowed", "gpt-ext", True),
    (EXT, "S", {}, "reroute", "local-qwen", False),
    (EXT, "C", {}, "reroute", "local-qwen", False),
    (EXT, "S", {"model_classes": {"gpt-ext": ["C", "S", "O"]}}, "reroute", "local-qwen", False),
    (EXT, "S", {"allow_reroute": False}, "refuse", "gpt-ext", False),
    (LOCAL, "C", {}, "allowed", "local-qwen", False),
    (LOCAL, "O", {"mask_internal": True}, "allowed", "local-qwen", True),
    (LOCAL_O, "S", {}, "reroute", "local-qwen", False),
    (LOCAL, "C", {"model_classes": {"local-qwen": ["O"]}}, "refuse", "local-qwen", False),
    (LOCAL_OFF, "O", {}, "reroute", "local-small", False),
]


@pytest.mark.parametrize(("model", "cls", "policy", "outcome", "target", "mask"), SCENARIOS)
def test_routing_scenarios(model, cls, policy, outcome, target, mask) -> None:  # type: ignore[no-untyped-def]
    decision = RoutingPolicy(**policy).check(model, cls, candidates=POOL)
    assert (decision.outcome, decision.model, decision.mask) == (outcome, target, mask)
    if outcome != "allowed":
        assert decision.code and decision.message  # a Korean message for the user
    if outcome == "refuse":
        assert not decision.sendable


def test_never_external_for_c_or_s_whatever_the_policy_says() -> None:
    policy = RoutingPolicy(model_classes={"gpt-ext": ["C", "S", "O"]})
    assert policy.allowed_classes(EXT) == frozenset({DataClass.O})
    decision = policy.check(EXT, "C", candidates=[EXT, EXT_FALLBACK])
    assert decision.outcome == "refuse" and decision.code == "privacy.external_refused"
    assert "외부 모델" in decision.message and "C(기밀)" in decision.message


def test_fallbacks_are_preferred_when_rerouting() -> None:
    model = make_model("gpt-ext2", "external", fallbacks=["local-small"])
    decision = RoutingPolicy().check(model, "O", candidates=[LOCAL, LOCAL_O, model])
    assert decision.outcome == "allowed"
    disabled = make_model("x-off", enabled=False, fallbacks=["local-small"])
    decision = RoutingPolicy().check(disabled, "O", candidates=[LOCAL, LOCAL_O])
    assert decision.candidates == ("local-small", "local-qwen")


def test_policy_store_round_trip(database: Database) -> None:
    assert get_policy(database) == RoutingPolicy()
    stored = update_policy(
        database,
        {"mask_internal": True, "model_classes": {"local-qwen": ["S", "O", "S"]}},
        updated_by="admin",
    )
    assert stored.model_classes["local-qwen"] == [DataClass.S, DataClass.O]
    assert get_policy(database).mask_internal is True
    with pytest.raises(PolicyInvalid) as info:
        update_policy(database, {"model_classes": {"x": ["Z"]}}, updated_by="admin")
    assert "model_classes" in info.value.message


def test_default_class_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from doum.config import reset_settings_cache
    from doum.privacy.classes import default_class

    assert default_class() is DataClass.S
    monkeypatch.setenv("DOUM_PRIVACY__DEFAULT_CLASS", "C")
    reset_settings_cache()
    assert default_class() is DataClass.C
    assert highest(None, default=default_class()) is DataClass.C
