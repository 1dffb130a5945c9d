"""The postings index inside the SQLite store: segment reads and writes in SQL.

:class:`SQLiteSegments` is the :class:`~doum.retrieval.stores.postings.SegmentTable` of a
write transaction; :class:`SQLitePostings` the
:class:`~doum.retrieval.stores.bm25.LexicalSource` of a read transaction. Lists of ids
and terms travel as one JSON parameter (``IN (SELECT value FROM json_each(?))``), so no
query grows past SQLite's parameter limit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from doum.retrieval.stores.bm25 import CorpusStats
from doum.retrieval.stores.pending import FLUSH_POSTINGS, PendingWrite, split
from doum.retrieval.stores.postings import FANOUT, Segment, StoredSegment, compact
from doum.retrieval.stores.protocol import SearchFilters

_COLUMNS = "rows, kbs, lengths, tfs, dead"


def as_json(values: Iterable[object]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def insert_segments(conn: sqlite3.Connection, segments: Iterable[tuple[str, Segment]]) -> None:
    conn.executemany(
        f"INSERT INTO rx_postings (term, adds, dels, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(term, s.adds, s.dels, *s.columns()) for term, s in segments],
    )


def write_postings(conn: sqlite3.Connection, write: PendingWrite) -> None:
    """Record a write's postings as one pending row; flush when enough are pending."""
    if write.size == 0:
        return
    conn.execute(
        "INSERT INTO rx_pending (n, vocabulary, hashes, rows, kbs, lengths, tfs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (write.size, *write.columns()),
    )
    if conn.execute("SELECT sum(n) FROM rx_pending").fetchone()[0] >= FLUSH_POSTINGS:
        flush(conn)


def flush(conn: sqlite3.Connection) -> None:
    """Split every pending write into per-term segments, then merge as needed."""
    found = conn.execute(
        "SELECT id, vocabulary, hashes, rows, kbs, lengths, tfs FROM rx_pending ORDER BY id"
    ).fetchall()
    if not found:
        return
    segments = split([PendingWrite.from_columns(*r[1:]) for r in found])
    insert_segments(conn, segments.items())
    conn.execute("DELETE FROM rx_pending WHERE id <= ?", (found[-1][0],))
    compact(SQLiteSegments(conn), segments)


class SQLiteSegments:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def segment_sizes(self, terms: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
        rows = self.conn.execute(
            "SELECT term, id, adds + dels FROM rx_postings WHERE term IN ("
            " SELECT term FROM rx_postings WHERE term IN (SELECT value FROM json_each(?))"
            " GROUP BY term HAVING count(*) >= ?)",
            (as_json(terms), FANOUT),
        ).fetchall()
        out: dict[str, list[tuple[int, int]]] = {}
        for term, segment_id, size in rows:
            out.setdefault(term, []).append((segment_id, size))
        return out

    def load_segments(self, ids: Sequence[int]) -> dict[int, Segment]:
        rows = self.conn.execute(
            f"SELECT id, {_COLUMNS} FROM rx_postings WHERE id IN (SELECT value FROM json_each(?))",
            (as_json(ids),),
        ).fetchall()
        return {r[0]: Segment.from_columns(*r[1:]) for r in rows}

    def replace_segments(self, new: Sequence[tuple[str, Segment]], old: Sequence[int]) -> None:
        insert_segments(self.conn, new)
        self.conn.execute(
            "DELETE FROM rx_postings WHERE id IN (SELECT value FROM json_each(?))", (as_json(old),)
        )


def filter_sql(filters: SearchFilters | None, params: list[Any]) -> str:
    if filters is None or filters.is_empty():
        return ""
    clauses: list[str] = []
    if filters.laws:
        clauses.append(f"c.law IN ({','.join('?' * len(filters.laws))})")
        params.extend(filters.laws)
    if filters.document_ids:
        clauses.append(f"c.document_id IN ({','.join('?' * len(filters.document_ids))})")
        params.extend(filters.document_ids)
    if filters.data_classes:
        clauses.append(f"c.data_class IN ({','.join('?' * len(filters.data_classes))})")
        params.extend(filters.data_classes)
    if filters.effective_from:
        clauses.append("c.effective_date != '' AND c.effective_date >= ?")
        params.append(filters.effective_from)
    if filters.effective_to:
        clauses.append("c.effective_date != '' AND c.effective_date <= ?")
        params.append(filters.effective_to)
    return " AND " + " AND ".join(clauses)


class SQLitePostings:
    """Lexical reads on one connection (the caller holds a read transaction)."""

    def __init__(self, conn: sqlite3.Connection, codes: dict[str, int]) -> None:
        self.conn = conn
        self.codes = codes
        """The store's cache of knowledge-base codes (a code never changes once given)."""

    def term_statistics(self, terms: Sequence[str]) -> tuple[dict[str, int], CorpusStats]:
        found = self.conn.execute(
            "SELECT term, sum(adds) - sum(dels) FROM rx_postings"
            " WHERE term IN (SELECT value FROM json_each(?)) GROUP BY term",
            (as_json(terms),),
        ).fetchall()
        totals: Mapping[str, str] = dict(
            self.conn.execute("SELECT key, value FROM rx_meta WHERE key IN ('chunks', 'terms')")
        )
        stats = CorpusStats(chunks=int(totals.get("chunks", 0)), terms=int(totals.get("terms", 0)))
        return {t: int(n) for t, n in found if n > 0}, stats

    def pending(self) -> list[PendingWrite]:
        rows = self.conn.execute(
            "SELECT vocabulary, hashes, rows, kbs, lengths, tfs FROM rx_pending ORDER BY id"
        ).fetchall()
        return [PendingWrite.from_columns(*r) for r in rows]

    def kb_codes(self, kb_ids: Sequence[str]) -> list[int]:
        missing = [k for k in dict.fromkeys(kb_ids) if k not in self.codes]
        if missing:
            marks = ",".join("?" * len(missing))
            rows = self.conn.execute(
                f"SELECT kb_id, code FROM rx_kbs WHERE kb_id IN ({marks})", missing
            ).fetchall()
            self.codes.update({kb: int(code) for kb, code in rows})
        return [self.codes[k] for k in kb_ids if k in self.codes]

    def postings(self, terms: Sequence[str]) -> dict[str, list[StoredSegment]]:
        rows = self.conn.execute(
            f"SELECT term, {_COLUMNS} FROM rx_postings"
            " WHERE term IN (SELECT value FROM json_each(?)) ORDER BY id",
            (as_json(terms),),
        ).fetchall()
        out: dict[str, list[StoredSegment]] = {}
        for term, *columns in rows:
            out.setdefault(term, []).append(tuple(columns))  # type: ignore[arg-type]
        return out

    def confirm(
        self, rows: Sequence[int], kb_ids: Sequence[str], filters: SearchFilters | None
    ) -> dict[int, str]:
        return confirm_rows(self.conn, rows, kb_ids, filters)


def confirm_rows(
    conn: sqlite3.Connection,
    rows: Sequence[int],
    kb_ids: Sequence[str],
    filters: SearchFilters | None,
) -> dict[int, str]:
    """``row → chunk_id`` of the ``rows`` still present, in a readable knowledge base and
    passing ``filters``: the access check of every search, inside the SQL."""
    params: list[Any] = [as_json(rows), *kb_ids]
    where = filter_sql(filters, params)
    found = conn.execute(
        "SELECT c.row, c.chunk_id FROM rx_chunks c"
        " WHERE c.row IN (SELECT value FROM json_each(?))"
        # "+" keeps the planner on row lookups (not the kb_id index × every row).
        f" AND +c.kb_id IN ({','.join('?' * len(kb_ids))}){where}",
        params,
    ).fetchall()
    return dict(found)
