"""The PostgreSQL store against a real PostgreSQL 16 + pgvector (pgserver, private socket),
and the clear Korean error on a PostgreSQL without pgvector (the local PostgreSQL 15)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from doum.retrieval.errors import StoreUnavailable
from tests.retrieval.store_contract import SearchStoreContract

_db_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pgvector_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    pgserver = pytest.importorskip(
        "pgserver", reason="pgserver 미설치: PostgreSQL+pgvector 시험 생략"
    )
    root = Path(tmp_path_factory.mktemp("pgvector"))
    server = pgserver.get_server(root / "data", cleanup_mode="stop")
    yield server
    server.cleanup()


def _fresh_database(server: object) -> str:
    import psycopg

    base = server.get_uri()  # type: ignore[attr-defined]
    name = f"doum_store_{os.getpid()}_{next(_db_counter)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.replace("/postgres?", f"/{name}?")


@pytest.mark.pgvector
class TestPostgresSearchStore(SearchStoreContract):
    @pytest.fixture
    def store(self, pgvector_server: object) -> Iterator[object]:
        from doum.retrieval.stores.postgres import PostgresSearchStore

        s = PostgresSearchStore(_fresh_database(pgvector_server), dim=384)
        s.ensure_schema()
        yield s
        s.close()


@pytest.mark.postgres
def test_missing_pgvector_is_a_clear_korean_error() -> None:
    import psycopg

    from doum.retrieval.stores.postgres import PostgresSearchStore

    url = os.environ.get(
        "DOUM_TEST_POSTGRES_URL", "postgresql://postgres@/postgres?host=/var/run/postgresql"
    )
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            has_vector = conn.execute(
                "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'"
            ).fetchone()[0]
    except psycopg.OperationalError:
        pytest.skip("로컬 PostgreSQL 에 연결할 수 없습니다")
    if has_vector:
        pytest.skip("이 PostgreSQL 에는 pgvector 가 있습니다")
    store = PostgresSearchStore(url)
    with pytest.raises(StoreUnavailable) as info:
        store.ensure_schema()
    store.close()
    assert info.value.code == "retrieval.pgvector_missing"
    assert "pgvector" in info.value.message and "CREATE EXTENSION" in info.value.message
