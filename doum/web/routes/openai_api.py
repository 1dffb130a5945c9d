"""OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions``
(streaming and not), authenticated with a per-user API token."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from doum.chat.completion import Completion
from doum.errors import DoumError, InvalidInput
from doum.llm.types import ChatMessage, ChatRequest
from doum.web.deps import CallerDep, RuntimeDep
from doum.web.sse import SSE_HEADERS

router = APIRouter(prefix="/v1", tags=["openai"])


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str = ""


class InMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if p.type in ("text", "input_text"))


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class CompletionIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = Field(min_length=1, max_length=64)
    messages: list[InMessage] = Field(min_length=1, max_length=1000)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    user: str | None = None


def _to_request(body: CompletionIn) -> ChatRequest:
    messages: list[ChatMessage] = []
    for message in body.messages:
        role = {"developer": "system", "tool": "user"}.get(message.role, message.role)
        messages.append(ChatMessage(role, message.text()))  # type: ignore[arg-type]
    if not any(m.role == "user" and m.content.strip() for m in messages):
        raise InvalidInput("chat.empty_message")
    if sum(len(m.content) for m in messages) > 2_000_000:
        raise InvalidInput("chat.message_too_long", limit="2,000,000")
    stop = [body.stop] if isinstance(body.stop, str) else body.stop
    return ChatRequest(
        messages=messages,
        max_tokens=body.max_completion_tokens or body.max_tokens,
        temperature=body.temperature,
        top_p=body.top_p,
        stop=stop,
        seed=body.seed,
    )


@router.get("/models")
async def list_models(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    created = int(time.time())
    return {
        "object": "list",
        "data": [
            {
                "id": m.name,
                "object": "model",
                "created": created,
                "owned_by": "doum" if m.location == "internal" else "external",
                "doum": {
                    "label": m.display_name,
                    "location": m.location,
                    "allowed_classes": list(m.allowed_classes),
                    "demo": m.demo,
                    "context_length": m.context_length,
                },
            }
            for m in runtime.gateway.catalog()
        ],
    }


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: CompletionIn,
    caller: CallerDep,
    runtime: RuntimeDep,
    x_doum_data_class: str | None = Header(default=None, max_length=1),
) -> JSONResponse | StreamingResponse:
    data_class = (x_doum_data_class or runtime.settings.privacy.default_class).upper()
    if data_class not in ("C", "S", "O"):
        raise InvalidInput(
            "input.invalid", detail="X-Doum-Data-Class 는 C, S, O 중 하나여야 합니다."
        )
    request = _to_request(body)
    route = runtime.gateway.route(body.model, data_class)
    completion = Completion(
        runtime,
        caller.principal,
        request,
        route,
        ip=caller.ip,
        token_id=caller.token_id,
        token_name=caller.token_name,
    )
    completion_id = "chatcmpl-" + uuid.uuid4().hex
    created = int(time.time())
    headers = {"X-Doum-Model": route.primary.name, "X-Doum-Data-Class": data_class}
    if route.rerouted:
        headers["X-Doum-Rerouted-From"] = route.requested
    if not body.stream:
        text = "".join([chunk.text async for chunk in completion.chunks()])
        stream = completion.stream
        assert stream is not None
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": stream.model.name,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": stream.finish_reason or "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": stream.usage.prompt_tokens,
                    "completion_tokens": stream.usage.completion_tokens,
                    "total_tokens": stream.usage.total_tokens,
                },
            },
            headers={**headers, "X-Doum-Model": stream.model.name},
        )
    include_usage = bool(body.stream_options and body.stream_options.include_usage)

    def frame(payload: dict[str, Any]) -> bytes:
        return b"data: " + orjson.dumps(payload) + b"\n\n"

    def chunk_payload(delta: dict[str, str], finish: str | None) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": route.primary.name,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    # Content chunks are the hot path: the text is spliced into a pre-encoded frame.
    before, after = frame(chunk_payload({"content": "\x00"}, None)).split(b'"\\u0000"')

    def content_frame(text: str) -> bytes:
        return before + orjson.dumps(text) + after

    # Wait for the first token before answering, so that a model that cannot answer
    # gives a proper HTTP error instead of a 200 stream holding an error.
    upstream = aiter(completion.chunks())
    try:
        first_chunk = await anext(upstream)
    except StopAsyncIteration:
        first_chunk = None

    async def events() -> AsyncIterator[bytes]:
        try:
            if first_chunk is not None:
                yield frame(chunk_payload({"role": "assistant", "content": first_chunk.text}, None))
            async for chunk in upstream:
                yield content_frame(chunk.text)
        except DoumError as error:
            yield frame(
                {"error": {"message": error.message, "type": "api_error", "code": error.code}}
            )
            yield b"data: [DONE]\n\n"
            return
        stream = completion.stream
        assert stream is not None
        yield frame(chunk_payload({}, stream.finish_reason or "stop"))
        if include_usage:
            payload = chunk_payload({}, None)
            payload["choices"] = []
            payload["usage"] = {
                "prompt_tokens": stream.usage.prompt_tokens,
                "completion_tokens": stream.usage.completion_tokens,
                "total_tokens": stream.usage.total_tokens,
            }
            yield frame(payload)
        yield b"data: [DONE]\n\n"

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={**SSE_HEADERS, **headers}
    )
