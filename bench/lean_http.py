"""The chat benchmark's load generator and fake backend, lean on purpose.

On a small machine the benchmark's own processes share the cores with the server being
measured. Both ends here are plain asyncio protocols with httptools (the C HTTP parser
uvicorn uses): timers instead of tasks for the token pace, bytes instead of JSON
decoding on the client. They cost a fraction of a uvicorn/Starlette fake or an HTTP
client library per streamed token, and they are the same for the direct and the
through-doum runs, so the comparison stays fair.

The fake speaks enough OpenAI-compatible HTTP/1.1 for doum's ``openai_compat`` backend:
``GET /v1/models``; ``POST /v1/chat/completions``, streaming (chunked SSE, with
``stream_options.include_usage``) or not; keep-alive. It answers ``tokens`` pieces of
``"tok "`` at ``interval`` seconds apart.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httptools

TOKEN = "tok "


def _frame(payload: dict[str, Any]) -> bytes:
    data = b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(data), data)


def _chunk_event(model: str, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


class _ServerConnection(asyncio.Protocol):
    def __init__(self, backend: FakeChatBackend) -> None:
        self.backend = backend
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url = b""
        self.body: list[bytes] = []
        self.timer: asyncio.TimerHandle | None = None

    # --- asyncio.Protocol ----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self._respond(400, b'{"error":{"message":"bad request"}}', keep_alive=False)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.transport = None

    # --- httptools callbacks -------------------------------------------------------

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        method, url, body = self.parser.get_method(), self.url, b"".join(self.body)
        self.url, self.body = b"", []
        path = url.split(b"?", 1)[0]
        if method == b"GET" and path == b"/v1/models":
            models = {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}
            self._respond(200, json.dumps(models).encode())
        elif method == b"POST" and path == b"/v1/chat/completions":
            self._chat(body)
        else:
            self._respond(404, b'{"error":{"message":"not found"}}')

    # --- responses ---------------------------------------------------------------

    def _respond(self, status: int, body: bytes, *, keep_alive: bool = True) -> None:
        if self.transport is None:
            return
        reason = {200: b"OK", 400: b"Bad Request", 404: b"Not Found"}.get(status, b"Error")
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
            b"connection: %s\r\n\r\n%s"
            % (status, reason, len(body), b"keep-alive" if keep_alive else b"close", body)
        )
        if not keep_alive:
            self.transport.close()

    def _chat(self, body: bytes) -> None:
        try:
            payload = json.loads(body)
        except ValueError:
            self._respond(400, b'{"error":{"message":"invalid JSON"}}')
            return
        self.backend.requests += 1
        model = str(payload.get("model", "fake-model"))
        tokens = self.backend.tokens
        if not payload.get("stream"):
            answer = {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": TOKEN * tokens},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": 10,
                    "completion_tokens": tokens,
                    "total_tokens": 10 + tokens,
                },
            }
            self._respond(200, json.dumps(answer).encode())
            return
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\ncache-control: no-cache\r\n\r\n"
        )
        usage = bool((payload.get("stream_options") or {}).get("include_usage"))
        token = _frame(_chunk_event(model, {"content": TOKEN}, None))
        tail = _frame(_chunk_event(model, {}, "stop"))
        if usage:
            tail += _frame(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": 10,
                        "completion_tokens": tokens,
                        "total_tokens": 10 + tokens,
                    },
                }
            )
        tail += b"e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"
        loop = asyncio.get_running_loop()
        start = loop.time()

        def tick(sent: int) -> None:
            self.timer = None
            if self.transport is None:
                return
            if sent == tokens:
                self.transport.write(tail)
                return
            self.transport.write(token)
            # A fixed pace from the start, so that scheduling jitter does not add up.
            self.timer = loop.call_at(start + (sent + 1) * self.backend.interval, tick, sent + 1)

        tick(0)


@dataclass
class FakeChatBackend:
    tokens: int = 200
    interval: float = 0.04
    host: str = "127.0.0.1"
    port: int = 0
    requests: int = 0
    _server: asyncio.AbstractServer | None = field(default=None, repr=False)

    async def start(self) -> FakeChatBackend:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _ServerConnection(self), self.host, self.port, backlog=4096
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()


# --- the load generator -------------------------------------------------------------


class _ClientConnection(asyncio.Protocol):
    """One streamed request: TTFT is the first ``"content":`` event after sending."""

    def __init__(
        self, request: bytes, done: asyncio.Future[dict[str, Any]], started: float
    ) -> None:
        self.request = request
        self.done = done
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.started = started
        self.ttft: float | None = None
        self.tokens = 0
        self.pending = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._finish(error=f"bad response: {error}")

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(error="connection closed early")

    def on_body(self, body: bytes) -> None:
        lines = (self.pending + body).split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            if line.startswith(b"data:") and b'"content":' in line:
                if self.ttft is None:
                    self.ttft = time.perf_counter() - self.started
                self.tokens += line.count(TOKEN.encode())

    def on_message_complete(self) -> None:
        status = self.parser.get_status_code()
        self._finish(error="" if status == 200 else f"HTTP {status}")

    def _finish(self, *, error: str) -> None:
        if self.done.done():
            return
        if not error and self.ttft is None:
            error = "no tokens"
        self.done.set_result(
            {
                "ok": not error,
                "error": error,
                "ttft": self.ttft,
                "pieces": self.tokens,
                "total": time.perf_counter() - self.started,
            }
        )
        if self.transport is not None:
            self.transport.close()


async def stream_chat(
    host: str, port: int, path: str, body: dict[str, Any], headers: dict[str, str], delay: float
) -> dict[str, Any]:
    """One streaming chat on a new connection, ``delay`` seconds from now. The clock
    starts before connecting."""
    await asyncio.sleep(delay)
    data = json.dumps(body, ensure_ascii=False).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
        f"accept: text/event-stream\r\ncontent-length: {len(data)}\r\n{head}\r\n"
    ).encode() + data
    loop = asyncio.get_running_loop()
    done: asyncio.Future[dict[str, Any]] = loop.create_future()
    started = time.perf_counter()
    try:
        await loop.create_connection(lambda: _ClientConnection(request, done, started), host, port)
    except OSError as error:
        return {"ok": False, "error": type(error).__name__}
    try:
        return await asyncio.wait_for(done, timeout=120)
    except TimeoutError:
        return {"ok": False, "error": "timeout"}
