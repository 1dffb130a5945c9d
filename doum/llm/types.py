from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(slots=True)
class ChatMessage:
    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(slots=True)
class ChatRequest:
    messages: list[ChatMessage]
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: list[str] | None = None
    seed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Passed through to OpenAI-compatible servers as-is (e.g. ``chat_template_kwargs``)."""


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class ChatChunk:
    """A piece of a streamed answer. The last chunk carries ``finish_reason``; ``usage``
    arrives when the backend knows it; ``endpoint`` is set on the first chunk."""

    text: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None
    endpoint: str = ""


@dataclass(slots=True)
class ChatResult:
    text: str
    model: str
    backend: str
    endpoint: str = ""
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    latency_ms: int = 0
    ttft_ms: int = 0
