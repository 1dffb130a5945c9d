"""The province-scale search index: PostgreSQL with pgvector (HNSW) and the postings index.

The tables are created by :meth:`PostgresSearchStore.ensure_schema`, not by an Alembic
migration: they need the ``vector`` extension, which a plain PostgreSQL (Debian's 15,
for instance) does not have, and their vector dimension follows the configured embedding
model. The application's own tables (knowledge bases, documents, chunks) stay in the
migrations and run on any PostgreSQL. If the extension is missing, ``ensure_schema``
raises :class:`~doum.retrieval.errors.StoreUnavailable` with a Korean explanation.

Lexical ranking is the BM25 of :mod:`doum.retrieval.stores.bm25` over the postings
segments of :mod:`doum.retrieval.stores.postings`, the same as the SQLite store (tables:
:mod:`doum.retrieval.stores.postgres_schema`). Dense search is pgvector's HNSW, which
filters by knowledge base only after its graph walk: a small readable subset
(``EXACT_SCAN_MAX`` vectors) is scanned exactly instead, a larger one widens
``hnsw.ef_search`` by the share of the index it covers, and a walk that still comes back
short is followed by an exact scan.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from doum.retrieval.errors import StoreUnavailable
from doum.retrieval.stores.bm25 import search_postings
from doum.retrieval.stores.pending import pending_write
from doum.retrieval.stores.postgres_postings import (
    PostgresPostings,
    filters_sql,
    write_postings,
)
from doum.retrieval.stores.postgres_schema import ensure_tables, kb_code
from doum.retrieval.stores.postings import IndexedChunk
from doum.retrieval.stores.protocol import IndexEntry, SearchFilters, StoreHit, Vector

logger = logging.getLogger(__name__)


# A readable subset up to this many vectors is scanned exactly (a few milliseconds).
EXACT_SCAN_MAX = 4_000
MAX_EF_SEARCH = 1_000
VECTOR_COUNTS_SECONDS = 30.0


def vector_literal(vector: Vector) -> str:
    array = np.asarray(vector, dtype=np.float32).reshape(-1)
    return "[" + ",".join(f"{x:.7g}" for x in array.tolist()) + "]"


class PostgresSearchStore:
    def __init__(self, url: str | Engine, *, dim: int = 384, ef_search: int = 100) -> None:
        if isinstance(url, str):
            if url.startswith(("postgresql://", "postgres://")):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            self.engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
            self._owns_engine = True
        else:
            self.engine = url
            self._owns_engine = False
        self.dim = dim
        self.ef_search = ef_search
        # kb_id → chunks with a vector, refreshed every VECTOR_COUNTS_SECONDS: decides
        # between the HNSW walk and an exact scan of a small readable subset.
        self._vector_counts: dict[str, int] = {}
        self._vector_counts_at = 0.0
        self._kb_codes: dict[str, int] = {}

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as error:
            raise StoreUnavailable(detail=str(error.orig).splitlines()[0]) from error

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """A ``REPEATABLE READ`` transaction: several reads from one snapshot."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except OperationalError as error:
            raise StoreUnavailable(detail=str(error.orig).splitlines()[0]) from error

    def ensure_schema(self) -> None:
        with self._begin() as conn:
            available = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
            ).first()
            if available is None:
                raise StoreUnavailable("retrieval.pgvector_missing")
            try:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            except ProgrammingError as error:
                raise StoreUnavailable("retrieval.pgvector_missing") from error
        with self._begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(732401)"))
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS rx_meta (key text PRIMARY KEY, value text NOT NULL)"
                )
            )
            found = conn.execute(text("SELECT value FROM rx_meta WHERE key = 'dim'")).first()
            if found is not None and int(found[0]) != self.dim:
                raise StoreUnavailable(
                    "retrieval.store_dimension_mismatch", stored=found[0], model=self.dim
                )
            ensure_tables(conn, self.dim)
            conn.execute(
                text("INSERT INTO rx_meta (key, value) VALUES ('dim', :d) ON CONFLICT DO NOTHING"),
                {"d": str(self.dim)},
            )

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()

    # --- writes -----------------------------------------------------------------
    @staticmethod
    def _remove(
        conn: Connection, where: str, params: dict[str, Any]
    ) -> list[tuple[int, list[str]]]:
        """Delete chunk rows; returns ``(row, terms)`` for their tombstones."""
        removed = conn.execute(
            text(f"DELETE FROM rx_chunks WHERE {where} RETURNING row, term_list, n_terms"), params
        ).all()
        if removed:
            _add_totals(conn, -len(removed), -sum(int(r[2]) for r in removed))
        return [(int(r[0]), list(r[1])) for r in removed]

    def replace_document(self, document_id: str, kb_id: str, entries: Sequence[IndexEntry]) -> None:
        with self._begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:d))"), {"d": document_id})
            removed = self._remove(
                conn,
                "document_id = :d AND NOT (chunk_id = ANY(:keep))",
                {"d": document_id, "keep": [e.chunk_id for e in entries]},
            )
            existing = {
                r[0]
                for r in conn.execute(
                    text("SELECT chunk_id FROM rx_chunks WHERE document_id = :d"),
                    {"d": document_id},
                )
            }
            for e in entries:
                if e.chunk_id in existing:
                    conn.execute(
                        text(
                            "UPDATE rx_chunks SET law = :law, effective_date = :date,"
                            " data_class = :cls WHERE chunk_id = :id"
                        ),
                        {
                            "law": e.law,
                            "date": e.effective_date,
                            "cls": e.data_class,
                            "id": e.chunk_id,
                        },
                    )
            new = [e for e in entries if e.chunk_id not in existing]
            rows = [
                int(r[0])
                for r in conn.execute(
                    text(
                        "SELECT nextval(pg_get_serial_sequence('rx_chunks', 'row'))"
                        " FROM generate_series(1, :n)"
                    ),
                    {"n": len(new)},
                )
            ]
            code = self._kb_code(conn, kb_id) if new else 0
            added = [
                IndexedChunk(row=r, kb=code, terms=e.terms) for r, e in zip(rows, new, strict=True)
            ]
            write, lengths = pending_write(added, removed)
            if new:
                conn.execute(
                    text(
                        "INSERT INTO rx_chunks (row, chunk_id, document_id, kb_id, law,"
                        " effective_date, data_class, term_list, n_terms) VALUES (:row, :id, :doc,"
                        " :kb, :law, :date, :cls, :terms, :n)"
                    ),
                    [
                        {
                            "row": chunk.row,
                            "id": e.chunk_id,
                            "doc": document_id,
                            "kb": kb_id,
                            "law": e.law,
                            "date": e.effective_date,
                            "cls": e.data_class,
                            "terms": list(e.terms),
                            "n": n,
                        }
                        for chunk, e, n in zip(added, new, lengths, strict=True)
                    ],
                )
                _add_totals(conn, len(new), sum(lengths))
            write_postings(conn, write)

    def _kb_code(self, conn: Connection, kb_id: str) -> int:
        if kb_id not in self._kb_codes:
            self._kb_codes[kb_id] = kb_code(conn, kb_id)
        return self._kb_codes[kb_id]

    def _delete_where(self, where: str, params: dict[str, Any]) -> None:
        with self._begin() as conn:
            write, _ = pending_write([], self._remove(conn, where, params))
            write_postings(conn, write)
        self._vector_counts_at = 0.0

    def delete_document(self, document_id: str) -> None:
        self._delete_where("document_id = :d", {"d": document_id})

    def delete_kb(self, kb_id: str) -> None:
        self._delete_where("kb_id = :k", {"k": kb_id})

    def set_vectors(self, vectors: Mapping[str, Vector]) -> int:
        if not vectors:
            return 0
        rows = []
        for chunk_id, vector in vectors.items():
            if np.asarray(vector).reshape(-1).shape[0] != self.dim:
                raise StoreUnavailable(
                    "retrieval.store_dimension_mismatch",
                    stored=self.dim,
                    model=np.asarray(vector).size,
                )
            rows.append({"id": chunk_id, "v": vector_literal(vector)})
        with self._begin() as conn:
            result = conn.execute(
                text(
                    "UPDATE rx_chunks SET embedding = CAST(v.e AS vector) FROM"
                    " unnest(CAST(:ids AS text[]), CAST(:vecs AS text[])) AS v(id, e)"
                    " WHERE rx_chunks.chunk_id = v.id AND rx_chunks.embedding IS NULL"
                ),
                {"ids": [r["id"] for r in rows], "vecs": [r["v"] for r in rows]},
            )
            stored = int(result.rowcount)
        self._vector_counts_at = 0.0  # strategy counts are stale now
        return stored

    # --- reads ------------------------------------------------------------------
    def missing_vectors(self, document_id: str) -> list[str]:
        with self._begin() as conn:
            return [
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT chunk_id FROM rx_chunks WHERE document_id = :d AND embedding IS NULL"
                        " ORDER BY chunk_id"
                    ),
                    {"d": document_id},
                )
            ]

    def document_chunk_ids(self, document_id: str) -> list[str]:
        with self._begin() as conn:
            return [
                r[0]
                for r in conn.execute(
                    text("SELECT chunk_id FROM rx_chunks WHERE document_id = :d ORDER BY chunk_id"),
                    {"d": document_id},
                )
            ]

    def count(self, *, kb_ids: Sequence[str]) -> int:
        if not kb_ids:
            return 0
        with self._begin() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM rx_chunks WHERE kb_id = ANY(:kbs)"),
                    {"kbs": list(kb_ids)},
                ).scalar_one()
            )

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
        with self._snapshot() as conn:
            source = PostgresPostings(conn, self._kb_codes)
            return search_postings(source, terms, kb_ids=kb_ids, filters=filters, k=k)

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
        params: dict[str, Any] = {"kbs": list(kb_ids), "k": k, "q": vector_literal(vector)}
        where = filters_sql(filters, params)
        sql = text(
            "SELECT chunk_id, 1 - (embedding <=> CAST(:q AS vector)) AS score FROM rx_chunks"
            f" WHERE embedding IS NOT NULL AND kb_id = ANY(:kbs){where}"
            " ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k"
        )
        with self._begin() as conn:
            counts = self._counts(conn)
            readable = sum(counts.get(kb, 0) for kb in kb_ids)
            total = sum(counts.values())
            # HNSW filters after its graph walk: a small readable subset is scanned exactly
            # at once; a larger one widens the walk by how much of the index it covers.
            exact = readable <= EXACT_SCAN_MAX
            if not exact:
                share = readable / total if total else 1.0
                ef = min(MAX_EF_SEARCH, max(int(self.ef_search), k, int(3 * k / share)))
                conn.execute(text(f"SET LOCAL hnsw.ef_search = {ef}"))
                rows = conn.execute(sql, params).all()
            if exact or len(rows) < k:
                conn.execute(text("SET LOCAL enable_indexscan = off"))
                rows = conn.execute(sql, params).all()
        return [StoreHit(chunk_id=r[0], score=float(r[1])) for r in rows]

    def _counts(self, conn: Connection) -> dict[str, int]:
        if time.monotonic() - self._vector_counts_at > VECTOR_COUNTS_SECONDS:
            rows = conn.execute(
                text(
                    "SELECT kb_id, count(*) FROM rx_chunks"
                    " WHERE embedding IS NOT NULL GROUP BY kb_id"
                )
            ).all()
            self._vector_counts = {row[0]: int(row[1]) for row in rows}
            self._vector_counts_at = time.monotonic()
        return self._vector_counts


def _add_totals(conn: Connection, chunks: int, terms: int) -> None:
    """Keep ``rx_meta.chunks`` / ``rx_meta.terms`` (BM25's N and average length)."""
    for key, delta in (("chunks", chunks), ("terms", terms)):
        conn.execute(
            text("UPDATE rx_meta SET value = (CAST(value AS bigint) + :d)::text WHERE key = :k"),
            {"d": delta, "k": key},
        )
