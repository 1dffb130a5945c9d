from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What the index keeps of one chunk: ids, filterable metadata and morpheme terms."""

    chunk_id: str
    document_id: str
    kb_id: str
    terms: Sequence[str]
    law: str = ""
    effective_date: str = ""
    """시행일자, ISO "YYYY-MM-DD" or empty."""
    data_class: str = "S"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Metadata filters applied inside the store query (on top of the knowledge bases)."""

    laws: tuple[str, ...] = ()
    document_ids: tuple[str, ...] = ()
    effective_from: str = ""
    """Only chunks whose 시행일자 is on or after this ISO date."""
    effective_to: str = ""
    """Only chunks whose 시행일자 is on or before this ISO date (e.g. in force today)."""
    data_classes: tuple[str, ...] = field(default=())

    def is_empty(self) -> bool:
        return not (
            self.laws
            or self.document_ids
            or self.effective_from
            or self.effective_to
            or self.data_classes
        )


@dataclass(frozen=True, slots=True)
class StoreHit:
    chunk_id: str
    score: float


@runtime_checkable
class SearchStore(Protocol):
    """A lexical + dense index of chunks. Every read takes the readable ``kb_ids``."""

    dim: int

    def ensure_schema(self) -> None:
        """Create the index tables if missing (idempotent)."""

    def replace_document(self, document_id: str, kb_id: str, entries: Sequence[IndexEntry]) -> None:
        """Atomically make ``entries`` the document's chunks. Chunks whose ids survive
        keep their vectors; the others are removed with theirs."""

    def delete_document(self, document_id: str) -> None: ...

    def delete_kb(self, kb_id: str) -> None: ...

    def set_vectors(self, vectors: Mapping[str, Vector]) -> int:
        """Attach vectors to existing chunks; returns how many were stored."""

    def missing_vectors(self, document_id: str) -> list[str]:
        """Chunk ids of the document that have no vector yet."""

    def document_chunk_ids(self, document_id: str) -> list[str]: ...

    def lexical_search(
        self,
        terms: Sequence[str],
        *,
        kb_ids: Sequence[str],
        filters: SearchFilters | None = None,
        k: int = 10,
    ) -> list[StoreHit]:
        """Best chunks by BM25-like score over morpheme terms, highest first."""

    def dense_search(
        self,
        vector: Vector,
        *,
        kb_ids: Sequence[str],
        filters: SearchFilters | None = None,
        k: int = 10,
    ) -> list[StoreHit]:
        """Nearest chunks by cosine similarity, highest first."""

    def count(self, *, kb_ids: Sequence[str]) -> int:
        """Chunks in the given knowledge bases."""

    def close(self) -> None: ...
