"""Per-type precision, recall and F1 of a PII detector on a labelled JSONL set.

Each line: ``{"id", "text", "spans": [{"type", "start", "end", "text"}]}``. A predicted
span counts as a hit when it has the gold span's type and overlaps it by at least half
of the longer of the two (``overlap``); ``exact`` requires identical offsets. Used by the
benchmark (doum vs ko-pii vs Presidio) and by a test with minimum thresholds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Prediction = tuple[str, int, int]  # (type, start, end)
Predictor = Callable[[str], Iterable[Prediction]]


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    spans: tuple[Prediction, ...]


def load_examples(path: str | Path) -> list[Example]:
    out = []
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            spans = tuple((s["type"], int(s["start"]), int(s["end"])) for s in row["spans"])
            out.append(Example(str(row["id"]), row["text"], spans))
    return out


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class EvalReport:
    by_type: dict[str, TypeScore] = field(default_factory=dict)
    supported: frozenset[str] | None = None
    errors: list[dict[str, object]] = field(default_factory=list)

    def score(self, pii_type: str) -> TypeScore:
        return self.by_type.setdefault(pii_type, TypeScore())

    @property
    def micro(self) -> TypeScore:
        total = TypeScore()
        for t, s in self.by_type.items():
            if self.supported is not None and t not in self.supported:
                continue
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def to_dict(self) -> dict[str, object]:
        def row(s: TypeScore) -> dict[str, object]:
            return {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
            }

        types = {
            t: row(s)
            for t, s in sorted(self.by_type.items())
            if self.supported is None or t in self.supported
        }
        return {"types": types, "micro": row(self.micro)}


def _overlaps(a: Prediction, b: Prediction) -> bool:
    inter = min(a[2], b[2]) - max(a[1], b[1])
    return inter > 0 and inter * 2 >= max(a[2] - a[1], b[2] - b[1])


def evaluate(
    examples: Sequence[Example],
    predict: Predictor,
    *,
    supported: Iterable[str] | None = None,
    exact: bool = False,
    keep_errors: int = 0,
) -> EvalReport:
    """Score ``predict`` on ``examples``. Types outside ``supported`` are left out of the
    micro average (a tool that has no recogniser for a type is not charged for it)."""
    report = EvalReport(supported=frozenset(supported) if supported is not None else None)
    match = (lambda a, b: a == b) if exact else _overlaps
    for example in examples:
        gold = list(example.spans)
        predicted = list(dict.fromkeys(predict(example.text)))
        used: set[int] = set()
        for p in predicted:
            hit = next(
                (i for i, g in enumerate(gold) if i not in used and g[0] == p[0] and match(p, g)),
                None,
            )
            if hit is None:
                report.score(p[0]).fp += 1
                if len(report.errors) < keep_errors:
                    report.errors.append(
                        {
                            "id": example.id,
                            "kind": "fp",
                            "type": p[0],
                            "text": example.text[p[1] : p[2]],
                        }
                    )
            else:
                used.add(hit)
                report.score(p[0]).tp += 1
        for i, g in enumerate(gold):
            if i not in used:
                report.score(g[0]).fn += 1
                if len(report.errors) < keep_errors:
                    report.errors.append(
                        {
                            "id": example.id,
                            "kind": "fn",
                            "type": g[0],
                            "text": example.text[g[1] : g[2]],
                        }
                    )
    return report


def doum_predictor(detector: object | None = None) -> Predictor:
    """A predictor from a :class:`~doum.privacy.detector.PiiDetector` (rules by default)."""
    from doum.privacy.detector import PiiDetector

    det = detector if isinstance(detector, PiiDetector) else PiiDetector()

    def predict(text: str) -> list[Prediction]:
        return [(s.type.value, s.start, s.end) for s in det.detect(text)]

    return predict
