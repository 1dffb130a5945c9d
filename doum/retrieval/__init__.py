"""Korean knowledge search with exact citations.

Public surface (everything else is an implementation detail):

- ``doum.retrieval.search.search`` / :func:`run_search` → :class:`SearchHit` with a
  :class:`Citation` (the function ``search`` lives in the module of the same name:
  ``from doum.retrieval.search import search``)
- :func:`sources_first`, :func:`passages_as_data` — grounded-answer building blocks
- :class:`SearchFilters` — knowledge base, law, document, class and 시행일자 filters
- :class:`SearchStore`, :class:`EmbeddingModel`, :class:`Reranker`, :class:`LexicalAnalyzer`
  — the protocols a backend implements

Modules are imported lazily so ``import doum.retrieval`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "run_search": "doum.retrieval.search",
    "SearchHit": "doum.retrieval.search",
    "SearchResult": "doum.retrieval.search",
    "highest_data_class": "doum.retrieval.search",
    "Citation": "doum.retrieval.citations",
    "sources_first": "doum.retrieval.answer",
    "passages_as_data": "doum.retrieval.answer",
    "SearchFilters": "doum.retrieval.stores.protocol",
    "SearchStore": "doum.retrieval.stores.protocol",
    "EmbeddingModel": "doum.retrieval.embedding",
    "Reranker": "doum.retrieval.rerank",
    "LexicalAnalyzer": "doum.retrieval.analysis",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(module), name)
