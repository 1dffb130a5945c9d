"""A stateless completion for the OpenAI-compatible API: routed, audited (prompt and
answer, with the API token used), not stored as a conversation.

The prompt's audit record is written while the upstream model starts; the first token
is released only after that record has committed, so nothing is answered unaudited and
the audit write adds no time to the first token unless it is slower than the model.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import anyio

from doum.accounts.principal import Principal
from doum.audit.log import AuditContext
from doum.errors import DoumError
from doum.llm.errors import ModelError
from doum.llm.gateway import GatewayStream, Route
from doum.llm.types import ChatChunk, ChatRequest
from doum.runtime import Runtime


@dataclass(slots=True)
class Completion:
    runtime: Runtime
    principal: Principal
    request: ChatRequest
    route: Route
    ip: str = ""
    token_id: int | None = None
    token_name: str = ""
    stream: GatewayStream | None = None
    text_parts: list[str] = field(default_factory=list)

    @property
    def context(self) -> AuditContext:
        return AuditContext.of(self.principal, self.ip)

    async def _audit_prompt(self) -> None:
        await self.runtime.audit_writer.record(
            context=self.context,
            action="api.chat_prompt",
            target_type="api_token",
            target_id=self.token_id or "",
            data_class=self.route.data_class,
            details={
                "messages": [m.to_dict() for m in self.request.messages],
                "requested_model": self.route.requested,
                "model": self.route.primary.name,
                "rerouted": self.route.rerouted,
                "token_id": self.token_id,
                "token_name": self.token_name,
            },
        )

    async def _audit_answer(self, status: str, error: DoumError | None) -> None:
        stream = self.stream
        details: dict[str, Any] = {
            "text": "".join(self.text_parts),
            "status": status,
            "token_id": self.token_id,
        }
        if stream is not None:
            if stream.privacy:
                details["privacy"] = stream.privacy
            details.update(
                model=stream.model.name,
                backend=stream.model.backend,
                endpoint=stream.endpoint,
                prompt_tokens=stream.usage.prompt_tokens,
                completion_tokens=stream.usage.completion_tokens,
                latency_ms=stream.latency_ms,
                ttft_ms=stream.ttft_ms,
                failed_over=stream.failed_over,
            )
        if error is not None:
            details["error"] = error.code
        await self.runtime.audit_writer.record(
            context=self.context,
            action="api.chat_answer",
            target_type="api_token",
            target_id=self.token_id or "",
            outcome="success" if status == "complete" else status,
            data_class=self.route.data_class,
            details=details,
        )

    async def chunks(self) -> AsyncGenerator[ChatChunk, None]:
        audit_task = asyncio.ensure_future(self._audit_prompt())
        self.stream = self.runtime.gateway.stream(self.request, self.route)
        upstream = aiter(self.stream)
        status, failure = "streaming", None
        try:
            first = True
            async for chunk in upstream:
                if first:
                    await audit_task
                    first = False
                self.text_parts.append(chunk.text)
                yield chunk
            await audit_task
            status = "complete"
        except ModelError as error:
            status, failure = "error", error
            raise
        finally:
            if status == "streaming":
                status = "stopped"
            with anyio.CancelScope(shield=True):
                await upstream.aclose()
                if not audit_task.done():
                    await asyncio.wait([audit_task])
                if not audit_task.cancelled() and audit_task.exception() is None:
                    await self._audit_answer(status, failure)
