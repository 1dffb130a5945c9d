"""The lexical index both stores share: morpheme postings kept as packed segments.

Why not FTS5's ``bm25()`` or PostgreSQL's ``ts_rank``: both score one matching row at a
time, and at 100k chunks a colloquial question brings terms found in thousands of
chunks ("지원", "신청"). Scoring each such row cost 3–25 µs, so the slowest tenth of the
questions took 60–300 ms (``bench/retrieval.py``). Here the postings of a term are a few
packed arrays read in one go and ranked with numpy: ~20 ns a posting, exactly.

Layout. For each term the index holds a few *segments*, one table row each, whose
columns are little-endian arrays:

- ``rows`` (int64) — the chunk rows the segment adds,
- ``kbs`` (int32) — their knowledge-base codes (so a search can skip postings it may not
  read before ranking; the final read of the chunk rows checks the knowledge base again),
- ``lengths`` (int32) — their lengths in terms (BM25's document length),
- ``tfs`` (uint16) — the term's frequency in each of them,
- ``dead`` (int64) — chunk rows the segment removes (tombstones).

Writes land first in pending rows (:mod:`doum.retrieval.stores.pending`), one per
write; a flush turns a batch of them into one new segment per term. Chunk rows are never reused, so the live postings of a term are "every added row
that no segment removes", whatever the order of the segments. When ``FANOUT`` segments
of a term fall in the same size class they are merged into one (adds and tombstones of
the same row cancel), so a term keeps a handful of segments and a posting is rewritten
about log₈ of its term's posting count times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

FANOUT = 16
"""Segments of one size class merged at a time."""
SMALLEST_CLASS = 128
"""Segments under this many postings (adds + tombstones) are size class 0; each further
class is ``FANOUT`` times larger."""
MAX_TF = np.iinfo(np.uint16).max

ROWS = np.dtype("<i8")
KBS = np.dtype("<i4")
LENGTHS = np.dtype("<i4")
TFS = np.dtype("<u2")

StoredSegment = tuple[bytes, bytes, bytes, bytes, bytes]
"""A segment's ``rows, kbs, lengths, tfs, dead`` columns as stored."""


@dataclass(frozen=True, slots=True)
class Segment:
    rows: npt.NDArray[np.int64]
    kbs: npt.NDArray[np.int32]
    lengths: npt.NDArray[np.int32]
    tfs: npt.NDArray[np.uint16]
    dead: npt.NDArray[np.int64]

    @property
    def adds(self) -> int:
        return int(self.rows.size)

    @property
    def dels(self) -> int:
        return int(self.dead.size)

    def is_empty(self) -> bool:
        return self.adds == 0 and self.dels == 0

    def columns(self) -> StoredSegment:
        """``rows, kbs, lengths, tfs, dead`` as stored."""
        return (
            self.rows.astype(ROWS, copy=False).tobytes(),
            self.kbs.astype(KBS, copy=False).tobytes(),
            self.lengths.astype(LENGTHS, copy=False).tobytes(),
            self.tfs.astype(TFS, copy=False).tobytes(),
            self.dead.astype(ROWS, copy=False).tobytes(),
        )

    @classmethod
    def from_columns(
        cls, rows: bytes, kbs: bytes, lengths: bytes, tfs: bytes, dead: bytes
    ) -> Segment:
        return cls(
            rows=np.frombuffer(rows, dtype=ROWS),
            kbs=np.frombuffer(kbs, dtype=KBS),
            lengths=np.frombuffer(lengths, dtype=LENGTHS),
            tfs=np.frombuffer(tfs, dtype=TFS),
            dead=np.frombuffer(dead, dtype=ROWS),
        )

    @classmethod
    def from_stored(cls, stored: Sequence[StoredSegment]) -> Segment:
        """All stored segments of one term, concatenated (tombstones not yet applied)."""
        if len(stored) == 1:
            return cls.from_columns(*stored[0])
        return cls.from_columns(*(b"".join(s[i] for s in stored) for i in range(5)))


EMPTY = Segment(
    rows=np.empty(0, ROWS),
    kbs=np.empty(0, KBS),
    lengths=np.empty(0, LENGTHS),
    tfs=np.empty(0, TFS),
    dead=np.empty(0, ROWS),
)


def size_class(postings: int) -> int:
    cls, limit = 0, SMALLEST_CLASS
    while postings >= limit:
        cls += 1
        limit *= FANOUT
    return cls


def merge(segments: Sequence[Segment], *, complete: bool) -> Segment:
    """One segment holding what ``segments`` hold. An added row that one of them removes
    cancels out; tombstones left over are kept (they remove rows added by segments not
    merged here) unless ``complete`` says these are all the term's segments."""
    if len(segments) == 1 and not complete and segments[0].dels == 0:
        return segments[0]
    rows = np.concatenate([s.rows for s in segments])
    dead = np.concatenate([s.dead for s in segments])
    kbs = np.concatenate([s.kbs for s in segments])
    lengths = np.concatenate([s.lengths for s in segments])
    tfs = np.concatenate([s.tfs for s in segments])
    if dead.size:
        keep = ~np.isin(rows, dead)
        remaining = dead[~np.isin(dead, rows)] if not complete else EMPTY.dead
        rows, kbs, lengths, tfs, dead = rows[keep], kbs[keep], lengths[keep], tfs[keep], remaining
    return Segment(rows=rows, kbs=kbs, lengths=lengths, tfs=tfs, dead=dead)


def live(segments: Sequence[Segment]) -> Segment:
    """The live postings of a term from all its segments."""
    return merge(segments, complete=True)


@dataclass(frozen=True, slots=True)
class IndexedChunk:
    """A chunk as the postings see it: its row, knowledge-base code and terms."""

    row: int
    kb: int
    terms: Sequence[str]


# --- compaction ---------------------------------------------------------------------


class SegmentTable(Protocol):
    """The storage of segments inside one write transaction (each store implements it)."""

    def segment_sizes(self, terms: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
        """``term → [(segment id, adds + dels)]`` for the terms with ≥ FANOUT segments."""

    def load_segments(self, ids: Sequence[int]) -> dict[int, Segment]: ...

    def replace_segments(self, new: Sequence[tuple[str, Segment]], old: Sequence[int]) -> None:
        """Insert ``new`` and delete the segments ``old``."""


@dataclass(frozen=True, slots=True)
class MergeStep:
    term: str
    inputs: tuple[int, ...]
    """Stored segment ids (≥ 0) or earlier steps' outputs (``-1 - step index``)."""
    complete: bool


def plan_merges(sizes: Mapping[str, Sequence[tuple[int, int]]]) -> list[MergeStep]:
    """The merges that leave every term with fewer than ``FANOUT`` segments per size
    class. A merge's output is assumed as large as its inputs together (tombstones only
    make it smaller), so one plan covers cascades without reading any segment."""
    steps: list[MergeStep] = []
    for term, stored in sizes.items():
        pending = dict(stored)
        while True:
            by_class: dict[int, list[int]] = {}
            for key, n in pending.items():
                by_class.setdefault(size_class(n), []).append(key)
            full = sorted(c for c, keys in by_class.items() if len(keys) >= FANOUT)
            if not full:
                break
            group = by_class[full[0]]
            merged = sum(pending.pop(key) for key in group)
            steps.append(MergeStep(term, tuple(group), complete=not pending))
            pending[-len(steps)] = merged
    return steps


def compact(table: SegmentTable, terms: Iterable[str]) -> int:
    """Merge segments of ``terms`` as :func:`plan_merges` says; returns merges done."""
    steps = plan_merges(table.segment_sizes(sorted(set(terms))))
    if not steps:
        return 0
    loaded = table.load_segments(sorted({i for s in steps for i in s.inputs if i >= 0}))
    outputs: list[Segment] = []
    for step in steps:
        inputs = [loaded[i] if i >= 0 else outputs[-1 - i] for i in step.inputs]
        outputs.append(merge(inputs, complete=step.complete))
    consumed = {i for s in steps for i in s.inputs}
    final = [
        (step.term, out)
        for index, (step, out) in enumerate(zip(steps, outputs, strict=True))
        if -1 - index not in consumed and not out.is_empty()
    ]
    table.replace_segments(final, sorted(i for i in consumed if i >= 0))
    return len(steps)
