"""The audit chain detects every edited, deleted, inserted or reordered record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from doum.audit.log import AuditContext, AuditLog
from doum.audit.retention import purge_expired
from doum.audit.verify import verify_chain
from doum.db import Database
from doum.db.base import utcnow

KEY = b"k" * 32


@pytest.fixture
def chain(database_url: str) -> Database:
    db = Database(database_url)
    db.upgrade()
    log = AuditLog(KEY)
    for i in range(10):
        with db.session() as session:
            log.record(
                session,
                context=AuditContext(actor="kim", ip="10.0.0.1"),
                action="chat.prompt",
                target_id=str(i),
                details={"text": f"질문 {i}"},
            )
    return db


def unlock(db: Database) -> None:
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_records_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_records_no_delete"))
        else:
            connection.execute(
                text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_change")
            )


def problems(db: Database, key: bytes = KEY) -> list[tuple[int, str]]:
    with db.reader() as session:
        return [(p.seq, p.kind) for p in verify_chain(session, key).problems]


def tamper(db: Database, sql: str) -> None:
    unlock(db)
    with db.engine.begin() as connection:
        connection.execute(text(sql))


def test_intact_chain(chain: Database) -> None:
    with chain.reader() as session:
        report = verify_chain(session, KEY)
    assert report.ok and report.checked == 10 and (report.first_seq, report.last_seq) == (1, 10)


def test_wrong_key_fails_everything(chain: Database) -> None:
    assert {kind for _, kind in problems(chain, b"x" * 32)} == {"edited"}


def test_edited_record(chain: Database) -> None:
    tamper(chain, 'UPDATE audit_records SET details = \'{"text":"바뀜"}\' WHERE seq = 4')
    assert problems(chain) == [(4, "edited")]


def test_edited_actor_or_time(chain: Database) -> None:
    tamper(chain, "UPDATE audit_records SET actor = 'lee' WHERE seq = 2")
    tamper(
        chain,
        "UPDATE audit_records SET occurred_at = occurred_at - INTERVAL '1 day' WHERE seq = 7"
        if not chain.is_sqlite
        else "UPDATE audit_records SET occurred_at = '2020-01-01 00:00:00.000000' WHERE seq = 7",
    )
    assert problems(chain) == [(2, "edited"), (7, "edited")]


def test_deleted_record(chain: Database) -> None:
    tamper(chain, "DELETE FROM audit_records WHERE seq = 5")
    assert problems(chain) == [(5, "missing")]


def test_deleted_range(chain: Database) -> None:
    tamper(chain, "DELETE FROM audit_records WHERE seq IN (3, 4, 5)")
    report = problems(chain)
    assert report == [(3, "missing")]


def test_deleted_last_record(chain: Database) -> None:
    tamper(chain, "DELETE FROM audit_records WHERE seq = 10")
    assert problems(chain) == [(10, "head_mismatch")]


def test_reordered_records(chain: Database) -> None:
    tamper(chain, "UPDATE audit_records SET seq = 100 WHERE seq = 3")
    tamper(chain, "UPDATE audit_records SET seq = 3 WHERE seq = 6")
    tamper(chain, "UPDATE audit_records SET seq = 6 WHERE seq = 100")
    found = problems(chain)
    assert (3, "reordered") in found and (6, "reordered") in found


def test_forged_record_inserted(chain: Database) -> None:
    unlock(chain)
    with chain.engine.begin() as connection:
        prev = connection.execute(text("SELECT hash FROM audit_records WHERE seq = 10")).scalar()
        connection.execute(
            text(
                "INSERT INTO audit_records (seq, occurred_at, actor, action, target_type, target_id, "
                "outcome, ip, data_class, details, prev_hash, hash) VALUES (11, CURRENT_TIMESTAMP, "
                "'x', 'chat.prompt', '', '', 'success', '', '', '{}', :p, :h)"
            ),
            {"p": prev, "h": "f" * 64},
        )
    assert (11, "edited") in problems(chain)


def test_retention_keeps_the_chain_verifiable(chain: Database) -> None:
    unlock(chain)
    with chain.engine.begin() as connection:
        old = utcnow() - timedelta(days=800)
        connection.execute(
            text("UPDATE audit_records SET occurred_at = :t WHERE seq <= 4"), {"t": old}
        )
    # Re-seal the chain with the new timestamps (as if they had been written then).
    from doum.audit.chain import HASHED_FIELDS, record_hash
    from doum.audit.models import AuditChainHead, AuditRecord

    with chain.session() as session:
        prev = "0" * 64
        for row in session.query(AuditRecord).order_by(AuditRecord.seq):
            row.prev_hash = prev
            row.hash = record_hash(KEY, {n: getattr(row, n) for n in HASHED_FIELDS}, prev)
            prev = row.hash
        session.get(AuditChainHead, 1).last_hash = prev  # type: ignore[union-attr]
    assert problems(chain) == []
    with chain.session() as session:
        removed = purge_expired(session, audit=AuditLog(KEY), retention_days=730)
    assert removed == 4
    with chain.reader() as session:
        report = verify_chain(session, KEY)
    assert report.ok, report.problems
    assert report.first_seq == 5 and report.last_seq == 11


def test_retention_never_below_two_years(chain: Database) -> None:
    with chain.session() as session:
        assert purge_expired(session, audit=AuditLog(KEY), retention_days=1) == 0


def test_group_commit_writer_keeps_the_chain(chain: Database) -> None:
    """The chat hot path appends through the writer thread in batches, straight through
    the driver: the records read back through the ORM and verify like any other."""
    import asyncio

    from doum.audit.batch import AuditWriter
    from doum.audit.models import AuditRecord

    writer = AuditWriter(chain, AuditLog(KEY))

    async def many() -> None:
        await asyncio.gather(
            *(
                writer.record(
                    context=AuditContext(actor_id=i, actor=f"u{i}", ip="10.0.0.2"),
                    action="api.chat_prompt",
                    target_type="api_token",
                    target_id=i,
                    data_class="O",
                    details={"messages": [{"role": "user", "content": f"질문 {i} — “인용”"}]},
                )
                for i in range(60)
            )
        )

    asyncio.run(many())
    writer.close()
    assert problems(chain) == []
    with chain.reader() as session:
        rows = session.query(AuditRecord).order_by(AuditRecord.seq).all()
    assert [r.seq for r in rows] == list(range(1, 71))
    assert rows[-1].occurred_at.tzinfo is not None and rows[-1].occurred_at <= utcnow()
    assert {r.actor for r in rows[10:]} == {f"u{i}" for i in range(60)}


def test_writer_replaces_a_connection_the_database_dropped(chain: Database) -> None:
    """The writer keeps its own driver connection between batches; when the database
    drops it (a restart), the batch goes through on a new one, and the chain holds."""
    from doum.audit.batch import _WriterConnection
    from doum.audit.log import AuditEntry

    log = AuditLog(KEY)
    entry = AuditEntry(context=AuditContext(actor="kim", ip="10.0.0.3"), action="api.chat_prompt")
    connection = _WriterConnection(chain.engine)
    connection.append(log, [entry])
    dropped = connection._raw
    assert dropped is not None and dropped.dbapi_connection is not None
    dropped.dbapi_connection.close()
    connection.append(log, [entry, entry])
    assert connection._raw is not dropped
    connection.close()
    assert problems(chain) == []
    with chain.reader() as session:
        assert verify_chain(session, KEY).last_seq == 13


def test_appends_from_the_event_loop_never_wait_for_the_sqlite_lock(
    chain: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """On SQLite a record from the event loop is appended inline when the write lock is
    free. When another writer holds it, the record goes to the writer thread, and the
    loop goes on meanwhile; the WAL is checkpointed by the thread, not inline."""
    import asyncio
    import sqlite3

    from doum.audit.batch import AuditWriter, _InlineSQLite, _WriterConnection

    if not chain.is_sqlite:
        pytest.skip("inline appends are for SQLite; PostgreSQL always uses the writer thread")
    checkpoints: list[bool] = []
    monkeypatch.setattr(_InlineSQLite, "CHECKPOINT_EVERY", 2)
    monkeypatch.setattr(_WriterConnection, "checkpoint", lambda self: checkpoints.append(True))
    writer = AuditWriter(chain, AuditLog(KEY))
    context = AuditContext(actor="kim", ip="10.0.0.4")

    async def scenario() -> list[str]:
        events = []
        await writer.record(context=context, action="api.chat_prompt")
        events.append(f"inline, no thread: {writer._thread is None}")
        await writer.record(context=context, action="api.chat_answer")
        events.append(f"checkpoint asked of a thread: {writer._thread is not None}")
        holder = sqlite3.connect(chain.engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writing
        waiting = asyncio.ensure_future(writer.record(context=context, action="login"))
        await asyncio.sleep(0.2)
        events.append(f"loop free, record waiting: {not waiting.done()}")
        holder.execute("COMMIT")
        holder.close()
        await asyncio.wait_for(waiting, 10)
        events.append("record committed")
        return events

    assert asyncio.run(scenario()) == [
        "inline, no thread: True",
        "checkpoint asked of a thread: True",
        "loop free, record waiting: True",
        "record committed",
    ]
    writer.close()
    assert checkpoints == [True], "the thread checkpoints after CHECKPOINT_EVERY appends"
    assert not [r for r in caplog.records if r.name == "doum.audit.batch"], (
        "a held lock is an ordinary case, not a failure"
    )
    assert problems(chain) == []
    with chain.reader() as session:
        assert verify_chain(session, KEY).last_seq == 13
