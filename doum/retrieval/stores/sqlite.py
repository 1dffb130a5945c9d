"""The embedded search index: one SQLite file with the postings index and float32 vectors.

Lexical search ranks the postings segments of :mod:`doum.retrieval.stores.postings` with
BM25 in numpy (:mod:`doum.retrieval.stores.bm25`); the tables are described in
:mod:`doum.retrieval.stores.sqlite_schema`. Vectors are stored as BLOBs in the same file
and searched in-process: each process keeps them in one numpy matrix that it refreshes
incrementally (new rows by sequence number; a full reload after deletions), masks by
knowledge base and filters, and scores with one matrix-vector product (exact, or by the
nearest clusters at scale; see :mod:`doum.retrieval.stores.vector_matrix`). Python's
``sqlite3`` here cannot load ``sqlite-vec``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from doum.retrieval.errors import StoreUnavailable
from doum.retrieval.stores.bm25 import search_postings
from doum.retrieval.stores.pending import pending_write
from doum.retrieval.stores.postings import IndexedChunk
from doum.retrieval.stores.protocol import IndexEntry, SearchFilters, StoreHit, Vector
from doum.retrieval.stores.sqlite_postings import (
    SQLitePostings,
    as_json,
    confirm_rows,
    write_postings,
)
from doum.retrieval.stores.sqlite_schema import ensure_tables, kb_code
from doum.retrieval.stores.vector_matrix import IVF_MIN_ROWS, VectorMatrix

logger = logging.getLogger(__name__)


class SQLiteSearchStore:
    """See the module docstring. Safe to share between threads of one process."""

    def __init__(
        self, path: str | Path, *, dim: int = 384, ivf_min_rows: int = IVF_MIN_ROWS
    ) -> None:
        self.path = Path(path)
        self.dim = dim
        self._local = threading.local()
        self._vectors = VectorMatrix(dim, ivf_min_rows=ivf_min_rows)
        self._vector_lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._kb_codes: dict[str, int] = {}

    # --- connections -------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=30000")
            except sqlite3.Error as error:
                raise StoreUnavailable(detail=f"{self.path}: {error}") from error
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def _write(self) -> _WriteTransaction:
        return _WriteTransaction(self._conn())

    def ensure_schema(self) -> None:
        with self._write() as conn:
            ensure_tables(conn, self.dim)
            for key, value in (("chunks", "0"), ("terms", "0"), ("next_row", "1")):
                conn.execute(
                    "INSERT OR IGNORE INTO rx_meta (key, value) VALUES (?, ?)", (key, value)
                )

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # --- writes -----------------------------------------------------------------
    def replace_document(self, document_id: str, kb_id: str, entries: Sequence[IndexEntry]) -> None:
        with self._write() as conn:
            existing = dict(
                conn.execute(
                    "SELECT chunk_id, row FROM rx_chunks WHERE document_id = ?", (document_id,)
                ).fetchall()
            )
            wanted = {e.chunk_id for e in entries}
            removed = self._remove_rows(
                conn, [row for cid, row in existing.items() if cid not in wanted]
            )
            for entry in entries:
                if entry.chunk_id in existing:
                    self._update_metadata(conn, existing[entry.chunk_id], entry)
            first = int(
                conn.execute("SELECT value FROM rx_meta WHERE key = 'next_row'").fetchone()[0]
            )
            new = [e for e in entries if e.chunk_id not in existing]
            code = kb_code(conn, kb_id)
            added = [IndexedChunk(row=first + i, kb=code, terms=e.terms) for i, e in enumerate(new)]
            write, lengths = pending_write(added, removed)
            conn.executemany(
                "INSERT INTO rx_chunks (row, chunk_id, document_id, kb_id, law,"
                " effective_date, data_class, terms, n_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        chunk.row,
                        e.chunk_id,
                        document_id,
                        kb_id,
                        e.law,
                        e.effective_date,
                        e.data_class,
                        " ".join(e.terms),
                        n,
                    )
                    for chunk, e, n in zip(added, new, lengths, strict=True)
                ],
            )
            conn.execute(
                "UPDATE rx_meta SET value = ? WHERE key = 'next_row'", (str(first + len(new)),)
            )
            write_postings(conn, write)

    def _update_metadata(self, conn: sqlite3.Connection, row: int, entry: IndexEntry) -> None:
        conn.execute(
            "UPDATE rx_chunks SET law = ?, effective_date = ?, data_class = ?"
            " WHERE row = ? AND (law != ? OR effective_date != ? OR data_class != ?)",
            (
                entry.law,
                entry.effective_date,
                entry.data_class,
                row,
                entry.law,
                entry.effective_date,
                entry.data_class,
            ),
        )
        if conn.execute("SELECT changes()").fetchone()[0]:
            # The vector matrix caches the metadata it filters on: make it reload.
            conn.execute(
                "INSERT INTO rx_meta (key, value) VALUES ('vector_deletions', '1')"
                " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )

    @staticmethod
    def _remove_rows(conn: sqlite3.Connection, rows: Sequence[int]) -> list[tuple[int, list[str]]]:
        """Delete chunk rows (their vectors go with them); returns ``(row, terms)``."""
        if not rows:
            return []
        found = conn.execute(
            "SELECT row, terms FROM rx_chunks WHERE row IN (SELECT value FROM json_each(?))",
            (as_json(rows),),
        ).fetchall()
        conn.execute(
            "DELETE FROM rx_chunks WHERE row IN (SELECT value FROM json_each(?))", (as_json(rows),)
        )
        return [(row, terms.split()) for row, terms in found]

    def _delete_where(self, where: str, value: str) -> None:
        with self._write() as conn:
            rows = [
                r[0] for r in conn.execute(f"SELECT row FROM rx_chunks WHERE {where}", (value,))
            ]
            write, _ = pending_write([], self._remove_rows(conn, rows))
            write_postings(conn, write)

    def delete_document(self, document_id: str) -> None:
        self._delete_where("document_id = ?", document_id)

    def delete_kb(self, kb_id: str) -> None:
        self._delete_where("kb_id = ?", kb_id)

    def set_vectors(self, vectors: Mapping[str, Vector]) -> int:
        if not vectors:
            return 0
        stored = 0
        with self._write() as conn:
            for chunk_id, vector in vectors.items():
                array = np.asarray(vector, dtype=np.float32).reshape(-1)
                if array.shape[0] != self.dim:
                    raise StoreUnavailable(
                        "retrieval.store_dimension_mismatch", stored=self.dim, model=array.shape[0]
                    )
                row = conn.execute(
                    "SELECT row FROM rx_chunks WHERE chunk_id = ?", (chunk_id,)
                ).fetchone()
                if row is None:
                    continue
                cur = conn.execute(
                    "INSERT INTO rx_vectors (row, vec) VALUES (?, ?) ON CONFLICT (row) DO NOTHING",
                    (row[0], array.tobytes()),
                )
                stored += cur.rowcount if cur.rowcount > 0 else 0
        return stored

    # --- reads ------------------------------------------------------------------
    def missing_vectors(self, document_id: str) -> list[str]:
        rows = (
            self._conn()
            .execute(
                "SELECT c.chunk_id FROM rx_chunks c LEFT JOIN rx_vectors v ON v.row = c.row"
                " WHERE c.document_id = ? AND v.row IS NULL ORDER BY c.row",
                (document_id,),
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    def document_chunk_ids(self, document_id: str) -> list[str]:
        rows = (
            self._conn()
            .execute(
                "SELECT chunk_id FROM rx_chunks WHERE document_id = ? ORDER BY row", (document_id,)
            )
            .fetchall()
        )
        return [r[0] for r in rows]

    def count(self, *, kb_ids: Sequence[str]) -> int:
        if not kb_ids:
            return 0
        marks = ",".join("?" * len(kb_ids))
        row = (
            self._conn()
            .execute(f"SELECT count(*) FROM rx_chunks WHERE kb_id IN ({marks})", tuple(kb_ids))
            .fetchone()
        )
        return int(row[0])

    def lexical_search(
        self,
        terms: Sequence[str],
        *,
        kb_ids: Sequence[str],
        filters: SearchFilters | None = None,
        k: int = 10,
    ) -> list[StoreHit]:
        if not kb_ids or k <= 0 or not terms:
            return []
        conn = self._conn()
        conn.execute("BEGIN")  # one snapshot for statistics, postings and the final check
        try:
            source = SQLitePostings(conn, self._kb_codes)
            return search_postings(source, terms, kb_ids=kb_ids, filters=filters, k=k)
        finally:
            conn.execute("COMMIT")

    def dense_search(
        self,
        vector: Vector,
        *,
        kb_ids: Sequence[str],
        filters: SearchFilters | None = None,
        k: int = 10,
    ) -> list[StoreHit]:
        if not kb_ids or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        with self._vector_lock:
            self._vectors.refresh(self._conn())
            candidates = self._vectors.top(query, kb_ids=kb_ids, filters=filters, k=k * 2)
        if not candidates:
            return []
        # Re-check every candidate against the table and the same filters: a row deleted
        # since the matrix was loaded, or outside the readable knowledge bases, drops out.
        live = confirm_rows(self._conn(), [row for row, _ in candidates], kb_ids, filters)
        hits = [
            StoreHit(chunk_id=live[row], score=score) for row, score in candidates if row in live
        ]
        return hits[:k]


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error) on a connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
