"""Search indexes behind one :class:`SearchStore` protocol.

- :class:`~doum.retrieval.stores.sqlite.SQLiteSearchStore` — the embedded default: FTS5
  over morpheme terms (BM25) and exact cosine search over float32 vectors.
- :class:`~doum.retrieval.stores.postgres.PostgresSearchStore` — province scale:
  morpheme tsvectors (GIN) and pgvector HNSW.

Both take the ids of the knowledge bases the caller may read and put them in the WHERE
clause of every query; an empty list returns nothing.
"""

from doum.retrieval.stores.protocol import IndexEntry, SearchFilters, SearchStore, StoreHit

__all__ = ["IndexEntry", "SearchFilters", "SearchStore", "StoreHit"]
