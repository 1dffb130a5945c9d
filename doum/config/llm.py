from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

DataClass = Literal["C", "S", "O"]


class EndpointConfig(BaseModel):
    """One OpenAI-compatible server (a vLLM replica, Ollama, a commercial API)."""

    base_url: str
    api_key_env: str = ""
    """Name of an environment variable holding the key (never the key itself)."""
    api_key_file: str = ""
    """Path of a file holding the key (e.g. a Docker/Kubernetes secret)."""
    weight: int = 1
    max_concurrency: int = 64


class ModelConfig(BaseModel):
    """A chat model users can pick. Added by configuration, not code."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
    label: str = ""
    backend: str = "openai_compat"
    upstream_model: str = ""
    """Model id sent upstream (``model`` in the OpenAI request); defaults to ``name``."""
    endpoints: list[EndpointConfig] = []
    gguf_path: str = ""
    """embedded backend: a GGUF file; empty means the packaged demo model."""
    context_length: int = 8192
    max_output_tokens: int = 1024
    location: Literal["internal", "external"] = "internal"
    allowed_classes: list[DataClass] = ["C", "S", "O"]
    fallbacks: list[str] = []
    """Other model names to try, in order, when every endpoint of this one fails."""
    demo: bool = False
    """A tiny model for trials: the UI says so plainly."""
    timeout_seconds: float = 120.0
    connect_timeout_seconds: float = 5.0
    threads: int = 0
    """embedded backend: CPU threads (0 = all cores)."""
    enabled: bool = True

    @model_validator(mode="after")
    def _check(self) -> ModelConfig:
        if self.backend == "openai_compat" and not self.endpoints:
            raise ValueError(f"model {self.name!r}: openai_compat needs at least one endpoint")
        if self.location == "external" and set(self.allowed_classes) & {"C", "S"}:
            raise ValueError(
                f"model {self.name!r} is external: it may only receive class O "
                "(C and S never leave the network)"
            )
        return self

    @property
    def display_name(self) -> str:
        return self.label or self.name

    @property
    def request_model(self) -> str:
        return self.upstream_model or self.name


class LlmSettings(BaseModel):
    models: list[ModelConfig] = []
    """Empty means the packaged demo model only."""
    default_model: str = ""
    health_check_seconds: float = 15.0
    unhealthy_cooldown_seconds: float = 10.0
    include_demo_model: bool = True
    """Offer the packaged demo model alongside configured ones."""

    @model_validator(mode="after")
    def _unique_names(self) -> LlmSettings:
        names = [m.name for m in self.models]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"duplicate model names: {sorted(dupes)}")
        return self
