"""What a chat turn emits, in order: ``start`` → ``delta``* → ``done`` | ``error``.

The web UI (SSE), the OpenAI-compatible API and ``doum ask`` all consume these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class TurnStarted:
    conversation_id: str
    user_message_id: str
    assistant_message_id: str
    model: str
    model_label: str
    data_class: str
    rerouted: bool
    demo: bool
    title: str
    notices: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    """Numbered passages the answer may cite as [n] (grounded turns only)."""
    grounding: dict[str, Any] = field(default_factory=dict)
    """``mode`` (llm | sources_first | none | instructions), ``kb_ids``, ``assistant_id`` …"""
    type: str = "start"


@dataclass(slots=True)
class TurnDelta:
    text: str
    type: str = "delta"


@dataclass(slots=True)
class TurnFinished:
    message_id: str
    status: str
    model: str
    endpoint: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    ttft_ms: int
    finish_reason: str
    privacy: dict[str, Any] = field(default_factory=dict)
    citations: dict[str, Any] = field(default_factory=dict)
    """Grounded turns: ``cited`` markers, ``unknown_markers``, ``weak_markers``, ``notices``."""
    type: str = "done"


@dataclass(slots=True)
class TurnFailed:
    code: str
    message: str
    message_id: str = ""
    type: str = "error"


TurnEvent = TurnStarted | TurnDelta | TurnFinished | TurnFailed


def event_dict(event: TurnEvent) -> dict[str, Any]:
    return asdict(event)
