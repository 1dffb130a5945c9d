"""Recently authenticated API tokens, kept in memory for a few seconds.

An integration that calls ``/v1`` hundreds of times a second would otherwise read the
database (a thread hop and three queries) on every call; under load that work competes
with the streams for the process's one interpreter lock (bench.chat). Only successful
look-ups are kept, keyed by the token's digest (never the plaintext). Revoking a token
or changing a user through this process clears the cache at once; other processes (more
``--workers``, the CLI) are seen within ``ttl`` seconds.

Concurrent checks of the same token share one database look-up (:meth:`resolve`): when
an entry expires under load, hundreds of waiting calls would otherwise each start their
own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

from doum.accounts.api_tokens import TokenOwner
from doum.accounts.tokens import token_digest
from doum.db.base import utcnow


class TokenCache:
    def __init__(self, ttl_seconds: float, *, max_entries: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, TokenOwner]] = {}
        self._lookups: dict[str, asyncio.Future[TokenOwner | None]] = {}
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def get(self, plaintext: str) -> TokenOwner | None:
        return self._get(token_digest(plaintext))

    def _get(self, key: str) -> TokenOwner | None:
        if not self.enabled:
            return None
        found = self._entries.get(key)
        if found is None:
            return None
        until, owner = found
        if time.monotonic() >= until:
            del self._entries[key]
            return None
        return owner

    async def resolve(
        self, plaintext: str, lookup: Callable[[], Awaitable[TokenOwner | None]]
    ) -> TokenOwner | None:
        """The token's owner from the cache, else from ``lookup`` (None: no such valid
        token). Only the call that started a look-up gets its owner as ``stale`` (and so
        records the token's use); the calls that joined it do not."""
        key = token_digest(plaintext)
        cached = self._get(key)
        if cached is not None:
            return cached
        running = self._lookups.get(key)
        if running is not None:
            # Shielded: a caller that goes away must not cancel the others' look-up.
            owner = await asyncio.shield(running)
            return None if owner is None else replace(owner, stale=False)
        generation = self._generation
        running = self._lookups[key] = asyncio.ensure_future(lookup())
        try:
            owner = await asyncio.shield(running)
        finally:
            if running.done():
                self._lookups.pop(key, None)
            else:  # this caller was cancelled: drop the entry once the look-up ends
                running.add_done_callback(lambda done: self._forget(key, done))
        if owner is not None and generation == self._generation:
            # Not if the cache was cleared meanwhile (a revocation during the look-up).
            self._put(key, owner)
        return owner

    def _forget(self, key: str, done: asyncio.Future[TokenOwner | None]) -> None:
        self._lookups.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved: nobody may be left to see a failed look-up

    def put(self, plaintext: str, owner: TokenOwner) -> None:
        self._put(token_digest(plaintext), owner)

    def _put(self, key: str, owner: TokenOwner) -> None:
        if not self.enabled:
            return
        ttl = self.ttl
        if owner.expires_at is not None:
            # Never past the token's own expiry.
            ttl = min(ttl, (owner.expires_at - utcnow()).total_seconds())
        if ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._evict()
        # A cached owner never asks for another last_used_at write: the first look-up
        # did, and the cache lives far shorter than the touch interval.
        self._entries[key] = (
            time.monotonic() + ttl,
            replace(owner, stale=False),
        )

    def clear(self) -> None:
        self._entries.clear()
        self._generation += 1

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        now = time.monotonic()
        for key in [k for k, (until, _) in self._entries.items() if until <= now]:
            del self._entries[key]
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]
