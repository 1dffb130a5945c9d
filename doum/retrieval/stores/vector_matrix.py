"""An in-process, exact vector index over the ``rx_vectors`` table of the SQLite store.

Rows are appended as new vectors appear (by the table's increasing ``seq``); any
deletion bumps a counter in ``rx_meta`` and the matrix reloads from scratch at the next
search. Search masks by knowledge base and metadata filters *before* ranking, so a
small readable subset is never crowded out by rows the caller may not see.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from doum.retrieval.stores.protocol import SearchFilters

_CLASS_CODES = {"C": 0, "S": 1, "O": 2}


def _date_code(value: str) -> int:
    digits = value.replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


_BLOCK = 512
"""Rows per matrix-vector product. OpenBLAS runs larger products on several threads that
busy-wait for each other; on a loaded 2-core machine that made a 10k-row product 7×
slower (3 ms → 24 ms). Blocks this small stay on the calling thread."""

IVF_MIN_ROWS = 50_000
"""From this many vectors on, searches over most of the matrix probe clusters instead of
scanning every row (an inverted-file index built in-process; see :meth:`_build_ivf`)."""


class VectorMatrix:
    def __init__(self, dim: int, *, ivf_min_rows: int = IVF_MIN_ROWS) -> None:
        self.dim = dim
        self.ivf_min_rows = ivf_min_rows
        self._reset()
        self.deletions: str | None = None

    def _reset(self) -> None:
        self.n = 0
        self.max_seq = 0
        self.matrix: npt.NDArray[np.float32] = np.empty((0, self.dim), dtype=np.float32)
        self.rows: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self.kb: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self.doc: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self.law: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self.date: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self.data_class: npt.NDArray[np.int8] = np.empty(0, dtype=np.int8)
        self.kb_codes: dict[str, int] = {}
        self.doc_codes: dict[str, int] = {}
        self.centroids: npt.NDArray[np.float32] | None = None
        self.offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self.clustered = 0
        """Rows [0, clustered) are grouped by cluster; rows after are an unsorted tail."""
        self.law_codes: dict[str, int] = {}

    def _grow(self, extra: int) -> None:
        need = self.n + extra
        if need <= self.matrix.shape[0]:
            return
        capacity = max(need, 2 * self.matrix.shape[0], 1024)

        def grown(array: npt.NDArray, shape: tuple[int, ...]) -> npt.NDArray:  # type: ignore[type-arg]
            out = np.zeros(shape, dtype=array.dtype)
            out[: self.n] = array[: self.n]
            return out

        self.matrix = grown(self.matrix, (capacity, self.dim))
        self.rows = grown(self.rows, (capacity,))
        self.kb = grown(self.kb, (capacity,))
        self.doc = grown(self.doc, (capacity,))
        self.law = grown(self.law, (capacity,))
        self.date = grown(self.date, (capacity,))
        self.data_class = grown(self.data_class, (capacity,))

    def refresh(self, conn: sqlite3.Connection) -> None:
        """Bring the matrix up to date with the table (one read snapshot)."""
        conn.execute("BEGIN")
        try:
            found = conn.execute(
                "SELECT value FROM rx_meta WHERE key = 'vector_deletions'"
            ).fetchone()
            deletions = found[0] if found else "0"
            if deletions != self.deletions:
                self._reset()
                self.deletions = deletions
            new = conn.execute(
                "SELECT v.seq, v.row, c.kb_id, c.law, c.effective_date, c.data_class, v.vec,"
                " c.document_id"
                " FROM rx_vectors v JOIN rx_chunks c ON c.row = v.row"
                " WHERE v.seq > ? ORDER BY v.seq",
                (self.max_seq,),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        if not new:
            return
        self._grow(len(new))
        start = self.n
        block = np.frombuffer(b"".join(r[6] for r in new), dtype=np.float32)
        self.matrix[start : start + len(new)] = block.reshape(len(new), self.dim)
        for offset, (_, row, kb_id, law, date, data_class, _, doc_id) in enumerate(new):
            i = start + offset
            self.rows[i] = row
            self.doc[i] = self.doc_codes.setdefault(doc_id, len(self.doc_codes))
            self.kb[i] = self.kb_codes.setdefault(kb_id, len(self.kb_codes))
            self.law[i] = self.law_codes.setdefault(law, len(self.law_codes))
            self.date[i] = _date_code(date)
            self.data_class[i] = _CLASS_CODES.get(data_class, 1)
        self.n += len(new)
        self.max_seq = int(new[-1][0])
        if self.n >= self.ivf_min_rows and self.n - self.clustered > 0.2 * self.n:
            self._build_ivf()

    def _build_ivf(self, iterations: int = 4, seed: int = 0) -> None:
        """Spherical k-means (√n clusters, trained on a sample), then rows reordered so each
        cluster is one contiguous slice of every array."""
        n = self.n
        rng = np.random.default_rng(seed)
        nlist = max(8, int(np.sqrt(n)))
        sample = self.matrix[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
        centroids = sample[rng.choice(len(sample), size=nlist, replace=False)].copy()
        for _ in range(iterations):
            assign = np.argmax(sample @ centroids.T, axis=1)
            sums = np.zeros_like(centroids)
            np.add.at(sums, assign, sample)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            filled = norms[:, 0] > 0
            centroids[filled] = sums[filled] / norms[filled]
        labels = np.concatenate(
            [np.argmax(self.matrix[a : a + 8192] @ centroids.T, axis=1) for a in range(0, n, 8192)]
        )
        order = np.argsort(labels, kind="stable")
        for name in ("matrix", "rows", "kb", "doc", "law", "date", "data_class"):
            array = getattr(self, name)
            array[:n] = array[:n][order]
        self.offsets = np.searchsorted(labels[order], np.arange(nlist + 1)).astype(np.int64)
        self.centroids = centroids.astype(np.float32)
        self.clustered = n

    def _mask(
        self, kb_ids: Sequence[str], filters: SearchFilters | None
    ) -> npt.NDArray[np.bool_] | None:
        allowed = [self.kb_codes[k] for k in kb_ids if k in self.kb_codes]
        if not allowed:
            return None
        n = self.n
        table = np.zeros(len(self.kb_codes), dtype=np.bool_)
        table[allowed] = True
        mask = table[self.kb[:n]]
        if filters is None or filters.is_empty():
            return mask
        if filters.laws:
            mask &= np.isin(self.law[:n], [self.law_codes.get(x, -1) for x in filters.laws])
        if filters.data_classes:
            codes = [_CLASS_CODES.get(x, -1) for x in filters.data_classes]
            mask &= np.isin(self.data_class[:n], codes)
        if filters.effective_from:
            mask &= self.date[:n] >= _date_code(filters.effective_from)
            mask &= self.date[:n] > 0
        if filters.effective_to:
            mask &= (self.date[:n] <= _date_code(filters.effective_to)) & (self.date[:n] > 0)
        if filters.document_ids:
            mask &= np.isin(self.doc[:n], [self.doc_codes.get(x, -1) for x in filters.document_ids])
        return mask

    def _range_scores(
        self, query: npt.NDArray[np.float32], start: int, stop: int
    ) -> npt.NDArray[np.float32]:
        """Scores of rows ``[start, stop)``, in blocks of ``_BLOCK`` rows."""
        return np.concatenate(
            [self.matrix[a : min(a + _BLOCK, stop)] @ query for a in range(start, stop, _BLOCK)]
            or [np.empty(0, np.float32)]
        )

    def _gathered_scores(
        self, query: npt.NDArray[np.float32], idx: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.float32]:
        return np.concatenate(
            [self.matrix[idx[a : a + _BLOCK]] @ query for a in range(0, idx.size, _BLOCK)]
        )

    def _probe(
        self, query: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_], share: float = 0.1
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Readable rows of the clusters nearest ``query`` (about ``share`` of the
        clustered rows) plus the whole unsorted tail, with their scores. Each cluster is
        a contiguous slice, scored in place."""
        assert self.centroids is not None
        nlist = len(self.centroids)
        nprobe = max(4, int(nlist * share))
        nearest = np.sort(np.argpartition(-(self.centroids @ query), nprobe - 1)[:nprobe])
        spans = [(int(self.offsets[c]), int(self.offsets[c + 1])) for c in nearest]
        spans.append((self.clustered, self.n))
        rows: list[npt.NDArray[np.intp]] = []
        scores: list[npt.NDArray[np.float32]] = []
        for start, stop in spans:
            keep = np.flatnonzero(mask[start:stop])
            if keep.size:
                rows.append(keep + start)
                scores.append(self._range_scores(query, start, stop)[keep])
        if not rows:
            return np.empty(0, np.intp), np.empty(0, np.float32)
        return np.concatenate(rows), np.concatenate(scores)

    def top(
        self,
        query: npt.NDArray[np.float32],
        *,
        kb_ids: Sequence[str],
        filters: SearchFilters | None,
        k: int,
    ) -> list[tuple[int, float]]:
        if self.n == 0:
            return []
        mask = self._mask(kb_ids, filters)
        if mask is None:
            return []
        readable = int(np.count_nonzero(mask))
        if readable == 0:
            return []
        if self.centroids is not None and readable * 3 > self.n:
            idx, scores = self._probe(query, mask)
        elif readable * 2 < self.n:
            idx = np.flatnonzero(mask)
            scores = self._gathered_scores(query, idx)
        else:
            idx = np.flatnonzero(mask)
            scores = self._range_scores(query, 0, self.n)[idx]
        if idx.size == 0:
            return []
        k = min(k, idx.size)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(int(self.rows[idx[i]]), float(scores[i])) for i in best]
