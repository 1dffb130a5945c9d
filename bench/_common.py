"""Shared plumbing for benchmarks: a results table on stdout and a JSON file.

Each benchmark is a module ``bench/<name>.py`` with ``main(argv) -> int``; run it with
``python -m bench.<name>`` or ``doum bench <name>``. Results go to
``bench/results/<name>.json`` (ignored by git) unless ``--out`` says otherwise.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or its finished children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024.0


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    def fmt(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"
        return str(value)

    text_rows = [[fmt(v) for v in row] for row in rows]
    widths = [
        max(_width(c), *(_width(r[i]) for r in text_rows)) if text_rows else _width(c)
        for i, c in enumerate(columns)
    ]
    print(f"\n## {title}")
    print("  ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in text_rows:
        print("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)))


def _width(text: str) -> int:
    # East Asian wide characters take two columns in a terminal.
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_results(name: str, results: dict[str, Any], out: str | Path | None = None) -> Path:
    path = Path(out) if out else RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **results,
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nresults written to {path}")
    return path
