"""Routing each request to an allowed model and endpoint, with failover.

* A model may receive a request only if its data class is allowed for it; C and S never
  go to an external model (:func:`doum.llm.catalog.may_receive`), whatever the config.
* If the chosen model may not receive the request, the gateway reroutes to an allowed
  model and says so in the :class:`Route` (shown to the user and audited), or refuses.
* Endpoints of a model are balanced least-busy with failover (see ``openai_compat``);
  when a whole model fails before the first token, its ``fallbacks`` are tried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import cast

import anyio

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.llm.catalog import may_receive, model_catalog
from doum.llm.errors import ModelError, ModelNotAllowed, UnknownModel
from doum.llm.guard import PreparedMessages, RequestGuard, Unguarded
from doum.llm.protocol import ChatModel
from doum.llm.registry import backend_factory
from doum.llm.types import ChatChunk, ChatRequest, ChatResult, Usage

logger = logging.getLogger(__name__)

ClassPolicy = Callable[[ModelConfig, str], bool]


@dataclass(frozen=True, slots=True)
class Route:
    requested: str
    chain: tuple[ModelConfig, ...]
    data_class: str
    rerouted: bool = False

    @property
    def primary(self) -> ModelConfig:
        return self.chain[0]


@dataclass(slots=True)
class ModelStatus:
    name: str
    label: str
    backend: str
    location: str
    allowed_classes: list[str]
    demo: bool
    endpoints: list[dict[str, object]] = field(default_factory=list)


class ModelGateway:
    def __init__(
        self,
        settings: Settings,
        *,
        policy: ClassPolicy | None = None,
        guard: RequestGuard | None = None,
        allow_reroute: Callable[[], bool] | None = None,
    ) -> None:
        self.settings = settings
        self.guard = guard
        self._allow_reroute = allow_reroute or (lambda: True)
        self._catalog = {m.name: m for m in model_catalog(settings)}
        self._models: dict[str, ChatModel] = {}
        # The hard rule (C and S never leave the network) always applies, whatever the
        # administrator's policy says.
        self._policy: ClassPolicy = (
            may_receive
            if policy is None
            else lambda model, data_class: (
                may_receive(model, data_class) and policy(model, data_class)
            )
        )
        self._health_task: asyncio.Task[None] | None = None

    # --- catalogue ------------------------------------------------------------------

    def catalog(self) -> list[ModelConfig]:
        return list(self._catalog.values())

    def config(self, name: str) -> ModelConfig:
        try:
            return self._catalog[name]
        except KeyError:
            raise UnknownModel("model.unknown", model=name) from None

    def allows(self, model: ModelConfig, data_class: str) -> bool:
        return self._policy(model, data_class)

    def allowed_models(self, data_class: str = "O") -> list[ModelConfig]:
        return [m for m in self._catalog.values() if self.allows(m, data_class)]

    def default_model(self) -> ModelConfig:
        preferred = self.settings.llm.default_model
        if preferred and preferred in self._catalog:
            return self._catalog[preferred]
        real = [m for m in self._catalog.values() if not m.demo]
        return (real or list(self._catalog.values()))[0]

    @property
    def only_demo(self) -> bool:
        return all(m.demo for m in self._catalog.values())

    def instance(self, config: ModelConfig) -> ChatModel:
        model = self._models.get(config.name)
        if model is None:
            model = backend_factory(config.backend)(config, self.settings)
            self._models[config.name] = model
        return model

    # --- routing --------------------------------------------------------------------

    def route(self, requested: str | None, data_class: str) -> Route:
        chosen = self.config(requested) if requested else self.default_model()
        chain: list[ModelConfig] = []
        if self.allows(chosen, data_class):
            chain.append(chosen)
        for name in chosen.fallbacks:
            fallback = self._catalog.get(name)
            if fallback and fallback not in chain and self.allows(fallback, data_class):
                chain.append(fallback)
        rerouted = not chain or chain[0] is not chosen
        if not chain and self._allow_reroute():
            # The chosen model may not see this class: reroute to another allowed model
            # (real models before the demo), visibly.
            candidates = sorted(self.allowed_models(data_class), key=lambda m: m.demo)
            chain.extend(candidates[:2])
        if not chain:
            raise ModelNotAllowed(
                "model.not_allowed", model=chosen.display_name, data_class=data_class
            )
        return Route(
            requested=chosen.name, chain=tuple(chain), data_class=data_class, rerouted=rerouted
        )

    # --- generation -----------------------------------------------------------------

    def stream(
        self, request: ChatRequest, route: Route, *, conversation_id: str = ""
    ) -> GatewayStream:
        """``conversation_id`` keys the masking vault, so placeholders stay the same
        across the turns of one conversation (stateless API calls pass none)."""
        return GatewayStream(self, request, route, conversation_id or None)

    async def complete(
        self, request: ChatRequest, route: Route, *, conversation_id: str = ""
    ) -> ChatResult:
        stream = self.stream(request, route, conversation_id=conversation_id)
        parts = [chunk.text async for chunk in stream]
        return stream.result("".join(parts))

    # --- health ---------------------------------------------------------------------

    async def start(self) -> None:
        if self._health_task is None and self.settings.llm.health_check_seconds > 0:
            self._health_task = asyncio.create_task(self._health_loop(), name="doum-health")

    async def _health_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.llm.health_check_seconds)
            for config in self._catalog.values():
                if config.backend == "embedded":
                    continue
                try:
                    await self.instance(config).check_health()
                except ModelError:
                    logger.warning("health check failed", extra={"model": config.name})

    def status(self) -> list[ModelStatus]:
        out = []
        for config in self._catalog.values():
            status = ModelStatus(
                name=config.name,
                label=config.display_name,
                backend=config.backend,
                location=config.location,
                allowed_classes=list(config.allowed_classes),
                demo=config.demo,
            )
            model = self._models.get(config.name)
            pool = getattr(model, "pool", None)
            if pool is not None:
                status.endpoints = [
                    {
                        "url": e.url,
                        "healthy": e.healthy,
                        "in_flight": e.in_flight,
                        "served": e.served,
                        "failures": e.failures,
                        "last_error": e.last_error,
                    }
                    for e in pool.endpoints
                ]
            out.append(status)
        return out

    async def aclose(self) -> None:
        if self._health_task is not None:
            self._health_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._health_task
            self._health_task = None
        for model in self._models.values():
            await model.aclose()
        self._models.clear()


class GatewayStream:
    """One answer being generated. Iterate it for text chunks; afterwards ``model``,
    ``endpoint``, ``usage``, ``finish_reason`` and the timings say what happened."""

    def __init__(
        self,
        gateway: ModelGateway,
        request: ChatRequest,
        route: Route,
        conversation_id: str | None,
    ) -> None:
        self._gateway = gateway
        self._request = request
        self.route = route
        self.conversation_id = conversation_id
        self.privacy: dict[str, object] = {}
        """The guard's audit details for the model that answered (masking summary)."""
        self.model: ModelConfig = route.primary
        self.endpoint = ""
        self.usage = Usage()
        self.finish_reason = ""
        self.started = time.perf_counter()
        self.first_token_at: float | None = None
        self.failed_over: list[str] = []

    async def __aiter__(self) -> AsyncIterator[ChatChunk]:
        last_error: ModelError | None = None
        for config in self.route.chain:
            self.model = config
            emitted = False
            prepared = await self._prepare(config)
            self.privacy = prepared.audit_details()
            restorer = prepared.stream_restorer()
            request = replace(self._request, messages=prepared.messages)
            try:
                stream = cast(
                    AsyncGenerator[ChatChunk, None], self._gateway.instance(config).stream(request)
                )
                async with aclosing(stream) as chunks:
                    async for chunk in chunks:
                        if chunk.endpoint:
                            self.endpoint = chunk.endpoint
                        if chunk.usage:
                            self.usage = chunk.usage
                        if chunk.finish_reason:
                            self.finish_reason = chunk.finish_reason
                        text = restorer.feed(chunk.text) if chunk.text else ""
                        if text:
                            if self.first_token_at is None:
                                self.first_token_at = time.perf_counter()
                            emitted = True
                            yield ChatChunk(text=text, endpoint=chunk.endpoint)
                tail = restorer.flush()
                if tail:
                    yield ChatChunk(text=tail)
                return
            except ModelError as error:
                if emitted or not error.retryable:
                    raise
                last_error = error
                self.failed_over.append(config.name)
                logger.warning(
                    "model failed, trying fallback",
                    extra={"model": config.name, "code": error.code},
                )
        if last_error is not None and len(self.route.chain) > 1:
            raise ModelError("model.all_unavailable") from last_error
        raise last_error or ModelError("model.all_unavailable")

    async def _prepare(self, config: ModelConfig) -> PreparedMessages:
        guard = self._gateway.guard
        if guard is None or not guard.must_prepare(config):
            return Unguarded(
                list(self._request.messages), details={"location": config.location, "masked": False}
            )
        return await anyio.to_thread.run_sync(
            lambda: guard.prepare(
                list(self._request.messages),
                model=config,
                data_class=self.route.data_class,
                conversation_id=self.conversation_id,
            )
        )

    @property
    def latency_ms(self) -> int:
        return int((time.perf_counter() - self.started) * 1000)

    @property
    def ttft_ms(self) -> int:
        if self.first_token_at is None:
            return 0
        return int((self.first_token_at - self.started) * 1000)

    def result(self, text: str) -> ChatResult:
        return ChatResult(
            text=text,
            model=self.model.name,
            backend=self.model.backend,
            endpoint=self.endpoint,
            finish_reason=self.finish_reason or "stop",
            usage=self.usage,
            latency_ms=self.latency_ms,
            ttft_ms=self.ttft_ms,
        )
