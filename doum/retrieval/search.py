"""The search service: a principal, a question → ranked, cited passages.

Access is enforced twice, both times inside a query: the store receives only the ids of
the knowledge bases the principal may read (``kb_id IN (…)`` in its SQL), and the
passages are then loaded from the main database joined to the same access rule. A
knowledge base the user may not read is silently absent: never an error, a count or a
snippet.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select

from doum.accounts.principal import Principal
from doum.db import Database, get_database
from doum.knowledge.access import readable_kb_ids
from doum.knowledge.models import DATA_CLASSES, Chunk, KnowledgeDocument
from doum.knowledge.service import readable_ids
from doum.messages import message_for
from doum.retrieval.backend import RetrievalBackend, get_backend
from doum.retrieval.citations import Citation, citation_label, legal_flags, make_snippet
from doum.retrieval.errors import InvalidQuery
from doum.retrieval.fusion import reciprocal_rank_fusion
from doum.retrieval.stores.protocol import SearchFilters, StoreHit

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "lexical", "dense"]
MODES: tuple[str, ...] = ("hybrid", "lexical", "dense")
MAX_QUERY_CHARS = 1000


@dataclass(frozen=True, slots=True)
class SearchHit:
    rank: int
    chunk_id: str
    score: float
    text: str
    heading: str
    data_class: str
    citation: Citation
    lexical_rank: int | None = None
    dense_rank: int | None = None


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[SearchHit]
    timings_ms: dict[str, float] = field(default_factory=dict)
    """``embed`` (query embedding), ``lexical``, ``dense``, ``fetch``, ``total``."""

    @property
    def data_class(self) -> str | None:
        return highest_data_class(self.hits)

    @property
    def notice(self) -> str | None:
        """The Korean "nothing found" notice when there are no hits."""
        return None if self.hits else message_for("retrieval.no_results")


def highest_data_class(hits: Sequence[SearchHit]) -> str | None:
    """C > S > O among the hits (the class of anything built from them)."""
    classes = {h.data_class for h in hits}
    return next((c for c in DATA_CLASSES if c in classes), None)


def search(
    principal: Principal,
    query: str,
    *,
    kb_ids: Sequence[str] | None = None,
    filters: SearchFilters | None = None,
    mode: Mode = "hybrid",
    k: int = 10,
    database: Database | None = None,
    backend: RetrievalBackend | None = None,
) -> list[SearchHit]:
    """Best ``k`` passages for ``query`` among the knowledge bases ``principal`` may read
    (within ``kb_ids`` when given)."""
    return run_search(
        principal,
        query,
        kb_ids=kb_ids,
        filters=filters,
        mode=mode,
        k=k,
        database=database,
        backend=backend,
    ).hits


def run_search(
    principal: Principal,
    query: str,
    *,
    kb_ids: Sequence[str] | None = None,
    filters: SearchFilters | None = None,
    mode: Mode = "hybrid",
    k: int = 10,
    database: Database | None = None,
    backend: RetrievalBackend | None = None,
) -> SearchResult:
    """:func:`search` with timings (for the UI, the evaluation and the benchmark)."""
    started = time.perf_counter()
    query = query.strip()
    if not query:
        raise InvalidQuery("retrieval.query_empty")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQuery("retrieval.query_too_long", limit=MAX_QUERY_CHARS)
    if mode not in MODES:
        raise InvalidQuery("retrieval.mode_invalid", mode=mode)
    database = database or get_database()
    backend = backend or get_backend()
    if backend.embedder is None and mode == "dense":
        mode = "lexical"
    timings: dict[str, float] = {}
    with database.session() as session:
        readable = readable_ids(session, principal, kb_ids)
    if not readable:
        return SearchResult(query=query, mode=mode, hits=[], timings_ms={"total": 0.0})
    candidates = max(k, backend.settings.candidates)
    store = backend.store
    terms = backend.analyzer.terms(query)
    lexical: list[StoreHit] = []
    dense: list[StoreHit] = []
    dense_job: Future[list[StoreHit]] | None = None
    if mode in ("hybrid", "dense") and backend.embedder is not None:
        # The dense side (query embedding + vector search) runs beside the lexical query:
        # numpy and sqlite3/psycopg release the GIL, so a hybrid query costs about the
        # slower of the two instead of their sum.
        dense_job = _pool().submit(_dense, backend, query, readable, filters, candidates, timings)
    if mode in ("hybrid", "lexical"):
        t0 = time.perf_counter()
        lexical = store.lexical_search(terms, kb_ids=readable, filters=filters, k=candidates)
        timings["lexical"] = (time.perf_counter() - t0) * 1000
    if dense_job is not None:
        dense = dense_job.result()
    if mode == "hybrid":
        settings = backend.settings
        fused = reciprocal_rank_fusion(
            [lexical, dense],
            weights=[settings.lexical_weight, settings.dense_weight],
            k=settings.rrf_k,
        )
    else:
        fused = lexical if mode == "lexical" else dense
    t0 = time.perf_counter()
    hits = _load_hits(
        database,
        principal,
        fused,
        terms,
        lexical,
        dense,
        k if backend.reranker is None else candidates,
    )
    if backend.reranker is not None and hits:
        scores = backend.reranker.rerank(query, [h.text for h in hits])
        order = sorted(range(len(hits)), key=lambda i: -scores[i])[:k]
        hits = [_rerank(hits[i], rank, scores[i]) for rank, i in enumerate(order, start=1)]
    timings["fetch"] = (time.perf_counter() - t0) * 1000
    timings["total"] = (time.perf_counter() - started) * 1000
    return SearchResult(query=query, mode=mode, hits=hits, timings_ms=timings)


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="doum-dense")
    return _POOL


def _dense(
    backend: RetrievalBackend,
    query: str,
    readable: list[str],
    filters: SearchFilters | None,
    candidates: int,
    timings: dict[str, float],
) -> list[StoreHit]:
    assert backend.embedder is not None
    t0 = time.perf_counter()
    vector = backend.embedder.embed_queries([query])[0]
    timings["embed"] = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    hits = backend.store.dense_search(vector, kb_ids=readable, filters=filters, k=candidates)
    timings["dense"] = (time.perf_counter() - t0) * 1000
    return hits


def _rerank(hit: SearchHit, rank: int, score: float) -> SearchHit:
    return SearchHit(
        rank=rank,
        chunk_id=hit.chunk_id,
        score=score,
        text=hit.text,
        heading=hit.heading,
        data_class=hit.data_class,
        citation=hit.citation,
        lexical_rank=hit.lexical_rank,
        dense_rank=hit.dense_rank,
    )


def _load_hits(
    database: Database,
    principal: Principal,
    fused: list[StoreHit],
    terms: list[str],
    lexical: list[StoreHit],
    dense: list[StoreHit],
    k: int,
) -> list[SearchHit]:
    wanted = [h.chunk_id for h in fused[: k * 2]]
    if not wanted:
        return []
    with database.session() as session:
        rows = session.execute(
            select(Chunk, KnowledgeDocument.title)
            .join(KnowledgeDocument, KnowledgeDocument.id == Chunk.document_id)
            .where(Chunk.id.in_(wanted), Chunk.kb_id.in_(readable_kb_ids(principal)))
        ).all()
    found = {chunk.id: (chunk, title) for chunk, title in rows}
    lexical_rank = {h.chunk_id: i for i, h in enumerate(lexical, start=1)}
    dense_rank = {h.chunk_id: i for i, h in enumerate(dense, start=1)}
    hits: list[SearchHit] = []
    for hit in fused:
        if hit.chunk_id not in found:
            continue
        chunk, title = found[hit.chunk_id]
        hits.append(
            SearchHit(
                rank=len(hits) + 1,
                chunk_id=chunk.id,
                score=hit.score,
                text=chunk.text,
                heading=chunk.heading,
                data_class=chunk.data_class,
                citation=build_citation(chunk, title, terms),
                lexical_rank=lexical_rank.get(chunk.id),
                dense_rank=dense_rank.get(chunk.id),
            )
        )
        if len(hits) == k:
            break
    return hits


def build_citation(chunk: Chunk, title: str, terms: list[str]) -> Citation:
    snippet, marks = make_snippet(chunk.text, terms)
    codes, messages = legal_flags(chunk.effective_date, chunk.legal_status)
    return Citation(
        document_id=chunk.document_id,
        chunk_id=chunk.id,
        kb_id=chunk.kb_id,
        title=title,
        label=citation_label(
            title=title,
            article=chunk.article,
            article_title=chunk.article_title,
            paragraph=chunk.paragraph,
            heading_path=chunk.heading_path or [],
            page=chunk.page,
            law=chunk.law,
        ),
        law=chunk.law,
        chapter=chunk.chapter,
        article=chunk.article,
        article_title=chunk.article_title,
        paragraph=chunk.paragraph,
        page=chunk.page,
        heading_path=tuple(chunk.heading_path or ()),
        effective_date=chunk.effective_date,
        legal_status=chunk.legal_status,
        snippet=snippet,
        highlights=marks,
        flags=codes,
        flag_messages=messages,
    )
