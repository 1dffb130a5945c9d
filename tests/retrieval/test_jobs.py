"""Ingestion through the real task queue (Huey): immediate, embedded SQLite consumer,
resume after a killed worker, and Redis across processes (when a Redis is running)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from doum.db import Database
from doum.jobs import enqueue_documents, reset_queue_cache, resume_unfinished
from doum.jobs.consumer import start_embedded_consumer, stop_embedded_consumer
from doum.jobs.tasks import document_progress
from doum.knowledge.models import KnowledgeDocument
from doum.knowledge.service import create_knowledge_base
from doum.retrieval.backend import get_backend, reset_backend_cache
from doum.retrieval.search import search
from doum.retrieval.sources import add_paths
from tests.retrieval.conftest import People

STATUTE = """---
제목: 주민등록법
법령구분: 법률
시행일자: 2024-01-01
상태: 시행
---

# 주민등록법

## 제1장 총칙

##### 제1조 (목적)

이 법은 주민을 등록하게 함으로써 주민의 거주관계 등 인구의 동태를 항상 명확하게 파악하기 위함을 목적으로 한다.

##### 제29조 (열람 또는 등ㆍ초본의 교부)

**①** 주민등록표를 열람하거나 그 등본 또는 초본을 교부받으려는 자는 읍ㆍ면ㆍ동장에게 신청할 수 있다.

**②** 등본 교부 신청은 전국 어디서나 할 수 있다.
"""


@pytest.fixture
def queue_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DOUM_RETRIEVAL__EMBEDDING", "tests.retrieval.fakes:HashingEmbedding")
    reset_backend_cache()
    reset_queue_cache()
    yield
    stop_embedded_consumer(graceful=False)
    reset_backend_cache()
    reset_queue_cache()


def _register(database: Database, people: People, tmp_path: Path, count: int = 1):
    admin = people.user(people.department(), "admin")
    folder = tmp_path / "laws"
    folder.mkdir()
    for i in range(count):
        (folder / f"law{i}.md").write_text(
            STATUTE.replace("주민등록법", f"주민등록법{i}"), encoding="utf-8"
        )
    with database.session() as session:
        create_knowledge_base(session, admin, name="법령", data_class="O")
        plan = add_paths(session, admin, kb_ref="법령", paths=[folder])
    return admin, plan.queued


def _wait_done(database: Database, admin, ids, seconds: float = 60) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with database.session() as session:
            rows = document_progress(session, admin, document_ids=ids)
        if rows and all(r.status in ("done", "error") for r in rows):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"not finished: {[(r.status, r.progress) for r in rows]}")


def test_immediate_mode_runs_parse_index_and_vectors(
    database: Database,
    people: People,
    tmp_path: Path,
    queue_env: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOUM_JOBS__IMMEDIATE", "true")
    from doum.config import reset_settings_cache

    reset_settings_cache()
    admin, ids = _register(database, people, tmp_path)
    assert enqueue_documents(ids) == 1
    [row] = _wait_done(database, admin, ids, 5)
    assert (row.status, row.status_label, row.progress) == ("done", "완료", 1.0)
    assert row.chunk_count == 2 and row.vector_count == 2
    hits = search(admin, "등본은 어디서 떼나요", database=database, backend=get_backend())
    assert hits[0].citation.label == "주민등록법0 제29조(열람 또는 등ㆍ초본의 교부)"
    assert hits[0].citation.effective_date == "2024-01-01"


def test_embedded_sqlite_consumer(
    database: Database, people: People, tmp_path: Path, queue_env: None
) -> None:
    admin, ids = _register(database, people, tmp_path, count=3)
    consumer = start_embedded_consumer()
    assert consumer is not None
    assert start_embedded_consumer() is consumer  # idempotent
    enqueue_documents(ids)
    rows = _wait_done(database, admin, ids)
    assert [r.status for r in rows] == ["done"] * 3
    assert (tmp_path / "data" / "jobs.sqlite3").exists()
    stop_embedded_consumer()


def test_killed_worker_is_resumed_without_duplicates(
    database: Database, people: People, tmp_path: Path, queue_env: None
) -> None:
    admin, ids = _register(database, people, tmp_path, count=2)
    # A worker died mid-way: one document stuck in "parsing", one lexically indexed but
    # without vectors ("indexing"); the queue itself lost both tasks.
    from doum.retrieval.ingestion import index_document

    backend = get_backend()
    index_document(ids[1], database=database, backend=backend)
    with database.session() as session:
        session.get(KnowledgeDocument, ids[0]).status = "parsing"
        assert session.get(KnowledgeDocument, ids[1]).status == "indexing"
    start_embedded_consumer()  # re-queues unfinished documents on start
    rows = _wait_done(database, admin, ids)
    assert [r.status for r in rows] == ["done", "done"]
    assert [r.chunk_count for r in rows] == [2, 2]
    assert backend.store.count(kb_ids=[rows[0].kb_id]) == 4
    # running the resume again changes nothing
    stop_embedded_consumer()
    assert resume_unfinished() == 0


@pytest.mark.redis
def test_redis_queue_same_tasks(
    database: Database,
    people: People,
    tmp_path: Path,
    queue_env: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("로컬 Redis 에 연결할 수 없습니다")
    monkeypatch.setenv("DOUM_JOBS__BACKEND", "redis")
    monkeypatch.setenv("DOUM_JOBS__REDIS_URL", url)
    monkeypatch.setenv("DOUM_JOBS__NAME", f"doum-test-{tmp_path.name}")
    from doum.config import get_settings, reset_settings_cache
    from doum.jobs.consumer import EmbeddedConsumer
    from doum.jobs.queue import get_queue

    reset_settings_cache()
    assert start_embedded_consumer() is None  # Redis mode: separate workers
    admin, ids = _register(database, people, tmp_path)
    huey = get_queue()
    huey.flush()
    enqueue_documents(ids)
    worker = EmbeddedConsumer(
        huey, workers=1, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2
    )
    worker.start()
    try:
        [row] = _wait_done(database, admin, ids)
    finally:
        worker.stop(graceful=True)
        huey.flush()
    assert row.status == "done" and get_settings().jobs.backend == "redis"
