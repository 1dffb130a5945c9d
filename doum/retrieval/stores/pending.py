"""Postings of recent writes, kept whole until enough accumulate to split them by term.

Splitting each write into one segment per term would cost ~2,000 rows for a 100-chunk
document (and as many merges later). Instead a write stores *one* pending row: its
postings as packed arrays with a 64-bit hash of each posting's term, and its
vocabulary. Searches read the pending rows whole (they are few and small: they are
flushed once they hold ``FLUSH_POSTINGS`` postings) and pick the query terms' postings
by hash; the flush splits them into per-term segments
(:mod:`doum.retrieval.stores.postings`).

A removed chunk is a pending posting with term frequency 0 (a tombstone).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from doum.retrieval.analysis import clean_term
from doum.retrieval.stores.postings import (
    EMPTY,
    KBS,
    LENGTHS,
    MAX_TF,
    ROWS,
    TFS,
    IndexedChunk,
    Segment,
    merge,
)

FLUSH_POSTINGS = 50_000
"""Pending postings (adds and tombstones) that trigger a flush to per-term segments."""
_HASHES = np.dtype("<i8")

StoredPending = tuple[str, bytes, bytes, bytes, bytes, bytes]
"""``vocabulary, hashes, rows, kbs, lengths, tfs`` as stored."""


@lru_cache(maxsize=1 << 16)
def term_hash(term: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(term.encode(), digest_size=8).digest(), "little", signed=True
    )


@dataclass(frozen=True, slots=True)
class PendingWrite:
    vocabulary: tuple[str, ...]
    hashes: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int64]
    kbs: npt.NDArray[np.int32]
    lengths: npt.NDArray[np.int32]
    tfs: npt.NDArray[np.uint16]
    """0 marks a tombstone."""

    @property
    def size(self) -> int:
        return int(self.rows.size)

    def columns(self) -> StoredPending:
        return (
            "\n".join(self.vocabulary),
            self.hashes.astype(_HASHES, copy=False).tobytes(),
            self.rows.astype(ROWS, copy=False).tobytes(),
            self.kbs.astype(KBS, copy=False).tobytes(),
            self.lengths.astype(LENGTHS, copy=False).tobytes(),
            self.tfs.astype(TFS, copy=False).tobytes(),
        )

    @classmethod
    def from_columns(
        cls, vocabulary: str, hashes: bytes, rows: bytes, kbs: bytes, lengths: bytes, tfs: bytes
    ) -> PendingWrite:
        return cls(
            vocabulary=tuple(vocabulary.split("\n")) if vocabulary else (),
            hashes=np.frombuffer(hashes, dtype=_HASHES),
            rows=np.frombuffer(rows, dtype=ROWS),
            kbs=np.frombuffer(kbs, dtype=KBS),
            lengths=np.frombuffer(lengths, dtype=LENGTHS),
            tfs=np.frombuffer(tfs, dtype=TFS),
        )


def pending_write(
    added: Sequence[IndexedChunk], removed: Iterable[tuple[int, Sequence[str]]]
) -> tuple[PendingWrite, list[int]]:
    """The postings of one write — a posting per (term, added chunk) with its frequency,
    a tombstone per (term, removed row) — and each added chunk's length in index terms.

    Terms are cleaned (:func:`~doum.retrieval.analysis.clean_term`) once per distinct
    word; words that clean to nothing are not indexed."""
    vocabulary: dict[str, int] = {}
    raw_ids = [vocabulary.setdefault(t, len(vocabulary)) for c in added for t in c.terms]
    for _, terms in removed:
        for term in terms:
            vocabulary.setdefault(term, len(vocabulary))
    words, clean_ids = _clean_vocabulary(vocabulary)
    parts: list[tuple[npt.NDArray, ...]] = []
    lengths = [0] * len(added)
    if raw_ids:
        n = len(added)
        term_of_token = clean_ids[np.asarray(raw_ids, dtype=np.int64)]
        chunk_of_token = np.repeat(np.arange(n), [len(c.terms) for c in added])
        kept = term_of_token >= 0
        term_of_token, chunk_of_token = term_of_token[kept], chunk_of_token[kept]
        counts = np.bincount(chunk_of_token, minlength=n)
        lengths = counts.tolist()
        # (term, chunk) pairs; a pair's count is the term frequency.
        pairs, tf = np.unique(term_of_token * n + chunk_of_token, return_counts=True)
        term_ids, chunks = np.divmod(pairs, n)
        parts.append(
            (
                term_ids,
                np.asarray([c.row for c in added], dtype=ROWS)[chunks],
                np.asarray([c.kb for c in added], dtype=KBS)[chunks],
                counts.astype(LENGTHS)[chunks],
                np.minimum(tf, MAX_TF).astype(TFS),
            )
        )
    dead_terms: list[int] = []
    dead_rows: list[int] = []
    for row, terms in removed:
        for term_id in dict.fromkeys(int(clean_ids[vocabulary[t]]) for t in terms):
            if term_id >= 0:
                dead_terms.append(term_id)
                dead_rows.append(row)
    if dead_rows:
        zeros = np.zeros(len(dead_rows), dtype=np.int32)
        parts.append(
            (
                np.asarray(dead_terms, dtype=np.int64),
                np.asarray(dead_rows, dtype=ROWS),
                zeros.astype(KBS),
                zeros.astype(LENGTHS),
                zeros.astype(TFS),
            )
        )
    if not parts:
        empty = PendingWrite(words, EMPTY.rows, EMPTY.rows, EMPTY.kbs, EMPTY.lengths, EMPTY.tfs)
        return empty, lengths
    term_ids, rows, kbs, lens, tfs = (np.concatenate(p) for p in zip(*parts, strict=True))
    hashes = np.asarray([term_hash(w) for w in words], dtype=_HASHES)[term_ids]
    return PendingWrite(words, hashes, rows, kbs, lens, tfs), lengths


def _clean_vocabulary(vocabulary: dict[str, int]) -> tuple[tuple[str, ...], npt.NDArray[np.int64]]:
    """Distinct clean words, and for each raw word id its clean word id (−1: dropped)."""
    clean: dict[str, int] = {}
    ids = np.full(len(vocabulary), -1, dtype=np.int64)
    for raw, i in vocabulary.items():
        word = clean_term(raw)
        if word:
            ids[i] = clean.setdefault(word, len(clean))
    return tuple(clean), ids


def _concat(pending: Sequence[PendingWrite]) -> tuple[npt.NDArray, ...]:
    return tuple(
        np.concatenate([getattr(p, name) for p in pending])
        for name in ("hashes", "rows", "kbs", "lengths", "tfs")
    )


def _segment(
    rows: npt.NDArray[np.int64],
    kbs: npt.NDArray[np.int32],
    lengths: npt.NDArray[np.int32],
    tfs: npt.NDArray[np.uint16],
) -> Segment:
    added = tfs > 0
    return Segment(rows[added], kbs[added], lengths[added], tfs[added], rows[~added])


def split(pending: Sequence[PendingWrite]) -> dict[str, Segment]:
    """One segment per term from pending writes (the flush)."""
    if not pending or not any(p.size for p in pending):
        return {}
    names = {term_hash(w): w for p in pending for w in p.vocabulary}
    hashes, rows, kbs, lengths, tfs = _concat(pending)
    # By term, tombstones last: each term's adds and tombstones are two adjacent slices.
    order = np.lexsort((tfs == 0, hashes))
    hashes, rows, kbs, lengths, tfs = (a[order] for a in (hashes, rows, kbs, lengths, tfs))
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    ends = np.r_[starts[1:], hashes.size]
    tombstones = np.cumsum(np.r_[0, tfs == 0])
    out: dict[str, Segment] = {}
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        mid = hi - int(tombstones[hi] - tombstones[lo])
        segment = Segment(rows[lo:mid], kbs[lo:mid], lengths[lo:mid], tfs[lo:mid], rows[mid:hi])
        out[names[int(hashes[lo])]] = merge([segment], complete=False)
    return out


class PendingPostings:
    """The pending writes a search read, indexed for its query terms."""

    def __init__(self, pending: Sequence[PendingWrite]) -> None:
        self._arrays = _concat(pending) if pending else None

    def select(self, terms: Sequence[str]) -> dict[str, Segment]:
        """Pending postings (adds and tombstones) of each of ``terms`` that has any."""
        if self._arrays is None or not terms:
            return {}
        hashes, rows, kbs, lengths, tfs = self._arrays
        wanted = np.asarray([term_hash(t) for t in terms], dtype=_HASHES)
        hit = np.flatnonzero(np.isin(hashes, wanted))
        out: dict[str, Segment] = {}
        for term, h in zip(terms, wanted.tolist(), strict=True):
            mine = hit[hashes[hit] == h]
            if mine.size:
                out[term] = _segment(rows[mine], kbs[mine], lengths[mine], tfs[mine])
        return out
