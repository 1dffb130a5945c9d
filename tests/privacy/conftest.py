from __future__ import annotations

import pytest

from doum.config.llm import EndpointConfig, ModelConfig
from doum.privacy.detector import PiiDetector
from doum.privacy.guard import PrivacyGuard
from doum.privacy.policy import RoutingPolicy
from doum.privacy.vault import VaultCipher
from doum.privacy.vault_store import MemoryVaultStore

SECRET = "test-secret-key-of-at-least-32-characters!"


def make_model(
    name: str, location: str = "internal", classes: list[str] | None = None, **extra: object
) -> ModelConfig:
    if classes is None:
        classes = ["O"] if location == "external" else ["C", "S", "O"]
    return ModelConfig(
        name=name,
        location=location,
        allowed_classes=classes,  # type: ignore[arg-type]
        endpoints=[EndpointConfig(base_url="http://127.0.0.1:9/v1")],
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def internal_model() -> ModelConfig:
    return make_model("local-qwen")


@pytest.fixture
def external_model() -> ModelConfig:
    return make_model("gpt-ext", "external")


@pytest.fixture
def cipher() -> VaultCipher:
    return VaultCipher(SECRET)


@pytest.fixture
def guard(
    cipher: VaultCipher, internal_model: ModelConfig, external_model: ModelConfig
) -> PrivacyGuard:
    return PrivacyGuard(
        vaults=MemoryVaultStore(cipher),
        policy=RoutingPolicy(),
        models=[external_model, internal_model],
        detector=PiiDetector(),
    )
