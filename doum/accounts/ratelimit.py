"""Fixed-window rate limits (login attempts per IP, API calls per token).

``memory`` suits one process; ``redis`` is shared by several app processes.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from doum.config.core import SecuritySettings


class RateLimiter(Protocol):
    def hit(self, key: str, *, limit: int, window_seconds: int) -> int:
        """Count one event; return 0 if allowed, else seconds until it would be."""
        ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window_seconds: int) -> int:
        now = time.time()
        window = int(now // window_seconds)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > 100_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        if count > limit:
            return max(1, int((window + 1) * window_seconds - now))
        return 0


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def hit(self, key: str, *, limit: int, window_seconds: int) -> int:
        window = int(time.time() // window_seconds)
        name = f"doum:rl:{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window_seconds + 1)
        count, _ = pipe.execute()
        if int(count) > limit:
            return max(1, int((window + 1) * window_seconds - time.time()))
        return 0


def make_rate_limiter(security: SecuritySettings) -> RateLimiter:
    if security.rate_limit_backend == "redis":
        return RedisRateLimiter(security.redis_url)
    return MemoryRateLimiter()
