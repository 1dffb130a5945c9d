"""A fake OpenAI-compatible chat server for tests and benchmarks.

It streams ``tokens`` pieces at a fixed pace, records every request it receives (so a
leak test can assert what left the building), and can be told to fail.

    with FakeOpenAIServer(tokens=200, interval=0.01) as server:
        server.base_url  # "http://127.0.0.1:PORT/v1"
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Responder = Callable[[dict[str, Any]], str]


def default_responder(payload: dict[str, Any]) -> str:
    last = next((m for m in reversed(payload.get("messages", [])) if m.get("role") == "user"), {})
    return "echo: " + str(last.get("content", ""))


@dataclass
class FakeOpenAIServer:
    tokens: int = 0
    """If > 0, stream this many ``tok `` pieces instead of the responder's text."""
    interval: float = 0.0
    """Seconds between streamed pieces."""
    first_token_delay: float = 0.0
    done_delay: float = 0.0
    """Seconds between ``[DONE]`` and the end of the body."""
    responder: Responder = default_responder
    fail_status: int = 0
    """Answer every chat request with this HTTP status (0 = don't fail)."""
    model_ids: list[str] = field(default_factory=lambda: ["fake-model"])
    requests: list[dict[str, Any]] = field(default_factory=list)
    clients: list[tuple[str, int]] = field(default_factory=list)
    """The client address of each chat request: one per connection it came on."""
    api_key: str = ""
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def _authorised(self, request: Request) -> bool:
        return not self.api_key or request.headers.get("authorization") == f"Bearer {self.api_key}"

    async def _models(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        return JSONResponse(
            {"object": "list", "data": [{"id": m, "object": "model"} for m in self.model_ids]}
        )

    async def _chat(self, request: Request) -> Response:
        payload = await request.json()
        with self._lock:
            self.requests.append(payload)
            if request.client is not None:
                self.clients.append((request.client.host, request.client.port))
        if not self._authorised(request):
            return JSONResponse({"error": {"message": "bad key"}}, status_code=401)
        if self.fail_status:
            return JSONResponse(
                {"error": {"message": "failing on purpose"}}, status_code=self.fail_status
            )
        pieces = ["tok "] * self.tokens if self.tokens else _split(self.responder(payload))
        model = payload.get("model", "fake-model")
        if not payload.get("stream"):
            await asyncio.sleep(self.first_token_delay + self.interval * len(pieces))
            return JSONResponse(
                {
                    "id": "cmpl-fake",
                    "object": "chat.completion",
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": "".join(pieces)},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": 10,
                        "completion_tokens": len(pieces),
                        "total_tokens": 10 + len(pieces),
                    },
                }
            )
        include_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
        return StreamingResponse(
            self._stream(pieces, model, include_usage), media_type="text/event-stream"
        )

    async def _stream(
        self, pieces: list[str], model: str, include_usage: bool
    ) -> AsyncIterator[bytes]:
        def frame(data: dict[str, Any]) -> bytes:
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

        # Frames are built once per distinct piece: the fake must cost far less CPU
        # than the system it is used to measure.
        cache: dict[str, bytes] = {}
        if self.first_token_delay:
            await asyncio.sleep(self.first_token_delay)
        start = time.perf_counter()
        for i, piece in enumerate(pieces):
            if self.interval and i:
                # A fixed pace from the start, so scheduling jitter does not accumulate.
                await asyncio.sleep(max(0.0, start + i * self.interval - time.perf_counter()))
            data = cache.get(piece)
            if data is None:
                data = cache[piece] = frame(
                    {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "model": model,
                        "choices": [
                            {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                        ],
                    }
                )
            yield data
        yield frame(
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
        )
        if include_usage:
            yield frame(
                {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": 10,
                        "completion_tokens": len(pieces),
                        "total_tokens": 10 + len(pieces),
                    },
                }
            )
        yield b"data: [DONE]\n\n"
        if self.done_delay:
            # The body's closing chunk goes out on its own, as busy servers send it.
            await asyncio.sleep(self.done_delay)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/models", self._models, methods=["GET"]),
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
            ]
        )

    def start(self) -> FakeOpenAIServer:
        if not self.port:
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            self.app(),
            host=self.host,
            port=self.port,
            log_level="warning",
            lifespan="off",
            backlog=4096,
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="fake-openai")
        self._thread.start()
        deadline = time.time() + 10
        while not self._server.started:
            if time.time() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _split(text: str) -> list[str]:
    """Split into small pieces the way a tokenizer would (keeps whitespace)."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if ch in " \n" or len(current) >= 3:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces or [""]
