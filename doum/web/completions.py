"""``POST /v1/chat/completions``: OpenAI's chat completions (streamed and not), for
other systems holding a per-user API token.

Other systems call this hundreds of times a second, and each streamed answer is
hundreds of events. So this endpoint is one plain ASGI callable that the application
dispatches to ahead of its middleware stack (see :class:`doum.web.app.DoumApp`), not a
FastAPI route. As a route it paid, per call, for dependency solving, a second
validation pass over the parsed body and a task group watching for the client leaving,
and per event for five ``send`` wrappers (bench.chat: 4.1 ms of CPU per call and 80 µs per event).
What those layers did for the route is done here, once: the body limit, the security
headers, authentication (:func:`doum.web.deps.current_caller`), and the same Korean
errors with stable codes (:mod:`doum.web.errors`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import aclosing
from typing import Any, Literal

import anyio
import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from doum.chat.completion import Completion
from doum.errors import DoumError, InvalidInput
from doum.llm.gateway import Route
from doum.llm.types import ChatChunk, ChatMessage, ChatRequest
from doum.messages import message_for
from doum.runtime import Runtime
from doum.web.deps import Caller, current_caller, get_runtime
from doum.web.errors import error_response, unexpected_response, validation_response
from doum.web.middleware import (
    BodyTooLarge,
    declares_more_than,
    limit_body,
    send_too_large,
    with_headers,
)
from doum.web.sse import SSE_HEADERS

PATH = "/v1/chat/completions"

_EVENT_STREAM = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    *((k.lower().encode(), v.encode()) for k, v in SSE_HEADERS.items()),
]


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


def to_chat_request(body: CompletionIn) -> ChatRequest:
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


def openapi_operation() -> tuple[dict[str, Any], dict[str, Any]]:
    """This endpoint's OpenAPI operation, and the schemas it refers to (the application
    adds both to its generated document: FastAPI only documents its own routes)."""
    schema = CompletionIn.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.pop("$defs", {})
    components["CompletionIn"] = schema
    operation = {
        "tags": ["openai"],
        "summary": "Chat completions (OpenAI-compatible)",
        "description": (
            "OpenAI 의 chat completions 와 같은 요청·응답입니다. `stream: true` 이면 "
            "server-sent events 로 보냅니다. `Authorization: Bearer <API 토큰>` 이 "
            "필요하며, `X-Doum-Data-Class` (C/S/O) 로 자료 등급을 밝힐 수 있습니다."
        ),
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CompletionIn"}}
            },
        },
        "responses": {
            "200": {
                "description": "답변 (JSON, 또는 stream 이면 text/event-stream)",
                "content": {"application/json": {}, "text/event-stream": {}},
            }
        },
    }
    return operation, components


class ChatCompletions:
    """The endpoint, as an ASGI application."""

    def __init__(self, *, max_body_bytes: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.max_body_bytes = max_body_bytes
        self.headers = headers
        """Sent with every response (the security headers)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, limit_body(receive, self.max_body_bytes))
        started: list[bool] = []
        try:
            if declares_more_than(scope, self.max_body_bytes):
                raise BodyTooLarge
            if scope["method"] != "POST":
                await self._error(request, send, 405, "route.method_not_allowed")
                return
            await self._serve(request, receive, send, started)
        except BodyTooLarge:
            await send_too_large(scope, with_headers(send, self.headers), self.max_body_bytes)
        except DoumError as error:
            if started:
                raise
            response = error_response(request, error.http_status, error.code, error.message)
            await response(scope, receive, with_headers(send, self.headers))
        except ValidationError as error:
            response = validation_response(request, error.errors())
            await response(scope, receive, with_headers(send, self.headers))
        except Exception:
            if started:
                raise
            response = unexpected_response(request)
            await response(scope, receive, with_headers(send, self.headers))

    async def _error(self, request: Request, send: Send, status: int, code: str) -> None:
        response = error_response(request, status, code, message_for(code, detail=""))
        await response(request.scope, request.receive, with_headers(send, self.headers))

    async def _serve(
        self, request: Request, receive: Receive, send: Send, started: list[bool]
    ) -> None:
        raw = await request.body()
        caller = await current_caller(request)
        body = CompletionIn.model_validate_json(raw)
        runtime = get_runtime(request)
        declared = (
            request.headers.get("x-doum-data-class") or runtime.settings.privacy.default_class
        )
        data_class = declared.upper()
        if data_class not in ("C", "S", "O"):
            raise InvalidInput(
                "input.invalid", detail="X-Doum-Data-Class 는 C, S, O 중 하나여야 합니다."
            )
        chat_request = to_chat_request(body)
        route = runtime.gateway.route(body.model, data_class)
        completion = _completion(runtime, caller, chat_request, route)
        headers = {"X-Doum-Model": route.primary.name, "X-Doum-Data-Class": data_class}
        if route.rerouted:
            headers["X-Doum-Rerouted-From"] = route.requested
        # A client that leaves stops the answer: the upstream request is closed (the
        # model stops generating) and the answer is audited as stopped. The server's
        # `send` returns quietly once the client has gone, so without the watcher a
        # relay would run to the end of the answer. One plain task per request.
        with anyio.CancelScope() as cancel_scope:
            watcher = asyncio.ensure_future(_watch_for_disconnect(receive, cancel_scope))
            try:
                if body.stream:
                    include_usage = bool(body.stream_options and body.stream_options.include_usage)
                    all_headers = [*self.headers, *_EVENT_STREAM, *_encode(headers)]
                    stream = _Stream(completion, route.primary.name, include_usage)
                    await stream.relay(send, all_headers, started)
                    return
                payload = await _answer(completion)
            finally:
                watcher.cancel()
        if cancel_scope.cancelled_caught:
            return
        headers["X-Doum-Model"] = payload["model"]
        response = JSONResponse(payload, headers=headers)
        await response(request.scope, receive, with_headers(send, self.headers))


def _completion(runtime: Runtime, caller: Caller, request: ChatRequest, route: Route) -> Completion:
    return Completion(
        runtime,
        caller.principal,
        request,
        route,
        ip=caller.ip,
        token_id=caller.token_id,
        token_name=caller.token_name,
    )


def _encode(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


def _usage(completion: Completion) -> dict[str, int]:
    usage = completion.stream.usage if completion.stream else None
    return {
        "prompt_tokens": usage.prompt_tokens if usage else 0,
        "completion_tokens": usage.completion_tokens if usage else 0,
        "total_tokens": usage.total_tokens if usage else 0,
    }


async def _answer(completion: Completion) -> dict[str, Any]:
    async with aclosing(completion.chunks()) as chunks:  # closed at once if cancelled
        text = "".join([chunk.text async for chunk in chunks])
    stream = completion.stream
    assert stream is not None
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": stream.model.name,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": stream.finish_reason or "stop",
            }
        ],
        "usage": _usage(completion),
    }


class _Stream:
    """One streamed answer in OpenAI's event format."""

    def __init__(self, completion: Completion, model: str, include_usage: bool) -> None:
        self.completion = completion
        self.id = "chatcmpl-" + uuid.uuid4().hex
        self.created = int(time.time())
        self.model = model
        self.include_usage = include_usage
        # Content events are the hot path: the text is spliced into a pre-encoded frame.
        self.before, self.after = self.frame(self.chunk({"content": "\x00"}, None)).split(
            b'"\\u0000"'
        )

    @staticmethod
    def frame(payload: dict[str, Any]) -> bytes:
        return b"data: " + orjson.dumps(payload) + b"\n\n"

    def chunk(self, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def closing(self) -> bytes:
        stream = self.completion.stream
        assert stream is not None
        frames = [self.frame(self.chunk({}, stream.finish_reason or "stop"))]
        if self.include_usage:
            payload = self.chunk({}, None)
            payload["choices"] = []
            payload["usage"] = _usage(self.completion)
            frames.append(self.frame(payload))
        return b"".join(frames) + b"data: [DONE]\n\n"

    async def relay(
        self, send: Send, headers: list[tuple[bytes, bytes]], started: list[bool]
    ) -> None:
        """Wait for the first token before answering, so that a model that cannot answer
        gives a proper HTTP error (raised from here) instead of a 200 stream holding an
        error; then send each chunk as one event, straight to the server's ``send``."""
        async with aclosing(self.completion.chunks()) as chunks:
            first: ChatChunk | None = await anext(chunks, None)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            started.append(True)
            try:
                if first is not None:
                    delta = {"role": "assistant", "content": first.text}
                    await send(_body(self.frame(self.chunk(delta, None))))
                before, after = self.before, self.after
                async for chunk in chunks:
                    await send(_body(before + orjson.dumps(chunk.text) + after))
                tail = self.closing()
            except DoumError as error:
                failure = {"message": error.message, "type": "api_error", "code": error.code}
                tail = self.frame({"error": failure}) + b"data: [DONE]\n\n"
        await send({"type": "http.response.body", "body": tail, "more_body": False})


def _body(data: bytes) -> Message:
    return {"type": "http.response.body", "body": data, "more_body": True}


async def _watch_for_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()
