"""Rank fusion of lexical and dense result lists."""

from __future__ import annotations

from collections.abc import Sequence

from doum.retrieval.stores.protocol import StoreHit


def reciprocal_rank_fusion(
    ranked_lists: Sequence[Sequence[StoreHit]],
    *,
    weights: Sequence[float] | None = None,
    k: int = 60,
) -> list[StoreHit]:
    """RRF (Cormack et al. 2009): score = Σ weight / (k + rank). Ties keep first-list order."""
    weights = weights or [1.0] * len(ranked_lists)
    scores: dict[str, float] = {}
    order: dict[str, int] = {}
    for hits, weight in zip(ranked_lists, weights, strict=True):
        for rank, hit in enumerate(hits, start=1):
            scores[hit.chunk_id] = scores.get(hit.chunk_id, 0.0) + weight / (k + rank)
            order.setdefault(hit.chunk_id, len(order))
    ranked = sorted(scores, key=lambda cid: (-scores[cid], order[cid]))
    return [StoreHit(chunk_id=cid, score=scores[cid]) for cid in ranked]
