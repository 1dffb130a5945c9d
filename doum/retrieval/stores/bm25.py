"""BM25 over the postings segments (:mod:`doum.retrieval.stores.postings`), exactly.

The score is SQLite FTS5's ``bm25()`` (k1 = 1.2, b = 0.75, idf = ln((N − df + ½)/(df + ½))
floored at 10⁻⁶), so the SQLite store ranks as it did with FTS5 and both stores rank the
same way. Ranking keeps the two tiers of :mod:`doum.retrieval.stores.terms`: chunks
holding two or more of the selected query terms first, then chunks holding one.

Access and filters: postings from knowledge bases the caller may not read are dropped
before ranking (their codes are not in ``readable``), and the ranked rows are then read
back from the chunk table *with* ``kb_id IN (readable)`` and the metadata filters in the
SQL (:meth:`LexicalSource.confirm`), best first, in growing batches, until ``k`` pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from doum.retrieval.analysis import clean_term
from doum.retrieval.stores.pending import PendingPostings, PendingWrite
from doum.retrieval.stores.postings import EMPTY, Segment, StoredSegment, live
from doum.retrieval.stores.protocol import SearchFilters, StoreHit
from doum.retrieval.stores.terms import select_terms

K1 = 1.2
B = 0.75
_TIER = 1e6
"""Added to the score of a chunk holding two or more terms (BM25 sums stay far below)."""


@dataclass(frozen=True, slots=True)
class CorpusStats:
    chunks: int
    terms: int
    """Total length of all chunks, in terms."""

    @property
    def average_length(self) -> float:
        return self.terms / self.chunks if self.chunks > 0 else 1.0


def idf(df: int, chunks: int) -> float:
    value = math.log((chunks - df + 0.5) / (df + 0.5)) if chunks > 0 else 0.0
    return value if value > 0 else 1e-6


def query_terms(terms: Sequence[str]) -> list[str]:
    """Distinct index terms of a query (the stores index :func:`clean_term` forms)."""
    return list(dict.fromkeys(t for t in (clean_term(x) for x in terms) if t))


class RankedChunks:
    """Candidate chunk rows in rank order, materialised lazily in growing batches."""

    def __init__(
        self, rows: npt.NDArray[np.int64], scores: npt.NDArray[np.float64], keys: npt.NDArray
    ) -> None:
        self.rows = rows
        self.scores = scores
        self._keys = keys

    def __len__(self) -> int:
        return int(self.rows.size)

    def _ordered(self, index: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        return index[np.lexsort((self.rows[index], -self._keys[index]))]

    def batches(self, first: int) -> Iterator[list[tuple[int, float]]]:
        """``(row, score)`` best first: ``first`` of them, then eight times as many more,
        and so on."""
        n = len(self)
        if n == 0:
            return
        if first < n:
            # Everything tied with the first-th best, ordered as the full order would
            # order it, so the batches that follow continue exactly where this one ends.
            kth = np.partition(-self._keys, first - 1)[first - 1]
            head = self._ordered(np.flatnonzero(-self._keys <= kth))[:first]
            yield self._pairs(head)
            order = self._ordered(np.arange(n))
            start, size = first, first * 8
        else:
            order, start, size = self._ordered(np.arange(n)), 0, n
        while start < n:
            yield self._pairs(order[start : start + size])
            start, size = start + size, size * 8

    def _pairs(self, index: npt.NDArray[np.intp]) -> list[tuple[int, float]]:
        return list(zip(self.rows[index].tolist(), self.scores[index].tolist(), strict=True))


def rank(
    postings: Mapping[str, Segment],
    *,
    df: Mapping[str, int],
    stats: CorpusStats,
    readable: Sequence[int],
) -> RankedChunks:
    """Every chunk holding a term of ``postings`` (live postings, readable knowledge-base
    codes only), with its BM25 score, in the two-tier order."""
    allowed = np.asarray(sorted(set(readable)), dtype=np.int32)
    average = stats.average_length
    all_rows: list[npt.NDArray[np.int64]] = []
    all_scores: list[npt.NDArray[np.float64]] = []
    for term, segment in postings.items():
        keep = np.isin(segment.kbs, allowed)
        rows = segment.rows[keep]
        if rows.size == 0:
            continue
        tf = segment.tfs[keep].astype(np.float64)
        norm = K1 * (1.0 - B + B * segment.lengths[keep] / average)
        all_rows.append(rows)
        all_scores.append(idf(df[term], stats.chunks) * tf * (K1 + 1.0) / (tf + norm))
    if not all_rows:
        empty = np.empty(0, np.int64)
        return RankedChunks(empty, np.empty(0, np.float64), np.empty(0, np.float64))
    unique, inverse = np.unique(np.concatenate(all_rows), return_inverse=True)
    rows = unique.astype(np.int64, copy=False)
    scores = np.bincount(inverse, weights=np.concatenate(all_scores)).astype(np.float64, copy=False)
    if len(postings) > 1:
        matched = np.bincount(inverse)
        multi = matched >= 2
        scores = np.where(multi, scores * (matched - 1), scores)
        return RankedChunks(rows, scores, scores + _TIER * multi)
    return RankedChunks(rows, scores, scores)


class LexicalSource(Protocol):
    """What a store provides to :func:`search_postings`, all read inside the store."""

    def term_statistics(self, terms: Sequence[str]) -> tuple[dict[str, int], CorpusStats]:
        """Posting counts of ``terms`` in the segments (adds − tombstones) and the
        corpus totals."""

    def pending(self) -> list[PendingWrite]:
        """The pending writes (:mod:`doum.retrieval.stores.pending`)."""

    def kb_codes(self, kb_ids: Sequence[str]) -> list[int]:
        """Codes of the knowledge bases that have postings (others cannot match)."""

    def postings(self, terms: Sequence[str]) -> dict[str, list[StoredSegment]]:
        """The stored segment columns of ``terms``."""

    def confirm(
        self, rows: Sequence[int], kb_ids: Sequence[str], filters: SearchFilters | None
    ) -> dict[int, str]:
        """``row → chunk_id`` for the rows still in the index, in a readable knowledge
        base and passing ``filters`` (one SQL query)."""


def search_postings(
    source: LexicalSource,
    terms: Sequence[str],
    *,
    kb_ids: Sequence[str],
    filters: SearchFilters | None,
    k: int,
) -> list[StoreHit]:
    """The stores' ``lexical_search``: select terms, rank their postings, confirm."""
    distinct = query_terms(terms)
    if not kb_ids or not distinct or k <= 0:
        return []
    counts, stats = source.term_statistics(distinct)
    recent = PendingPostings(source.pending()).select(distinct)
    df = {
        t: counts.get(t, 0) + (recent[t].adds - recent[t].dels if t in recent else 0)
        for t in distinct
    }
    selected = select_terms(distinct, df, stats.chunks)
    readable = source.kb_codes(kb_ids) if selected else []
    if not readable:
        return []
    stored = source.postings([t for t in selected if counts.get(t)])
    segments = {
        t: live([Segment.from_stored(stored[t]) if t in stored else EMPTY, recent.get(t, EMPTY)])
        for t in selected
    }
    ranked = rank(segments, df=df, stats=stats, readable=readable)
    filtered = filters is not None and not filters.is_empty()
    hits: list[StoreHit] = []
    for batch in ranked.batches(max(4 * k, 200) if filtered else k):
        found = source.confirm([row for row, _ in batch], kb_ids, filters)
        hits += [StoreHit(chunk_id=found[row], score=s) for row, s in batch if row in found]
        if len(hits) >= k:
            break
    return hits[:k]
