"""An optional second-stage reranker. None ships with doum; a site may configure one
(a cross-encoder served over HTTP, or an LLM asked to grade passages) by pointing
``retrieval.reranker`` at a factory ``module:attribute`` that returns a :class:`Reranker`."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from doum.retrieval.errors import RetrievalError


@runtime_checkable
class Reranker(Protocol):
    name: str

    def rerank(self, query: str, passages: Sequence[str]) -> list[float]:
        """One relevance score per passage (higher is better), in the given order."""


def load_reranker(spec: str) -> Reranker | None:
    """The reranker named by ``module:attribute`` (a class or factory), or ``None``."""
    if not spec:
        return None
    module_name, _, attribute = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
        reranker = factory()
    except (ImportError, AttributeError, TypeError, ValueError) as error:
        raise RetrievalError("retrieval.reranker_invalid", detail=f"{spec}: {error}") from error
    if not isinstance(reranker, Reranker):
        raise RetrievalError("retrieval.reranker_invalid", detail=f"{spec}: rerank() 없음")
    return reranker
