"""Model calls made by the editing tools: routed once, recorded one by one (prompt,
output, tokens, time) for the audit log and the benchmark."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from doum.config.llm import ModelConfig
from doum.drafting.tokens import Counter, token_counter
from doum.llm.gateway import Route
from doum.llm.types import ChatMessage, ChatRequest
from doum.runtime import Runtime


@dataclass(slots=True)
class CallRecord:
    purpose: str
    messages: list[dict[str, str]]
    output: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    wall_ms: int


@dataclass
class ModelCaller:
    """Calls the routed model and keeps a record of every call."""

    runtime: Runtime
    route: Route
    records: list[CallRecord] = field(default_factory=list)

    @property
    def model(self) -> ModelConfig:
        return self.route.primary

    def counter(self) -> Counter:
        return token_counter(self.model)

    async def complete(self, messages: list[ChatMessage], *, max_tokens: int, purpose: str) -> str:
        started = time.perf_counter()
        request = ChatRequest(
            messages=messages,
            max_tokens=max(16, min(max_tokens, self.model.max_output_tokens)),
            temperature=0.2,
        )
        result = await self.runtime.gateway.complete(request, self.route)
        self.records.append(
            CallRecord(
                purpose=purpose,
                messages=[m.to_dict() for m in messages],
                output=result.text,
                model=result.model,
                prompt_tokens=result.usage.prompt_tokens,
                completion_tokens=result.usage.completion_tokens,
                latency_ms=result.latency_ms,
                wall_ms=int((time.perf_counter() - started) * 1000),
            )
        )
        return result.text

    def totals(self) -> dict[str, Any]:
        return {
            "calls": len(self.records),
            "prompt_tokens": sum(r.prompt_tokens for r in self.records),
            "completion_tokens": sum(r.completion_tokens for r in self.records),
            "model_ms": sum(r.latency_ms for r in self.records),
        }

    def audit_calls(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.records]
