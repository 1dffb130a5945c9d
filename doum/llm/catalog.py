"""Which models this installation offers: the configured ones, plus the packaged demo
model when nothing else is configured (or when the administrator keeps it on)."""

from __future__ import annotations

from doum.config import Settings
from doum.config.llm import ModelConfig

DEMO_MODEL_NAME = "smollm2-demo"


def demo_model_config() -> ModelConfig:
    return ModelConfig(
        name=DEMO_MODEL_NAME,
        label="SmolLM2 135M (시험용 내장 모델, 영어 전용)",
        backend="embedded",
        context_length=4096,
        max_output_tokens=512,
        location="internal",
        allowed_classes=["C", "S", "O"],
        demo=True,
    )


def model_catalog(settings: Settings) -> list[ModelConfig]:
    configured = [m for m in settings.llm.models if m.enabled]
    if not any(m.name == DEMO_MODEL_NAME for m in configured) and (
        settings.llm.include_demo_model or not configured
    ):
        configured.append(demo_model_config())
    return configured


def may_receive(model: ModelConfig, data_class: str) -> bool:
    """The hard rule first: C and S never go to an external model."""
    if model.location == "external" and data_class != "O":
        return False
    return data_class in model.allowed_classes
