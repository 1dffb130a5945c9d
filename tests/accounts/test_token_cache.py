"""The in-memory cache of API-token checks: bounded in time, keyed by digest, cleared
when a token or user changes through the server."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from doum.accounts import token_cache as module
from doum.accounts.api_tokens import TokenOwner
from doum.accounts.principal import Principal
from doum.accounts.token_cache import TokenCache
from doum.db.base import utcnow
from doum.runtime import Runtime

TOKEN = "doum_" + "a" * 40


def owner(*, stale: bool = True, expires_in: float | None = None) -> TokenOwner:
    return TokenOwner(
        principal=Principal(
            user_id=1,
            username="kim",
            department_id=None,
            group_ids=frozenset(),
            roles=frozenset(),
            display_name="김",
        ),
        token_id=7,
        token_name="민원시스템",
        stale=stale,
        expires_at=None if expires_in is None else utcnow() + timedelta(seconds=expires_in),
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(module.time, "monotonic", clock)
    return clock


def test_hit_until_the_ttl_passes(clock: Clock) -> None:
    cache = TokenCache(10)
    assert cache.get(TOKEN) is None
    cache.put(TOKEN, owner())
    found = cache.get(TOKEN)
    assert found is not None and found.token_id == 7
    assert found.stale is False, "a cached check never asks for another last_used_at write"
    clock.now += 9.9
    assert cache.get(TOKEN) is not None
    clock.now += 0.2
    assert cache.get(TOKEN) is None and len(cache) == 0


def test_never_outlives_the_token(clock: Clock) -> None:
    cache = TokenCache(10)
    cache.put(TOKEN, owner(expires_in=2))
    clock.now += 2.5
    assert cache.get(TOKEN) is None
    cache.put(TOKEN, owner(expires_in=-1))
    assert len(cache) == 0, "an expired token is not cached at all"


def test_keyed_by_digest_not_plaintext() -> None:
    cache = TokenCache(10)
    cache.put(TOKEN, owner())
    assert TOKEN not in repr(cache._entries)
    assert cache.get(TOKEN + "x") is None


def test_zero_ttl_disables(clock: Clock) -> None:
    cache = TokenCache(0)
    cache.put(TOKEN, owner())
    assert cache.get(TOKEN) is None and len(cache) == 0


def test_bounded_size(clock: Clock) -> None:
    cache = TokenCache(10, max_entries=3)
    for i in range(5):
        cache.put(f"{TOKEN}{i}", owner())
    assert len(cache) == 3
    assert cache.get(f"{TOKEN}4") is not None and cache.get(f"{TOKEN}0") is None


class Lookup:
    """A database look-up that the test releases by hand."""

    def __init__(self, result: TokenOwner | None) -> None:
        self.result = result
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> TokenOwner | None:
        self.calls += 1
        await self.release.wait()
        return self.result


def test_concurrent_checks_share_one_lookup() -> None:
    asyncio.run(_concurrent_checks_share_one_lookup())


async def _concurrent_checks_share_one_lookup() -> None:
    cache = TokenCache(10)
    lookup = Lookup(owner(stale=True))
    waiting = [asyncio.create_task(cache.resolve(TOKEN, lookup)) for _ in range(50)]
    await asyncio.sleep(0)
    lookup.release.set()
    found = await asyncio.gather(*waiting)
    assert lookup.calls == 1, "an expired entry under load is looked up once, not 50 times"
    assert [f.stale for f in found if f is not None].count(True) == 1, (
        "only the call that looked up records the token's use"
    )
    assert all(f is not None and f.token_id == 7 for f in found)
    assert await cache.resolve(TOKEN, lookup) is not None and lookup.calls == 1


def test_unknown_token_is_not_cached() -> None:
    asyncio.run(_unknown_token_is_not_cached())


async def _unknown_token_is_not_cached() -> None:
    cache = TokenCache(10)
    lookup = Lookup(None)
    lookup.release.set()
    assert await cache.resolve(TOKEN, lookup) is None
    assert await cache.resolve(TOKEN, lookup) is None
    assert lookup.calls == 2 and len(cache) == 0


def test_clearing_during_a_lookup_keeps_its_answer_out_of_the_cache() -> None:
    asyncio.run(_clearing_during_a_lookup_keeps_its_answer_out_of_the_cache())


async def _clearing_during_a_lookup_keeps_its_answer_out_of_the_cache() -> None:
    """A revocation that lands while a look-up runs must not be undone by it."""
    cache = TokenCache(10)
    lookup = Lookup(owner())
    pending = asyncio.create_task(cache.resolve(TOKEN, lookup))
    await asyncio.sleep(0)
    cache.clear()
    lookup.release.set()
    assert await pending is not None
    assert len(cache) == 0


def test_a_cancelled_caller_does_not_cancel_the_others() -> None:
    asyncio.run(_a_cancelled_caller_does_not_cancel_the_others())


async def _a_cancelled_caller_does_not_cancel_the_others() -> None:
    cache = TokenCache(10)
    lookup = Lookup(owner())
    first = asyncio.create_task(cache.resolve(TOKEN, lookup))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.resolve(TOKEN, lookup))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    lookup.release.set()
    found = await second
    assert found is not None and lookup.calls == 1
    await asyncio.sleep(0)
    assert cache._lookups == {}, "the finished look-up is forgotten"


def test_deactivating_a_user_stops_their_token_at_once(
    admin: TestClient, client: TestClient, runtime: Runtime
) -> None:
    token = admin.post("/api/tokens", json={"name": "연계"}).json()["token"]
    kim = admin.post(
        "/api/admin/users",
        json={"username": "kimapi", "password": "kim-password-1", "roles": ["staff"]},
    ).json()
    # Issue a token for kim directly (as `doum tokens add` would) and use it once.
    from doum.accounts.api_tokens import issue_token
    from doum.accounts.service import Auditing, get_user
    from doum.audit.log import AuditContext

    with runtime.database.session() as session:
        user = get_user(session, kim["id"])
        kim_token = issue_token(
            session, auditing=Auditing(runtime.audit, AuditContext.system()), user=user, name="t"
        ).plaintext
    api = {"Authorization": f"Bearer {kim_token}"}
    assert client.get("/v1/models", headers=api).status_code == 200
    assert len(runtime.token_cache) >= 1
    response = admin.patch(f"/api/admin/users/{kim['id']}", json={"is_active": False})
    assert response.status_code == 200, response.text
    assert len(runtime.token_cache) == 0
    response = client.get("/v1/models", headers=api)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.invalid_token"
    assert client.get("/v1/models", headers={"Authorization": f"Bearer {token}"}).status_code == 200
