"""Query-term selection shared by the stores.

A colloquial question brings common words ("정보", "결정", "신청") whose BM25 weight is
small but whose posting lists are long. Before ranking, the stores drop the terms found
in more than ``max_share`` of the chunks (their IDF is below ~2.3), keeping at least the
``keep_min`` rarest terms so a query of only common words still works, and at most
``max_terms``.

Ranking (:func:`doum.retrieval.stores.bm25.rank`) then puts chunks holding at least two
of the selected terms before chunks holding only one, each tier by BM25.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

MAX_SHARE = 0.08
KEEP_MIN = 3
MAX_TERMS = 12


def select_terms(
    terms: Sequence[str],
    document_frequency: Mapping[str, int],
    total: int,
    *,
    max_share: float = MAX_SHARE,
    keep_min: int = KEEP_MIN,
    max_terms: int = MAX_TERMS,
) -> list[str]:
    """The query terms worth matching, rarest first; terms absent from the index drop."""
    present = [t for t in dict.fromkeys(terms) if document_frequency.get(t, 0) > 0]
    present.sort(key=lambda t: (document_frequency[t], t))
    limit = max(1, total) * max_share
    chosen = [t for t in present if document_frequency[t] <= limit]
    if len(chosen) < keep_min:
        chosen = present[:keep_min]
    return chosen[:max_terms]
