"""Search indexes behind one :class:`SearchStore` protocol.

- :class:`~doum.retrieval.stores.sqlite.SQLiteSearchStore` — the embedded default:
  morpheme postings ranked with numpy (:mod:`~doum.retrieval.stores.postings`) and cosine
  search over float32 vectors (exact, or clustered at scale).
- :class:`~doum.retrieval.stores.postgres.PostgresSearchStore` — province scale: the same
  postings in PostgreSQL tables and pgvector HNSW.

Both take the ids of the knowledge bases the caller may read and put them in the WHERE
clause of every query; an empty list returns nothing.
"""

from doum.retrieval.stores.protocol import IndexEntry, SearchFilters, SearchStore, StoreHit

__all__ = ["IndexEntry", "SearchFilters", "SearchStore", "StoreHit"]
