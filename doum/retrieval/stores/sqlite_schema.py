"""Tables of the SQLite search store, and the upgrade of a store built with FTS5.

``rx_chunks`` holds one row per chunk (its ``row`` is never reused: new rows are numbered
from ``rx_meta.next_row``), ``rx_postings`` the lexical index
(:mod:`doum.retrieval.stores.postings`), ``rx_kbs`` the knowledge-base codes the
postings carry, ``rx_vectors`` the embeddings. Triggers keep the corpus totals BM25
needs (``chunks``, ``terms``) in ``rx_meta``.

Stores made before the postings index kept an FTS5 table; :func:`ensure_tables` drops it
and builds the postings from the stored terms once (``rx_meta.lexical``).
"""

from __future__ import annotations

import sqlite3

from doum.retrieval.errors import StoreUnavailable
from doum.retrieval.stores.pending import pending_write, split
from doum.retrieval.stores.postings import IndexedChunk, compact
from doum.retrieval.stores.sqlite_postings import SQLiteSegments, insert_segments

LEXICAL_VERSION = "postings-1"
_REBUILD_BATCH = 10_000

TABLES: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS rx_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS rx_chunks (
        row INTEGER PRIMARY KEY,
        chunk_id TEXT NOT NULL UNIQUE,
        document_id TEXT NOT NULL,
        kb_id TEXT NOT NULL,
        law TEXT NOT NULL DEFAULT '',
        effective_date TEXT NOT NULL DEFAULT '',
        data_class TEXT NOT NULL DEFAULT 'S',
        terms TEXT NOT NULL,
        n_terms INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS rx_chunks_document ON rx_chunks (document_id)",
    "CREATE INDEX IF NOT EXISTS rx_chunks_kb ON rx_chunks (kb_id)",
    """CREATE TABLE IF NOT EXISTS rx_vectors (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        row INTEGER NOT NULL UNIQUE,
        vec BLOB NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS rx_kbs (code INTEGER PRIMARY KEY, kb_id TEXT NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS rx_postings (
        id INTEGER PRIMARY KEY,
        term TEXT NOT NULL,
        adds INTEGER NOT NULL,
        dels INTEGER NOT NULL,
        rows BLOB NOT NULL,
        kbs BLOB NOT NULL,
        lengths BLOB NOT NULL,
        tfs BLOB NOT NULL,
        dead BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS rx_postings_term ON rx_postings (term)",
    """CREATE TABLE IF NOT EXISTS rx_pending (
        id INTEGER PRIMARY KEY,
        n INTEGER NOT NULL,
        vocabulary TEXT NOT NULL,
        hashes BLOB NOT NULL,
        rows BLOB NOT NULL,
        kbs BLOB NOT NULL,
        lengths BLOB NOT NULL,
        tfs BLOB NOT NULL
    )""",
    """CREATE TRIGGER IF NOT EXISTS rx_chunks_totals_ai AFTER INSERT ON rx_chunks BEGIN
        UPDATE rx_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'chunks';
        UPDATE rx_meta SET value = CAST(value AS INTEGER) + new.n_terms WHERE key = 'terms';
    END""",
    """CREATE TRIGGER IF NOT EXISTS rx_chunks_totals_ad AFTER DELETE ON rx_chunks BEGIN
        UPDATE rx_meta SET value = CAST(value AS INTEGER) - 1 WHERE key = 'chunks';
        UPDATE rx_meta SET value = CAST(value AS INTEGER) - old.n_terms WHERE key = 'terms';
        DELETE FROM rx_vectors WHERE row = old.row;
    END""",
    """CREATE TRIGGER IF NOT EXISTS rx_vectors_ad AFTER DELETE ON rx_vectors BEGIN
        INSERT INTO rx_meta (key, value) VALUES ('vector_deletions', '1')
        ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
    END""",
)

_FTS_OBJECTS = (
    "DROP TRIGGER IF EXISTS rx_chunks_ai",
    "DROP TRIGGER IF EXISTS rx_chunks_ad",
    "DROP TRIGGER IF EXISTS rx_chunks_count_ad",
    "DROP TABLE IF EXISTS rx_vocab",
    "DROP TABLE IF EXISTS rx_fts",
)


def ensure_tables(conn: sqlite3.Connection, dim: int) -> None:
    """Create or upgrade the tables; call inside a write transaction."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'rx_fts'").fetchone():
        for statement in _FTS_OBJECTS:
            conn.execute(statement)
    for statement in TABLES[:2]:
        conn.execute(statement)
    columns = {r[1] for r in conn.execute("PRAGMA table_info(rx_chunks)")}
    if "n_terms" not in columns:
        conn.execute("ALTER TABLE rx_chunks ADD COLUMN n_terms INTEGER NOT NULL DEFAULT 0")
    for statement in TABLES[2:]:
        conn.execute(statement)
    found = conn.execute("SELECT value FROM rx_meta WHERE key = 'dim'").fetchone()
    if found is None:
        conn.execute("INSERT INTO rx_meta (key, value) VALUES ('dim', ?)", (str(dim),))
    elif int(found[0]) != dim:
        raise StoreUnavailable("retrieval.store_dimension_mismatch", stored=found[0], model=dim)
    version = conn.execute("SELECT value FROM rx_meta WHERE key = 'lexical'").fetchone()
    if version is None or version[0] != LEXICAL_VERSION:
        rebuild_postings(conn)


def kb_code(conn: sqlite3.Connection, kb_id: str) -> int:
    conn.execute("INSERT OR IGNORE INTO rx_kbs (kb_id) VALUES (?)", (kb_id,))
    return int(conn.execute("SELECT code FROM rx_kbs WHERE kb_id = ?", (kb_id,)).fetchone()[0])


def rebuild_postings(conn: sqlite3.Connection) -> None:
    """(Re)build the postings and totals from ``rx_chunks.terms``; inside a write
    transaction. Used once when a store made with FTS5 is opened."""
    conn.execute("DELETE FROM rx_postings")
    conn.execute("DELETE FROM rx_pending")
    codes: dict[str, int] = {}
    last = 0
    while True:
        batch = conn.execute(
            "SELECT row, kb_id, terms FROM rx_chunks WHERE row > ? ORDER BY row LIMIT ?",
            (last, _REBUILD_BATCH),
        ).fetchall()
        if not batch:
            break
        chunks = []
        for row, kb_id, text in batch:
            if kb_id not in codes:
                codes[kb_id] = kb_code(conn, kb_id)
            chunks.append(IndexedChunk(row=row, kb=codes[kb_id], terms=text.split()))
        write, lengths = pending_write(chunks, ())
        conn.executemany(
            "UPDATE rx_chunks SET n_terms = ? WHERE row = ?",
            [(n, c.row) for n, c in zip(lengths, chunks, strict=True)],
        )
        insert_segments(conn, split([write]).items())
        last = batch[-1][0]
    terms = [r[0] for r in conn.execute("SELECT DISTINCT term FROM rx_postings")]
    compact(SQLiteSegments(conn), terms)
    totals = conn.execute(
        "SELECT count(*), coalesce(sum(n_terms), 0), coalesce(max(row), 0) FROM rx_chunks"
    ).fetchone()
    for key, value in (("chunks", totals[0]), ("terms", totals[1]), ("next_row", totals[2] + 1)):
        conn.execute(
            "INSERT INTO rx_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
    conn.execute(
        "INSERT INTO rx_meta (key, value) VALUES ('lexical', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (LEXICAL_VERSION,),
    )
