"""Any OpenAI-compatible chat server: vLLM, llama.cpp server, Ollama, OpenAI, and
Anthropic/Gemini through their OpenAI-compatible endpoints. Added by configuration:

    [[llm.models]]
    name = "qwen3-32b"
    backend = "openai_compat"
    upstream_model = "Qwen/Qwen3-32B"
    [[llm.models.endpoints]]
    base_url = "http://gpu1:8000/v1"
    api_key_env = "VLLM_API_KEY"
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, cast

import aiohttp
import orjson

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.config.secrets import read_api_key
from doum.llm.endpoints import EndpointPool, EndpointState
from doum.llm.errors import ModelError
from doum.llm.types import ChatChunk, ChatRequest, Usage

logger = logging.getLogger(__name__)


class _Sessions:
    """One keep-alive HTTP session per event loop.

    aiohttp parses responses in C (llhttp): reading a streamed token costs about a fifth
    of the CPU it did with httpx (21 against 106 µs per event, 300 streams on this
    project's 2-core machine). TLS uses the system's certificate store, where a site
    installs its internal CA. A session belongs to the loop it was made on; the server
    runs one loop, but the CLI and tests may run several in turn.
    """

    def __init__(self, timeout: aiohttp.ClientTimeout) -> None:
        self._timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            if self._session is not None and self._loop is not None and self._loop.is_closed():
                # Its loop is gone: its sockets cannot be closed politely any more.
                self._session.detach()
            self._loop = loop
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=30),
                trust_env=False,
            )
        return self._session

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()
        elif session is not None:
            session.detach()


class OpenAICompatChatModel:
    backend = "openai_compat"

    def __init__(self, config: ModelConfig, settings: Settings) -> None:
        self.config = config
        self.pool = EndpointPool.of(config.endpoints, settings.llm.unhealthy_cooldown_seconds)
        # A read may wait up to timeout_seconds (a model thinking before its first
        # token); connecting has its own, shorter limit.
        self._sessions = _Sessions(
            aiohttp.ClientTimeout(
                total=None,
                sock_connect=config.connect_timeout_seconds,
                sock_read=config.timeout_seconds,
            )
        )
        self._no_usage_option: set[str] = set()

    def _headers(self, endpoint: EndpointState) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        key = read_api_key(env=endpoint.config.api_key_env, file=endpoint.config.api_key_file)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _payload(self, request: ChatRequest, endpoint: EndpointState) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.config.request_model,
            "messages": [m.to_dict() for m in request.messages],
            "stream": True,
            "max_tokens": min(
                request.max_tokens or self.config.max_output_tokens,
                self.config.max_output_tokens,
            ),
        }
        if endpoint.url not in self._no_usage_option:
            payload["stream_options"] = {"include_usage": True}
        for name in ("temperature", "top_p", "stop", "seed"):
            value = getattr(request, name)
            if value is not None:
                payload[name] = value
        payload.update(request.extra)
        return payload

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        """Try endpoints best-first; fail over only while nothing has been yielded."""
        last_error: ModelError | None = None
        for endpoint in self.pool.order():
            started = False
            endpoint.in_flight += 1
            try:
                async with aclosing(
                    cast(AsyncGenerator[ChatChunk, None], self._stream_one(request, endpoint))
                ) as chunks:
                    async for chunk in chunks:
                        if not started:
                            started = True
                            chunk.endpoint = endpoint.url
                        yield chunk
                self.pool.mark_success(endpoint)
                return
            except ModelError as error:
                if started or not error.retryable:
                    raise
                self.pool.mark_failure(endpoint, error.code)
                last_error = error
                logger.warning(
                    "endpoint failed, trying next",
                    extra={"model": self.config.name, "endpoint": endpoint.url, "code": error.code},
                )
            finally:
                endpoint.in_flight -= 1
        raise last_error or ModelError("model.unavailable", model=self.config.display_name)

    async def _stream_one(
        self, request: ChatRequest, endpoint: EndpointState
    ) -> AsyncIterator[ChatChunk]:
        url = endpoint.url + "/chat/completions"
        name = self.config.display_name
        try:
            async with self._sessions.get().post(
                url,
                data=orjson.dumps(self._payload(request, endpoint)),
                headers=self._headers(endpoint),
            ) as response:
                if response.status == 400 and endpoint.url not in self._no_usage_option:
                    body = (await response.read()).decode(errors="replace")
                    if "stream_options" in body:
                        # Older servers reject stream_options: remember and retry once.
                        self._no_usage_option.add(endpoint.url)
                        async for chunk in self._stream_one(request, endpoint):
                            yield chunk
                        return
                    raise ModelError("model.upstream_error", model=name, status=400)
                if response.status >= 400:
                    await response.read()
                    raise ModelError("model.upstream_error", model=name, status=response.status)
                # Read by hand rather than through a parsing generator: this loop runs
                # once per token of every answer, and each generator layer costs.
                events, content = EventDecoder(), response.content
                while not events.done and (data := await content.readany()):
                    if (event := events.feed(data)) is not None:
                        yield event
                if (event := events.end()) is not None:
                    yield event
                await _drain(content)
        except TimeoutError as error:
            raise ModelError("model.timeout", model=name) from error
        except aiohttp.ClientError as error:
            raise ModelError("model.unavailable", model=name) from error

    async def check_health(self) -> bool:
        healthy = False
        for endpoint in self.pool.endpoints:
            try:
                async with self._sessions.get().get(
                    endpoint.url + "/models",
                    headers=self._headers(endpoint),
                    timeout=aiohttp.ClientTimeout(total=5.0),
                ) as response:
                    await response.read()
                    ok = response.status < 500
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            if ok:
                self.pool.mark_success(endpoint)
                endpoint.served -= 1
                healthy = True
            else:
                self.pool.mark_failure(endpoint, "health_check")
        return healthy

    async def aclose(self) -> None:
        await self._sessions.aclose()


DRAIN_SECONDS = 1.0


async def _drain(body: aiohttp.StreamReader) -> None:
    """Read what follows ``[DONE]``: servers such as vLLM send the body's closing chunk
    separately, and a connection whose body was not read to the end cannot go back to
    the pool. Without this every answer opened a new connection (a TLS handshake, for a
    commercial API) to its model server. A server that sends more than that, or keeps
    the body open, only costs its connection."""
    if body.is_eof():
        return
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            left = 64 * 1024
            while left > 0 and (data := await body.readany()):
                left -= len(data)
    except TimeoutError:
        pass


class EventDecoder:
    """The SSE ``data:`` events of a streamed body, fed as it arrives.

    :meth:`feed` returns one chunk per network read, holding every event in that read:
    under load several tokens arrive together, and relaying them as one chunk (one write
    to the client) instead of one each keeps the relay's cost per read, not per token.
    """

    __slots__ = ("_pending", "done")

    def __init__(self) -> None:
        self.done = False
        """``[DONE]`` has come: what follows is ignored."""
        self._pending = b""

    def feed(self, data: bytes) -> ChatChunk | None:
        if self.done:
            return None
        lines = (self._pending + data).split(b"\n") if self._pending else data.split(b"\n")
        self._pending = lines.pop()
        merged, self.done = _read_lines(lines)
        return merged

    def end(self) -> ChatChunk | None:
        """A last event that came without its blank line."""
        if self.done or not self._pending:
            return None
        merged, self.done = _read_lines([self._pending])
        self._pending = b""
        return merged


def _read_lines(lines: list[bytes]) -> tuple[ChatChunk | None, bool]:
    """The ``data:`` events of these lines as one chunk, and whether ``[DONE]`` came."""
    merged: ChatChunk | None = None
    for line in lines:
        if not line.startswith(b"data:") or not (payload := line[5:].strip()):
            continue
        if payload == b"[DONE]":
            return merged, True
        chunk = _chunk(payload)
        if chunk is not None:
            merged = chunk if merged is None else _merge(merged, chunk)
    return merged, False


def _merge(first: ChatChunk, second: ChatChunk) -> ChatChunk:
    first.text += second.text
    first.finish_reason = second.finish_reason or first.finish_reason
    first.usage = second.usage or first.usage
    return first


def _chunk(payload: bytes) -> ChatChunk | None:
    """One SSE ``data:`` payload as a chunk (None: nothing in it, or not JSON)."""
    try:
        event = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(event, dict):
        return None
    if "error" in event and not event.get("choices"):
        raise ModelError("model.upstream_error", model=str(event.get("model", "")), status=500)
    usage = event.get("usage")
    chunk = ChatChunk()
    if usage:
        chunk.usage = Usage(
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
        )
    for choice in event.get("choices") or []:
        delta = choice.get("delta") or {}
        chunk.text += delta.get("content") or ""
        if choice.get("finish_reason"):
            chunk.finish_reason = choice["finish_reason"]
    if chunk.text or chunk.finish_reason or chunk.usage:
        return chunk
    return None
