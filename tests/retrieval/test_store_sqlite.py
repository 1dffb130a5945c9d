from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from doum.retrieval.errors import StoreUnavailable
from doum.retrieval.stores.sqlite import SQLiteSearchStore
from tests.retrieval.store_contract import SearchStoreContract, entry, unit


class TestSQLiteSearchStore(SearchStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteSearchStore]:
        s = SQLiteSearchStore(tmp_path / "search.sqlite3", dim=384)
        s.ensure_schema()
        yield s
        s.close()


def test_a_second_process_sees_new_and_deleted_vectors(tmp_path: Path) -> None:
    writer = SQLiteSearchStore(tmp_path / "s.sqlite3")
    writer.ensure_schema()
    reader = SQLiteSearchStore(tmp_path / "s.sqlite3")
    writer.replace_document("d", "kb", [entry("a", "d", "kb", "가"), entry("b", "d", "kb", "나")])
    writer.set_vectors({"a": unit(1)})
    assert [h.chunk_id for h in reader.dense_search(unit(1), kb_ids=["kb"])] == ["a"]
    writer.set_vectors({"b": unit(2)})
    assert {h.chunk_id for h in reader.dense_search(unit(1), kb_ids=["kb"])} == {"a", "b"}
    writer.replace_document("d", "kb", [entry("b", "d", "kb", "나")])
    assert [h.chunk_id for h in reader.dense_search(unit(1), kb_ids=["kb"])] == ["b"]


def test_dimension_mismatch_on_open(tmp_path: Path) -> None:
    SQLiteSearchStore(tmp_path / "s.sqlite3", dim=384).ensure_schema()
    with pytest.raises(StoreUnavailable) as info:
        SQLiteSearchStore(tmp_path / "s.sqlite3", dim=768).ensure_schema()
    assert "차원" in info.value.message


def test_clustered_probe_keeps_recall_and_the_mask(tmp_path: Path) -> None:
    """Above ``ivf_min_rows`` a query probes the nearest clusters; recall@10 against the
    exact scan stays high and rows outside the readable knowledge bases never appear."""
    import numpy as np

    rng = np.random.default_rng(5)
    centers = rng.standard_normal((40, 384)).astype(np.float32)
    n = 4000
    vectors = centers[rng.integers(0, 40, n)] + 0.5 * rng.standard_normal((n, 384)).astype(
        np.float32
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = SQLiteSearchStore(tmp_path / "ivf.sqlite3", ivf_min_rows=1000)
    store.ensure_schema()
    exact = SQLiteSearchStore(tmp_path / "ivf.sqlite3", ivf_min_rows=10**9)
    for d in range(40):
        kb = "secret" if d == 0 else "open"
        store.replace_document(
            f"d{d}", kb, [entry(f"c{i}", f"d{d}", kb, "가") for i in range(d * 100, d * 100 + 100)]
        )
    store.set_vectors({f"c{i}": vectors[i] for i in range(n)})
    found = 0
    for q in range(20):
        query = vectors[rng.integers(0, n)] + 0.1 * unit(q)
        query /= np.linalg.norm(query)
        probed = store.dense_search(query, kb_ids=["open"], k=10)
        truth = exact.dense_search(query, kb_ids=["open"], k=10)
        assert store._vectors.centroids is not None and exact._vectors.centroids is None
        assert all(int(h.chunk_id[1:]) >= 100 for h in probed)  # never the secret kb
        found += len({h.chunk_id for h in probed} & {h.chunk_id for h in truth})
    assert found / 200 >= 0.9
    store.close()
    exact.close()
