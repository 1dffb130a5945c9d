"""The contract every :class:`SearchStore` must keep. Each store's test module subclasses
:class:`SearchStoreContract` and provides a fresh, empty ``store`` fixture."""

from __future__ import annotations

import numpy as np
import pytest

from doum.retrieval.errors import StoreUnavailable
from doum.retrieval.stores.protocol import IndexEntry, SearchFilters, SearchStore


def unit(seed: int, dim: int = 384) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


def entry(chunk_id: str, doc: str, kb: str, terms: str, **meta: str) -> IndexEntry:
    return IndexEntry(chunk_id=chunk_id, document_id=doc, kb_id=kb, terms=terms.split(), **meta)


class SearchStoreContract:
    @pytest.fixture
    def store(self) -> SearchStore:  # pragma: no cover - overridden
        raise NotImplementedError

    def _load(self, store: SearchStore) -> None:
        store.replace_document(
            "d1",
            "kb1",
            [
                entry(
                    "c1",
                    "d1",
                    "kb1",
                    "주민 등록 등본 발급",
                    law="주민등록법",
                    effective_date="2020-01-01",
                    data_class="O",
                ),
                entry(
                    "c2",
                    "d1",
                    "kb1",
                    "여권 발급 신청",
                    law="주민등록법",
                    effective_date="2020-01-01",
                    data_class="O",
                ),
            ],
        )
        store.replace_document(
            "d2",
            "kb2",
            [
                entry(
                    "c3",
                    "d2",
                    "kb2",
                    "등본 비밀 기밀 문서",
                    law="비밀법",
                    effective_date="2030-01-01",
                    data_class="C",
                ),
            ],
        )
        store.set_vectors({"c1": unit(1), "c2": unit(2), "c3": unit(3)})

    def test_satisfies_protocol(self, store: SearchStore) -> None:
        assert isinstance(store, SearchStore)
        store.ensure_schema()  # idempotent

    def test_lexical_finds_and_ranks(self, store: SearchStore) -> None:
        self._load(store)
        hits = store.lexical_search(["등본", "발급"], kb_ids=["kb1"], k=10)
        assert [h.chunk_id for h in hits] == ["c1", "c2"]
        assert hits[0].score > hits[1].score

    def test_reads_only_the_given_knowledge_bases(self, store: SearchStore) -> None:
        self._load(store)
        assert {h.chunk_id for h in store.lexical_search(["등본"], kb_ids=["kb1"])} == {"c1"}
        assert {h.chunk_id for h in store.lexical_search(["등본"], kb_ids=["kb2"])} == {"c3"}
        assert store.lexical_search(["등본"], kb_ids=[]) == []
        assert store.dense_search(unit(3), kb_ids=[]) == []
        assert "c3" not in {h.chunk_id for h in store.dense_search(unit(3), kb_ids=["kb1"])}
        assert store.count(kb_ids=["kb1"]) == 2 and store.count(kb_ids=[]) == 0
        assert store.lexical_search(["등본"], kb_ids=["nope"]) == []

    def test_dense_nearest_first(self, store: SearchStore) -> None:
        self._load(store)
        hits = store.dense_search(unit(2), kb_ids=["kb1", "kb2"], k=3)
        assert hits[0].chunk_id == "c2" and hits[0].score == pytest.approx(1.0, abs=1e-3)
        assert len(hits) == 3 and hits[0].score >= hits[1].score >= hits[2].score

    def test_filters(self, store: SearchStore) -> None:
        self._load(store)
        both = ["kb1", "kb2"]
        f = SearchFilters(laws=("비밀법",))
        assert [h.chunk_id for h in store.lexical_search(["등본"], kb_ids=both, filters=f)] == [
            "c3"
        ]
        assert [h.chunk_id for h in store.dense_search(unit(1), kb_ids=both, filters=f)] == ["c3"]
        f = SearchFilters(effective_to="2025-12-31")
        assert {h.chunk_id for h in store.dense_search(unit(3), kb_ids=both, filters=f)} == {
            "c1",
            "c2",
        }
        f = SearchFilters(effective_from="2025-01-01")
        assert [h.chunk_id for h in store.lexical_search(["등본"], kb_ids=both, filters=f)] == [
            "c3"
        ]
        f = SearchFilters(data_classes=("O",))
        assert {h.chunk_id for h in store.lexical_search(["등본"], kb_ids=both, filters=f)} == {
            "c1"
        }
        f = SearchFilters(document_ids=("d2",))
        assert [h.chunk_id for h in store.dense_search(unit(1), kb_ids=both, filters=f)] == ["c3"]

    def test_replace_keeps_surviving_vectors_and_drops_the_rest(self, store: SearchStore) -> None:
        self._load(store)
        store.replace_document(
            "d1",
            "kb1",
            [
                entry("c1", "d1", "kb1", "주민 등록 등본 발급", law="주민등록법"),
                entry("c9", "d1", "kb1", "새 조문 전입 신고", law="주민등록법"),
            ],
        )
        assert sorted(store.document_chunk_ids("d1")) == ["c1", "c9"]
        assert store.missing_vectors("d1") == ["c9"]
        assert store.lexical_search(["여권"], kb_ids=["kb1"]) == []
        assert [h.chunk_id for h in store.lexical_search(["전입"], kb_ids=["kb1"])] == ["c9"]
        assert "c2" not in {h.chunk_id for h in store.dense_search(unit(2), kb_ids=["kb1"])}
        assert store.set_vectors({"c9": unit(9), "unknown": unit(5)}) == 1
        assert store.dense_search(unit(9), kb_ids=["kb1"], k=1)[0].chunk_id == "c9"

    def test_set_vectors_is_idempotent(self, store: SearchStore) -> None:
        self._load(store)
        assert store.set_vectors({"c1": unit(1)}) == 0
        assert len(store.dense_search(unit(1), kb_ids=["kb1"], k=10)) == 2

    def test_delete_document_and_kb(self, store: SearchStore) -> None:
        self._load(store)
        store.delete_document("d1")
        assert store.count(kb_ids=["kb1"]) == 0
        assert store.dense_search(unit(1), kb_ids=["kb1"]) == []
        store.delete_kb("kb2")
        assert store.count(kb_ids=["kb2"]) == 0
        assert store.lexical_search(["등본"], kb_ids=["kb2"]) == []

    def test_small_readable_subset_is_not_crowded_out(self, store: SearchStore) -> None:
        big = [entry(f"n{i}", f"dn{i // 50}", "big", f"공통 단어 {i}") for i in range(400)]
        for doc in {e.document_id for e in big}:
            store.replace_document(doc, "big", [e for e in big if e.document_id == doc])
        store.replace_document(
            "ds", "small", [entry(f"s{i}", "ds", "small", "공통 단어") for i in range(5)]
        )
        store.set_vectors({e.chunk_id: unit(i) for i, e in enumerate(big)})
        store.set_vectors({f"s{i}": unit(10_000 + i) for i in range(5)})
        hits = store.dense_search(unit(0), kb_ids=["small"], k=5)
        assert sorted(h.chunk_id for h in hits) == [f"s{i}" for i in range(5)]
        lex = store.lexical_search(["공통"], kb_ids=["small"], k=5)
        assert sorted(h.chunk_id for h in lex) == [f"s{i}" for i in range(5)]

    def test_wrong_dimension_is_refused(self, store: SearchStore) -> None:
        self._load(store)
        with pytest.raises(StoreUnavailable):
            store.set_vectors({"c1": np.ones(7, dtype=np.float32)})
