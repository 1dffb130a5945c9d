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

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, cast

import httpx
import orjson

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.config.secrets import read_api_key
from doum.llm.endpoints import EndpointPool, EndpointState
from doum.llm.errors import ModelError
from doum.llm.types import ChatChunk, ChatRequest, Usage

logger = logging.getLogger(__name__)


class OpenAICompatChatModel:
    backend = "openai_compat"

    def __init__(
        self,
        config: ModelConfig,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.pool = EndpointPool.of(config.endpoints, settings.llm.unhealthy_cooldown_seconds)
        timeout = httpx.Timeout(config.timeout_seconds, connect=config.connect_timeout_seconds)
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=256)
        self._client = httpx.AsyncClient(
            timeout=timeout, limits=limits, transport=transport, trust_env=False
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
            async with self._client.stream(
                "POST", url, json=self._payload(request, endpoint), headers=self._headers(endpoint)
            ) as response:
                if response.status_code == 400 and endpoint.url not in self._no_usage_option:
                    body = (await response.aread()).decode(errors="replace")
                    if "stream_options" in body:
                        # Older servers reject stream_options: remember and retry once.
                        self._no_usage_option.add(endpoint.url)
                        async for chunk in self._stream_one(request, endpoint):
                            yield chunk
                        return
                    raise ModelError("model.upstream_error", model=name, status=400)
                if response.status_code >= 400:
                    await response.aread()
                    raise ModelError(
                        "model.upstream_error", model=name, status=response.status_code
                    )
                async for chunk in _parse_sse(response):
                    yield chunk
        except httpx.TimeoutException as error:
            raise ModelError("model.timeout", model=name) from error
        except httpx.HTTPError as error:
            raise ModelError("model.unavailable", model=name) from error

    async def check_health(self) -> bool:
        healthy = False
        for endpoint in self.pool.endpoints:
            try:
                response = await self._client.get(
                    endpoint.url + "/models", headers=self._headers(endpoint), timeout=5.0
                )
                ok = response.status_code < 500
            except httpx.HTTPError:
                ok = False
            if ok:
                self.pool.mark_success(endpoint)
                endpoint.served -= 1
                healthy = True
            else:
                self.pool.mark_failure(endpoint, "health_check")
        return healthy

    async def aclose(self) -> None:
        await self._client.aclose()


async def _parse_sse(response: httpx.Response) -> AsyncIterator[ChatChunk]:
    async for payload in _sse_payloads(response):
        if payload == b"[DONE]":
            return
        chunk = _chunk(payload)
        if chunk is not None:
            yield chunk


async def _sse_payloads(response: httpx.Response) -> AsyncIterator[bytes]:
    """The non-empty ``data:`` payloads of an SSE body. Lines are split on bytes, not by
    httpx's text line decoder: this runs once per token of every relayed stream."""
    pending = b""
    async for data in response.aiter_bytes():
        lines = (pending + data).split(b"\n")
        pending = lines.pop()
        for line in lines:
            if line.startswith(b"data:") and (payload := line[5:].strip()):
                yield payload
    if pending.startswith(b"data:") and (payload := pending[5:].strip()):
        yield payload


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
