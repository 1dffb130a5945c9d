"""Routing by data class, written as a scenario table: requested model, class → the
model that receives it, whether it was rerouted, or the refusal."""

from __future__ import annotations

import asyncio

import pytest

from doum.config import Settings
from doum.llm.errors import ModelError, ModelNotAllowed
from doum.llm.gateway import ModelGateway
from doum.llm.types import ChatMessage, ChatRequest
from doum.testing.scripted import ScriptedChatModel

MODELS = [
    {
        "name": "internal-big",
        "backend": "scripted",
        "allowed_classes": ["C", "S", "O"],
        "fallbacks": ["internal-small"],
    },
    {"name": "internal-small", "backend": "scripted"},
    {"name": "internal-os", "backend": "scripted", "allowed_classes": ["S", "O"]},
    {
        "name": "gpt-external",
        "backend": "scripted",
        "location": "external",
        "allowed_classes": ["O"],
        "fallbacks": ["internal-small"],
    },
]


@pytest.fixture
def gateway() -> ModelGateway:
    return ModelGateway(
        Settings(
            llm={"models": MODELS, "include_demo_model": False, "default_model": "internal-big"}
        )
    )


@pytest.mark.parametrize(
    ("requested", "data_class", "served", "rerouted"),
    [
        ("internal-big", "C", "internal-big", False),
        ("internal-big", "O", "internal-big", False),
        ("gpt-external", "O", "gpt-external", False),
        ("gpt-external", "S", "internal-small", True),
        ("gpt-external", "C", "internal-small", True),
        ("internal-os", "C", "internal-big", True),
        (None, "S", "internal-big", False),
    ],
)
def test_routing_table(
    gateway: ModelGateway, requested: str | None, data_class: str, served: str, rerouted: bool
) -> None:
    route = gateway.route(requested, data_class)
    assert route.primary.name == served
    assert route.rerouted is rerouted
    assert all(m.location == "internal" for m in route.chain) or data_class == "O"


def test_external_models_never_see_c_or_s(gateway: ModelGateway) -> None:
    for data_class in ("C", "S"):
        assert "gpt-external" not in [m.name for m in gateway.allowed_models(data_class)]
        for requested in [m["name"] for m in MODELS]:
            route = gateway.route(str(requested), data_class)
            assert all(m.location == "internal" for m in route.chain)


def _one_external_model(allowed_classes: list[str]) -> dict[str, object]:
    """``llm`` settings with one external model allowed ``allowed_classes``."""
    model = {
        "name": "ext",
        "backend": "scripted",
        "location": "external",
        "allowed_classes": allowed_classes,
    }
    return {"models": [model], "include_demo_model": False}


def test_refuses_when_nothing_is_allowed() -> None:
    gateway = ModelGateway(Settings(llm=_one_external_model(["O"])))
    with pytest.raises(ModelNotAllowed) as caught:
        gateway.route("ext", "S")
    assert "보안 등급(S)" in caught.value.message


def test_configuration_may_not_allow_c_or_s_outside() -> None:
    with pytest.raises(ValueError, match="C and S never leave the network"):
        Settings(llm=_one_external_model(["S", "O"]))


def test_failover_to_fallback_model(gateway: ModelGateway) -> None:
    calls: list[str] = []

    def script(request: ChatRequest) -> str:
        return "답변"

    ScriptedChatModel.script = staticmethod(script)  # type: ignore[assignment]
    original = ScriptedChatModel.stream

    async def flaky(self, request):  # type: ignore[no-untyped-def]
        calls.append(self.config.name)
        if self.config.name == "internal-big":
            raise ModelError("model.unavailable", model="internal-big")
        async for chunk in original(self, request):
            yield chunk

    ScriptedChatModel.stream = flaky  # type: ignore[method-assign]
    try:
        route = gateway.route("internal-big", "S")
        stream = gateway.stream(ChatRequest([ChatMessage("user", "질문")]), route)

        async def run() -> str:
            return "".join([c.text async for c in stream])

        assert asyncio.run(run()) == "답변"
    finally:
        ScriptedChatModel.stream = original  # type: ignore[method-assign]
    assert calls == ["internal-big", "internal-small"]
    assert stream.model.name == "internal-small" and stream.failed_over == ["internal-big"]


def test_demo_model_is_offered_when_nothing_is_configured() -> None:
    gateway = ModelGateway(Settings())
    assert gateway.only_demo
    assert gateway.default_model().demo and gateway.default_model().backend == "embedded"
