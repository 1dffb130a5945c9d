"""Several endpoints (replicas) of one model: least-busy choice, health, cooldown."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from doum.config.llm import EndpointConfig


@dataclass(slots=True)
class EndpointState:
    config: EndpointConfig
    in_flight: int = 0
    healthy: bool = True
    unhealthy_until: float = 0.0
    failures: int = 0
    served: int = 0
    last_error: str = ""

    @property
    def url(self) -> str:
        return self.config.base_url.rstrip("/")

    @property
    def load(self) -> float:
        return self.in_flight / max(self.config.weight, 1)

    def available(self, now: float) -> bool:
        return (self.healthy or now >= self.unhealthy_until) and (
            self.in_flight < self.config.max_concurrency
        )


@dataclass(slots=True)
class EndpointPool:
    endpoints: list[EndpointState]
    cooldown_seconds: float = 10.0
    _rr: int = field(default=0)

    @classmethod
    def of(cls, configs: list[EndpointConfig], cooldown_seconds: float) -> EndpointPool:
        return cls([EndpointState(c) for c in configs], cooldown_seconds)

    def order(self) -> list[EndpointState]:
        """Endpoints to try, best first: available ones by load (ties rotate), then the
        rest (an unhealthy endpoint may have recovered; it is the last resort)."""
        now = time.monotonic()
        self._rr += 1
        n = len(self.endpoints)
        rotated = [self.endpoints[(i + self._rr) % n] for i in range(n)]
        available = sorted((e for e in rotated if e.available(now)), key=lambda e: e.load)
        rest = [e for e in rotated if e not in available]
        return available + rest

    def mark_failure(self, endpoint: EndpointState, reason: str) -> None:
        endpoint.failures += 1
        endpoint.healthy = False
        endpoint.last_error = reason
        endpoint.unhealthy_until = time.monotonic() + self.cooldown_seconds

    def mark_success(self, endpoint: EndpointState) -> None:
        endpoint.healthy = True
        endpoint.served += 1
        endpoint.unhealthy_until = 0.0

    def any_healthy(self) -> bool:
        now = time.monotonic()
        return any(e.available(now) for e in self.endpoints)
