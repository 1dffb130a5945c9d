"""Document parsing throughput: doum's parsers against alternative libraries.

Run: ``.venv/bin/python -m bench.documents [--quick] [--out FILE]``

Every parser runs in this one process on one core (no threads, no isolation, so the
number is the parser's, not the worker's start-up). Inputs are the ../shared HWP/HWPX
fixtures when present plus synthetic documents generated here (so it runs on a bare
clone): a long HWP and HWPX report, a DOCX, an XLSX and a text-layer PDF.
Targets (issue 3): HWPX ≥ 20 MB/s, HWP ≥ 10 MB/s, PDF ≥ 50 pages/s.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._common import peak_rss_mb, print_table, write_results

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "hwp"
TARGETS = {"hwpx": ("MB/s", 20.0), "hwp": ("MB/s", 10.0), "pdf": ("pages/s", 50.0)}


def _sentence(rng: random.Random, words: int = 14) -> str:
    """Varied Korean-looking text, so the files compress like real ones (not 100×)."""
    return " ".join(
        "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 5)))
        for _ in range(words)
    )


def _synthetic_draft(paragraphs: int) -> Any:
    from doum.documents.draft import DocumentDraft

    rng = random.Random(1)
    draft = DocumentDraft(title="벤치마크용 보고서")
    for i in range(paragraphs):
        if i % 50 == 0:
            draft.heading(f"{i // 50 + 1}. 추진 현황")
        draft.bullet(
            _sentence(rng),
            marker="○",
            level=1,
        )
        if i % 40 == 0:
            draft.table(
                [["구분", "1월", "2월", "3월"]]
                + [[f"항목{r}", "120", "130", "140"] for r in range(8)]
            )
    return draft


def _synthetic_hwp(paragraphs: int) -> bytes:
    from tests.documents import samples

    rng = random.Random(2)
    body = b"".join(
        samples.hwp_paragraph(f"○ {i}. {_sentence(rng)}")
        + (
            samples.hwp_paragraph(
                "표",
                controls=samples.hwp_table(
                    [["구분", "값"]] + [[f"항목{r}", "1"] for r in range(8)]
                ),
            )
            if i % 40 == 0
            else b""
        )
        for i in range(paragraphs)
    )
    return samples.build_hwp(body=body)


def _synthetic_pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    line = "The committee reviewed complaint handling times and agreed on the improvement plan. "
    for n in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"{n + 1}. Section heading\n" + (line * 3 + "\n") * 12)
    return bytes(pdf.output())


def _synthetic_xlsx(rows: int) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["구분", "1월", "2월", "3월", "비고"])
    for r in range(rows):
        ws.append([f"항목{r}", r, r * 2, r * 3, "민원 처리"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def corpus(quick: bool) -> dict[tuple[str, str], list[tuple[str, bytes]]]:
    """(format, input set) → files. Sets: "synthetic" (generated here) and "fixtures"
    (the ../shared HWP/HWPX files, many of them small, so per-file overhead shows)."""
    from doum.documents.writers.docx import docx_bytes
    from doum.documents.writers.hwpx import hwpx_bytes

    size = 400 if quick else 3000
    files: dict[tuple[str, str], list[tuple[str, bytes]]] = {
        ("hwp", "synthetic"): [("synthetic.hwp", _synthetic_hwp(size))],
        ("hwpx", "synthetic"): [("synthetic.hwpx", hwpx_bytes(_synthetic_draft(size)))],
        ("docx", "synthetic"): [("synthetic.docx", docx_bytes(_synthetic_draft(size // 2)))],
        ("xlsx", "synthetic"): [("synthetic.xlsx", _synthetic_xlsx(size))],
        ("pdf", "synthetic"): [("synthetic.pdf", _synthetic_pdf(20 if quick else 100))],
    }
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*/*.hwp*")):
            if path.stem in ("password-12345", "distribution", "viewtext"):
                continue
            key = (path.suffix.lstrip("."), "fixtures")
            files.setdefault(key, []).append((path.name, path.read_bytes()))
    return files


def _time(func: Callable[[], Any], min_seconds: float) -> float:
    """Seconds per call, repeating until ``min_seconds`` have passed."""
    runs, started = 0, time.perf_counter()
    while True:
        func()
        runs += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return elapsed / runs


def _alternatives(fmt: str, tmp: Path) -> dict[str, Callable[[str, bytes], Any]]:
    alts: dict[str, Callable[[str, bytes], Any]] = {}
    if fmt in ("hwp", "hwpx"):
        try:
            import unhwp

            alts["unhwp (Rust)"] = lambda _n, data: unhwp.parse_bytes(data).text
        except ImportError:
            pass
        try:
            from hwp_hwpx_parser import Reader

            def hwp_hwpx(name: str, data: bytes) -> str:
                path = tmp / name
                if not path.exists():
                    path.write_bytes(data)
                with Reader(str(path)) as reader:
                    return str(reader.text)

            alts["hwp-hwpx-parser"] = hwp_hwpx
        except ImportError:
            pass
    if fmt == "pdf":
        try:
            from pypdf import PdfReader

            alts["pypdf"] = lambda _n, data: [
                p.extract_text() for p in PdfReader(io.BytesIO(data)).pages
            ]
        except ImportError:
            pass
    if fmt == "docx":
        import docx

        alts["python-docx"] = lambda _n, data: [
            p.text for p in docx.Document(io.BytesIO(data)).paragraphs
        ]
    if fmt == "xlsx":
        import openpyxl

        def read_only(_n: str, data: bytes) -> int:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            return sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))

        alts["openpyxl read-only"] = read_only
    return alts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.documents", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs, shorter timing")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    min_seconds = 0.2 if args.quick else 1.0

    from doum.documents.limits import Limits
    from doum.documents.parser import parser_for

    rows: list[list[Any]] = []
    results: dict[str, Any] = {"formats": {}}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for (fmt, input_set), files in corpus(args.quick).items():
            total_mb = sum(len(d) for _, d in files) / 1_048_576
            ours = parser_for(fmt, Limits())
            pages = 0
            if fmt == "pdf":
                pages = sum(ours.parse(d).page_count or 0 for _, d in files)
            candidates: dict[str, Callable[[str, bytes], Any]] = {
                "doum": lambda _n, d, p=ours: p.parse(d)
            }
            candidates.update(_alternatives(fmt, tmp))
            for name, func in candidates.items():
                try:
                    seconds = sum(
                        _time(lambda f=func, n=n, d=d: f(n, d), min_seconds / len(files))
                        for n, d in files
                    )
                except Exception as exc:  # an alternative that cannot read some file
                    rows.append(
                        [
                            fmt,
                            input_set,
                            name,
                            len(files),
                            round(total_mb, 2),
                            "-",
                            "-",
                            f"failed: {type(exc).__name__}",
                        ]
                    )
                    continue
                mbps = total_mb / seconds
                pps = pages / seconds if pages else None
                target = TARGETS.get(fmt)
                verdict = ""
                if target and name == "doum":
                    value = pps if target[0] == "pages/s" else mbps
                    verdict = f"{'OK' if value and value >= target[1] else 'BELOW'} (≥ {target[1]:g} {target[0]})"
                rows.append(
                    [
                        fmt,
                        input_set,
                        name,
                        len(files),
                        round(total_mb, 2),
                        round(mbps, 1),
                        round(pps, 1) if pps else "-",
                        verdict,
                    ]
                )
                results["formats"].setdefault(f"{fmt}/{input_set}", {})[name] = {
                    "files": len(files),
                    "megabytes": total_mb,
                    "seconds": seconds,
                    "mb_per_s": mbps,
                    "pages_per_s": pps,
                    "peak_rss_mb": peak_rss_mb(),
                }
        isolated = _isolation_overhead()
    results["isolated_small_file_ms"] = isolated
    results["peak_rss_mb"] = peak_rss_mb()
    results["peak_rss_children_mb"] = peak_rss_mb(children=True)
    print_table(
        "문서 읽기 처리량 (한 코어, 격리 없이)",
        ["format", "inputs", "parser", "files", "MB", "MB/s", "pages/s", "target"],
        rows,
    )
    print(f"\n격리 처리기 한 건 왕복 (작은 HWPX): {isolated:.1f} ms")
    print(
        f"peak RSS: {results['peak_rss_mb']:.0f} MiB (workers: {results['peak_rss_children_mb']:.0f} MiB)"
    )
    write_results("documents", results, args.out)
    return 0


def _isolation_overhead() -> float:
    from doum.config.documents import DocumentSettings
    from doum.documents import read_bytes
    from tests.documents import samples

    data = samples.hwpx_sample()
    settings = DocumentSettings()
    read_bytes(data, settings=settings)  # start the fork server
    runs = 10
    started = time.perf_counter()
    for _ in range(runs):
        read_bytes(data, settings=settings)
    return (time.perf_counter() - started) / runs * 1000


if __name__ == "__main__":
    raise SystemExit(main())
