"""Retrieval evaluation: recall@1/5/10, MRR and nDCG@10 over a QA file.

QA format (JSON Lines, one question per line; stable — anyone can evaluate doum on their
own questions)::

    {"id": "q001", "question": "등본은 어디서 떼나요",
     "gold": [{"title": "주민등록법", "article": "제46조"}]}

``title`` is a document title (for statutes the 법령명, as in its ``제목``); ``article``
is optional ("제227조의2"). A retrieved chunk is relevant to a gold entry when its
document has that title (spaces ignored) and, when an article is given, the chunk is that
article. Per question: recall@k = the share of gold entries matched in the top k; MRR =
1/rank of the first relevant chunk (0 past rank 10); nDCG@10 with binary gains where each
gold entry counts once (its first matching chunk), ideal = all gold entries at the top.
Reported values are means over questions.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from doum.accounts.principal import Principal
from doum.config.retrieval import RetrievalSettings
from doum.db import Database
from doum.knowledge.models import Chunk, KnowledgeDocument
from doum.retrieval.analysis import WhitespaceAnalyzer
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.errors import InvalidQuery
from doum.retrieval.search import run_search
from doum.retrieval.stores.protocol import IndexEntry
from doum.retrieval.stores.sqlite import SQLiteSearchStore

CUTOFFS = (1, 5, 10)
BASELINE = "bm25-whitespace"


@dataclass(frozen=True, slots=True)
class Gold:
    title: str
    article: str = ""


@dataclass(frozen=True, slots=True)
class QAItem:
    id: str
    question: str
    gold: tuple[Gold, ...]


def _norm(text: str) -> str:
    return "".join(text.split())


def load_qa(path: Path) -> list[QAItem]:
    items: list[QAItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            gold = tuple(
                Gold(title=str(g["title"]), article=str(g.get("article") or ""))
                for g in raw["gold"]
            )
            if not gold or not str(raw["question"]).strip():
                raise ValueError("question 과 gold 가 필요합니다")
            items.append(
                QAItem(id=str(raw.get("id", number)), question=str(raw["question"]), gold=gold)
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidQuery("retrieval.qa_invalid", line=number, detail=str(error)) from error
    return items


def matches(gold: Gold, title: str, article: str) -> bool:
    if _norm(gold.title) != _norm(title):
        return False
    return not gold.article or _norm(gold.article) == _norm(article)


def score_ranking(item: QAItem, ranked: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Metrics for one question given the (title, article) of each retrieved chunk."""
    found_at: dict[int, int] = {}
    relevant_ranks: list[int] = []
    for rank, (title, article) in enumerate(ranked[:10], start=1):
        hit = [g for g, gold in enumerate(item.gold) if matches(gold, title, article)]
        if hit:
            relevant_ranks.append(rank)
        for g in hit:
            found_at.setdefault(g, rank)
    out = {
        f"recall@{k}": sum(1 for r in found_at.values() if r <= k) / len(item.gold) for k in CUTOFFS
    }
    out["mrr"] = 1.0 / relevant_ranks[0] if relevant_ranks else 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r in found_at.values())
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(item.gold), 10)))
    out["ndcg@10"] = dcg / ideal if ideal else 0.0
    return out


@dataclass
class ModeReport:
    mode: str
    metrics: dict[str, float]
    latency_ms_p50: float
    per_question: list[dict[str, Any]] = field(default_factory=list)


def _whitespace_backend(
    database: Database, kb_ids: Sequence[str], directory: Path
) -> RetrievalBackend:
    """The baseline: BM25 (the same FTS5 engine) over whitespace tokens of the same chunks."""
    analyzer = WhitespaceAnalyzer()
    store = SQLiteSearchStore(directory / "whitespace.sqlite3")
    store.ensure_schema()
    with database.session() as session:
        rows = session.execute(
            select(Chunk.id, Chunk.document_id, Chunk.kb_id, Chunk.heading, Chunk.text).where(
                Chunk.kb_id.in_(list(kb_ids))
            )
        ).all()
    by_doc: dict[str, list[IndexEntry]] = {}
    for cid, doc, kb, heading, text in rows:
        by_doc.setdefault(doc, []).append(
            IndexEntry(
                chunk_id=cid, document_id=doc, kb_id=kb, terms=analyzer.terms(f"{heading}\n{text}")
            )
        )
    for doc, entries in by_doc.items():
        store.replace_document(doc, entries[0].kb_id, entries)
    return RetrievalBackend(
        store=store, analyzer=analyzer, embedder=None, settings=RetrievalSettings(embedding="none")
    )


def evaluate(
    items: Sequence[QAItem],
    *,
    principal: Principal,
    kb_ids: Sequence[str],
    database: Database,
    backend: RetrievalBackend,
    modes: Sequence[str] = (BASELINE, "lexical", "dense", "hybrid"),
    progress: Callable[[str, int], None] | None = None,
) -> list[ModeReport]:
    """Run every question in every mode; the baseline gets its own temporary index."""
    reports: list[ModeReport] = []
    with database.session() as session:
        titles = dict(
            session.execute(
                select(KnowledgeDocument.id, KnowledgeDocument.title).where(
                    KnowledgeDocument.kb_id.in_(list(kb_ids))
                )
            ).all()
        )
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            if mode == "dense" and backend.embedder is None:
                continue
            mode_backend = backend
            search_mode = mode
            if mode == BASELINE:
                mode_backend = _whitespace_backend(database, kb_ids, Path(tmp))
                search_mode = "lexical"
            per_question: list[dict[str, Any]] = []
            latencies: list[float] = []
            for i, item in enumerate(items):
                started = time.perf_counter()
                result = run_search(
                    principal,
                    item.question,
                    kb_ids=kb_ids,
                    mode=search_mode,  # type: ignore[arg-type]
                    k=10,
                    database=database,
                    backend=mode_backend,
                )
                latencies.append((time.perf_counter() - started) * 1000)
                ranked = [
                    (titles.get(h.citation.document_id, h.citation.title), h.citation.article)
                    for h in result.hits
                ]
                scores = score_ranking(item, ranked)
                per_question.append(
                    {"id": item.id, **scores, "top": [f"{t} {a}".strip() for t, a in ranked[:3]]}
                )
                if progress:
                    progress(mode, i + 1)
            if mode == BASELINE:
                mode_backend.store.close()
            keys = [f"recall@{k}" for k in CUTOFFS] + ["mrr", "ndcg@10"]
            metrics = {k: sum(q[k] for q in per_question) / max(len(per_question), 1) for k in keys}
            latencies.sort()
            reports.append(
                ModeReport(
                    mode=mode,
                    metrics=metrics,
                    latency_ms_p50=latencies[len(latencies) // 2] if latencies else 0.0,
                    per_question=per_question,
                )
            )
    return reports
