"""The seam through which the privacy layer sees every request before it leaves.

The gateway calls :meth:`RequestGuard.prepare` once per model it tries (a fallback model
may sit on the other side of the network boundary), sends the prepared messages, and
pipes every answer chunk through the prepared restorer so the user sees real values.
``doum.privacy`` provides the implementation; without one, nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from doum.config.llm import ModelConfig
from doum.llm.types import ChatMessage


class StreamRestorer(Protocol):
    def feed(self, text: str) -> str:
        """Restored text that is safe to show now (a split placeholder is held back)."""
        ...

    def flush(self) -> str:
        """Whatever is still held back, at the end of the answer."""
        ...


class PreparedMessages(Protocol):
    messages: list[ChatMessage]
    masked: bool

    def stream_restorer(self) -> StreamRestorer: ...

    def audit_details(self) -> dict[str, Any]:
        """Route and masking summary (types and counts, never values)."""
        ...


class RequestGuard(Protocol):
    def must_prepare(self, model: ModelConfig) -> bool:
        """Whether :meth:`prepare` would change anything for ``model`` (cheap: lets the
        gateway skip a thread hop on the common internal path)."""
        ...

    def prepare(
        self,
        messages: list[ChatMessage],
        *,
        model: ModelConfig,
        data_class: str,
        conversation_id: str | None,
    ) -> PreparedMessages:
        """Blocking (it may read and write the conversation's vault). ``None`` means a
        stateless request: nothing is kept after it."""
        ...


class _Identity:
    def feed(self, text: str) -> str:
        return text

    def flush(self) -> str:
        return ""


@dataclass
class Unguarded:
    """What is sent when no guard is configured: the messages as they are."""

    messages: list[ChatMessage]
    masked: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def stream_restorer(self) -> StreamRestorer:
        return _Identity()

    def audit_details(self) -> dict[str, Any]:
        return self.details
