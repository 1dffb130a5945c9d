"""The postings index inside the PostgreSQL store: segment reads and writes in SQL.

Concurrency. Any number of writers append pending rows (plain inserts). Only one
transaction at a time flushes pending rows into segments and merges segments: it holds
the transaction-level advisory lock ``FLUSH_LOCK`` (taken with ``pg_try_advisory_xact_lock``:
a writer that finds it taken leaves its rows pending for the next flush). A search reads
statistics, pending rows and segments in one ``REPEATABLE READ`` snapshot, so a flush
committing meanwhile is seen either entirely or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from doum.retrieval.stores.bm25 import CorpusStats
from doum.retrieval.stores.pending import FLUSH_POSTINGS, PendingWrite, split
from doum.retrieval.stores.postings import FANOUT, Segment, StoredSegment, compact
from doum.retrieval.stores.protocol import SearchFilters

FLUSH_LOCK = 732402
_COLUMNS = "rows, kbs, lengths, tfs, dead"


def filters_sql(filters: SearchFilters | None, params: dict[str, Any]) -> str:
    if filters is None or filters.is_empty():
        return ""
    clauses: list[str] = []
    if filters.laws:
        clauses.append("law = ANY(:f_laws)")
        params["f_laws"] = list(filters.laws)
    if filters.document_ids:
        clauses.append("document_id = ANY(:f_docs)")
        params["f_docs"] = list(filters.document_ids)
    if filters.data_classes:
        clauses.append("data_class = ANY(:f_classes)")
        params["f_classes"] = list(filters.data_classes)
    if filters.effective_from:
        clauses.append("effective_date <> '' AND effective_date >= :f_from")
        params["f_from"] = filters.effective_from
    if filters.effective_to:
        clauses.append("effective_date <> '' AND effective_date <= :f_to")
        params["f_to"] = filters.effective_to
    return " AND " + " AND ".join(clauses)


def confirm_rows(
    conn: Connection, rows: Sequence[int], kb_ids: Sequence[str], filters: SearchFilters | None
) -> dict[int, str]:
    """``row → chunk_id`` of the ``rows`` still present, in a readable knowledge base and
    passing ``filters``: the access check of every search, inside the SQL."""
    params: dict[str, Any] = {"rows": list(rows), "kbs": list(kb_ids)}
    where = filters_sql(filters, params)
    found = conn.execute(
        text(
            "SELECT row, chunk_id FROM rx_chunks"
            f" WHERE row = ANY(CAST(:rows AS bigint[])) AND kb_id = ANY(:kbs){where}"
        ),
        params,
    ).all()
    return {int(r[0]): str(r[1]) for r in found}


def insert_segments(conn: Connection, segments: Iterable[tuple[str, Segment]]) -> None:
    rows = [(term, s.adds, s.dels, *s.columns()) for term, s in segments]
    if not rows:
        return
    conn.execute(
        text(
            f"INSERT INTO rx_postings (term, adds, dels, {_COLUMNS})"
            " SELECT * FROM unnest(CAST(:terms AS text[]), CAST(:adds AS int[]),"
            " CAST(:dels AS int[]), CAST(:rows AS bytea[]), CAST(:kbs AS bytea[]),"
            " CAST(:lengths AS bytea[]), CAST(:tfs AS bytea[]), CAST(:dead AS bytea[]))"
        ),
        {
            name: [r[i] for r in rows]
            for i, name in enumerate(
                ("terms", "adds", "dels", "rows", "kbs", "lengths", "tfs", "dead")
            )
        },
    )


def write_postings(conn: Connection, write: PendingWrite) -> None:
    """Record a write's postings as one pending row; flush when enough are pending and no
    other transaction is flushing."""
    if write.size == 0:
        return
    vocabulary, hashes, rows, kbs, lengths, tfs = write.columns()
    conn.execute(
        text(
            "INSERT INTO rx_pending (n, vocabulary, hashes, rows, kbs, lengths, tfs)"
            " VALUES (:n, :vocabulary, :hashes, :rows, :kbs, :lengths, :tfs)"
        ),
        {
            "n": write.size,
            "vocabulary": vocabulary,
            "hashes": hashes,
            "rows": rows,
            "kbs": kbs,
            "lengths": lengths,
            "tfs": tfs,
        },
    )
    pending = conn.execute(text("SELECT coalesce(sum(n), 0) FROM rx_pending")).scalar_one()
    if int(pending) >= FLUSH_POSTINGS:
        flush(conn)


def flush(conn: Connection) -> bool:
    """Split the pending rows into per-term segments and merge as needed; False when
    another transaction holds the flush lock."""
    locked = conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": FLUSH_LOCK})
    if not locked.scalar_one():
        return False
    found = conn.execute(
        text("SELECT id, vocabulary, hashes, rows, kbs, lengths, tfs FROM rx_pending ORDER BY id")
    ).all()
    if not found:
        return True
    segments = split([PendingWrite.from_columns(*r[1:]) for r in found])
    insert_segments(conn, segments.items())
    conn.execute(
        text("DELETE FROM rx_pending WHERE id = ANY(CAST(:ids AS bigint[]))"),
        {"ids": [r[0] for r in found]},
    )
    compact(PostgresSegments(conn), segments)
    return True


class PostgresSegments:
    """:class:`~doum.retrieval.stores.postings.SegmentTable` of a flushing transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def segment_sizes(self, terms: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
        rows = self.conn.execute(
            text(
                "SELECT term, id, adds + dels FROM rx_postings WHERE term IN ("
                " SELECT term FROM rx_postings WHERE term = ANY(:terms)"
                " GROUP BY term HAVING count(*) >= :fanout)"
            ),
            {"terms": list(terms), "fanout": FANOUT},
        ).all()
        out: dict[str, list[tuple[int, int]]] = {}
        for term, segment_id, size in rows:
            out.setdefault(term, []).append((int(segment_id), int(size)))
        return out

    def load_segments(self, ids: Sequence[int]) -> dict[int, Segment]:
        rows = self.conn.execute(
            text(f"SELECT id, {_COLUMNS} FROM rx_postings WHERE id = ANY(CAST(:ids AS bigint[]))"),
            {"ids": list(ids)},
        ).all()
        return {int(r[0]): Segment.from_columns(*r[1:]) for r in rows}

    def replace_segments(self, new: Sequence[tuple[str, Segment]], old: Sequence[int]) -> None:
        insert_segments(self.conn, new)
        self.conn.execute(
            text("DELETE FROM rx_postings WHERE id = ANY(CAST(:ids AS bigint[]))"),
            {"ids": list(old)},
        )


class PostgresPostings:
    """:class:`~doum.retrieval.stores.bm25.LexicalSource` on a snapshot connection."""

    def __init__(self, conn: Connection, codes: dict[str, int]) -> None:
        self.conn = conn
        self.codes = codes
        """The store's cache of knowledge-base codes (a code never changes once given)."""

    def term_statistics(self, terms: Sequence[str]) -> tuple[dict[str, int], CorpusStats]:
        found = self.conn.execute(
            text(
                "SELECT term, sum(adds - dels) FROM rx_postings WHERE term = ANY(:terms)"
                " GROUP BY term"
            ),
            {"terms": list(terms)},
        ).all()
        totals: dict[str, int] = dict(
            self.conn.execute(
                text("SELECT key, value FROM rx_meta WHERE key IN ('chunks', 'terms')")
            ).all()
        )
        stats = CorpusStats(chunks=int(totals.get("chunks", 0)), terms=int(totals.get("terms", 0)))
        return {str(t): int(n) for t, n in found if n > 0}, stats

    def pending(self) -> list[PendingWrite]:
        rows = self.conn.execute(
            text("SELECT vocabulary, hashes, rows, kbs, lengths, tfs FROM rx_pending ORDER BY id")
        ).all()
        return [PendingWrite.from_columns(*r) for r in rows]

    def kb_codes(self, kb_ids: Sequence[str]) -> list[int]:
        missing = [k for k in dict.fromkeys(kb_ids) if k not in self.codes]
        if missing:
            rows = self.conn.execute(
                text("SELECT kb_id, code FROM rx_kbs WHERE kb_id = ANY(:kbs)"), {"kbs": missing}
            ).all()
            self.codes.update({str(kb): int(code) for kb, code in rows})
        return [self.codes[k] for k in kb_ids if k in self.codes]

    def postings(self, terms: Sequence[str]) -> dict[str, list[StoredSegment]]:
        rows = self.conn.execute(
            text(f"SELECT term, {_COLUMNS} FROM rx_postings WHERE term = ANY(:terms) ORDER BY id"),
            {"terms": list(terms)},
        ).all()
        out: dict[str, list[StoredSegment]] = {}
        for term, *columns in rows:
            out.setdefault(str(term), []).append(tuple(columns))  # type: ignore[arg-type]
        return out

    def confirm(
        self, rows: Sequence[int], kb_ids: Sequence[str], filters: SearchFilters | None
    ) -> dict[int, str]:
        return confirm_rows(self.conn, rows, kb_ids, filters)
