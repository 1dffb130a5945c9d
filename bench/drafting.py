"""Drafting benchmark (issue #5): summarising the statute corpus document by document.

For every file of the corpus (``../shared/corpus/laws/*/*.md``, 26 laws, read in place
with ``read_document``) it plans the map-reduce summary — units, model calls, tokens
counted with the demo model's own tokenizer. For a sample (``--limit N`` documents,
the smallest first or spread over the sizes) it runs the real thing through doum's
stack with the packaged demo model (SmolLM2-135M on the CPU): attachment, routing,
map-reduce, audit, suggestion. The time inside the model backend is measured call by
call, so doum's orchestration overhead (everything else) and the ratio
``total / model`` come out directly. From those numbers it projects the whole corpus
on the demo model and on a vLLM server (a Korean-capable 30B-class model with a 32k
context: fewer, larger calls; throughput assumptions are options).

    python -m bench.drafting --limit 3
    python -m bench.drafting --limit 2 --pick spread --prefill-tps 6000 --decode-tps 35
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import peak_rss_mb, print_table, write_results

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "laws"


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*/*.md"))


def pick(files: list[Path], limit: int, how: str) -> list[Path]:
    by_size = sorted(files, key=lambda p: p.stat().st_size)
    if limit <= 0 or limit >= len(files):
        return by_size
    if how == "smallest":
        return by_size[:limit]
    step = (len(by_size) - 1) / max(1, limit - 1)
    return [by_size[round(i * step)] for i in range(limit)] if limit > 1 else by_size[:1]


def build_runtime(workdir: Path, concurrency: int) -> Any:
    from doum.config import Settings
    from doum.runtime import Runtime

    settings = Settings(
        data_dir=workdir / "data",
        database={"url": f"sqlite:///{workdir / 'doum.sqlite3'}"},
        security={"secret_key": "bench-secret-key-" + "x" * 40},
        llm={"health_check_seconds": 0},
        drafting={"summary_concurrency": concurrency},
    )
    runtime = Runtime.create(settings)
    runtime.database.upgrade()
    return runtime


def plan(markdown: str, model: Any, ratio: float, count: Any, min_chars: int) -> dict[str, int]:
    """Map units, their input tokens and an estimate of the reduce calls."""
    from doum.drafting.calls import ModelCaller
    from doum.drafting.structure import split_sections
    from doum.drafting.summarise import Summariser, plan_units
    from doum.llm.gateway import Route

    caller = ModelCaller(runtime=None, route=Route(model.name, (model,), "O"))  # type: ignore[arg-type]
    summariser = Summariser(caller, ratio=ratio, min_section_chars=min_chars)
    summariser.count = count
    units = plan_units(
        split_sections(markdown),
        budget_tokens=summariser.unit_budget(),
        count=count,
        min_chars=min_chars,
    )
    tokens = sum(count(u.text) for u in units)
    summary_tokens = int(tokens * ratio)
    reduce_calls = 1 + max(0, summary_tokens // max(1, summariser.reduce_budget()))
    return {
        "units": len(units),
        "calls": len(units) + reduce_calls,
        "input_tokens": tokens,
        "output_tokens": summary_tokens,
    }


class ModelClock:
    """Wraps a ChatModel's ``stream`` to time every call inside the backend."""

    def __init__(self, model: Any) -> None:
        self.calls: list[float] = []
        original = model.stream

        async def timed(request: Any) -> Any:
            started = time.perf_counter()
            try:
                async for chunk in original(request):
                    yield chunk
            finally:
                self.calls.append(time.perf_counter() - started)

        model.stream = timed


async def summarise_one(runtime: Any, principal: Any, auditing: Any, path: Path) -> dict[str, Any]:
    from doum.drafting.attachments import add_attachment, read_attachment
    from doum.drafting.drafts import create_draft
    from doum.drafting.tools import ToolOptions, ToolRun, run_tool

    started = time.perf_counter()
    data = path.read_bytes()
    text, fmt, sections = read_attachment(data, filename=path.name, settings=runtime.settings)
    with runtime.database.session() as session:
        draft_id = create_draft(
            session, principal, auditing, title=path.parent.name + " " + path.stem
        ).id
        attachment_id = add_attachment(
            session,
            principal,
            auditing,
            draft_id=draft_id,
            filename=path.name,
            text=text,
            format=fmt,
            size=len(data),
            section_count=sections,
            data_class="O",
            settings=runtime.settings,
        ).id
    run = ToolRun(
        runtime,
        principal=principal,
        draft_id=draft_id,
        tool="summarise",
        options=ToolOptions(source=f"attachment:{attachment_id}"),
        via="bench",
    )
    suggestion = await run_tool(run)
    meta = suggestion["meta"]
    return {
        "file": f"{path.parent.name}/{path.name}",
        "chars": meta["source_chars"],
        "sections": meta["sections"],
        "units": meta["units"],
        "calls": meta["calls"],
        "prompt_tokens": meta["prompt_tokens"],
        "completion_tokens": meta["completion_tokens"],
        "summary_chars": meta["summary_chars"],
        "wall_s": time.perf_counter() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--limit", type=int, default=3, help="documents summarised with the model (0 = all)"
    )
    parser.add_argument("--pick", choices=["smallest", "spread"], default="smallest")
    parser.add_argument("--ratio", type=float, default=0.33)
    parser.add_argument(
        "--prefill-tps", type=float, default=5000.0, help="vLLM prompt tokens/s per request"
    )
    parser.add_argument(
        "--decode-tps", type=float, default=35.0, help="vLLM output tokens/s per request"
    )
    parser.add_argument(
        "--vllm-concurrency", type=int, default=8, help="summary calls in flight on vLLM"
    )
    parser.add_argument("--vllm-context", type=int, default=32768)
    parser.add_argument("--vllm-max-output", type=int, default=4096)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    from doum.accounts.service import Auditing, create_user, get_user, principal_for
    from doum.audit.log import AuditContext
    from doum.chat.prompts import estimate_tokens
    from doum.config.llm import ModelConfig
    from doum.documents import read_document
    from doum.drafting.structure import document_markdown
    from doum.drafting.tokens import token_counter

    files = corpus_files(args.corpus)
    if not files:
        print(f"no corpus at {args.corpus}")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="doum-bench-drafting-"))
    runtime = build_runtime(workdir, concurrency=1)
    demo = runtime.gateway.default_model()
    vllm = ModelConfig(
        name="vllm-32b",
        backend="openai_compat",
        endpoints=[{"base_url": "http://gpu:8000/v1"}],
        context_length=args.vllm_context,
        max_output_tokens=args.vllm_max_output,
    )
    demo_count = token_counter(demo)
    min_chars = runtime.settings.drafting.summary_min_section_chars

    # 1. The plan for the whole corpus (no model calls).
    started = time.perf_counter()
    plans: dict[Path, dict[str, Any]] = {}
    for path in files:
        markdown = document_markdown(read_document(path, isolated=False))
        plans[path] = {
            "chars": len("".join(markdown.split())),
            "demo": plan(markdown, demo, args.ratio, demo_count, min_chars),
            "vllm": plan(markdown, vllm, args.ratio, estimate_tokens, min_chars),
        }
    plan_seconds = time.perf_counter() - started
    laws = len({p.parent.name for p in files})

    # 2. The sample, summarised for real with the demo model.
    auditing = Auditing(runtime.audit, AuditContext.system("bench"))
    with runtime.database.session() as session:
        create_user(session, auditing=auditing, username="bench", password="bench-password-123")
        principal = principal_for(session, get_user(session, "bench"))
    clock = ModelClock(runtime.gateway.instance(demo))
    sample = pick(files, args.limit, args.pick)
    rows: list[dict[str, Any]] = []

    async def run_sample() -> None:
        for path in sample:
            before = len(clock.calls)
            row = await summarise_one(runtime, principal, auditing, path)
            row["model_s"] = sum(clock.calls[before:])
            row["overhead_s"] = row["wall_s"] - row["model_s"]
            rows.append(row)
            print(f"  {row['file']}: {row['calls']} calls, {row['wall_s']:.1f} s", flush=True)
        await runtime.gateway.aclose()

    print(f"summarising {len(sample)} of {len(files)} documents with {demo.name} ...", flush=True)
    asyncio.run(run_sample())

    wall = sum(r["wall_s"] for r in rows)
    model_s = sum(r["model_s"] for r in rows)
    calls = sum(r["calls"] for r in rows)
    prompt_tokens = sum(r["prompt_tokens"] for r in rows)
    completion_tokens = sum(r["completion_tokens"] for r in rows)
    overhead = wall - model_s
    per_call_overhead_ms = overhead / calls * 1000 if calls else 0.0
    print_table(
        "Sample: summarised with the demo model through doum (one call at a time)",
        [
            "document",
            "chars",
            "sections",
            "calls",
            "prompt tok",
            "output tok",
            "wall s",
            "model s",
            "overhead s",
            "ratio",
        ],
        [
            [
                r["file"],
                r["chars"],
                r["sections"],
                r["calls"],
                r["prompt_tokens"],
                r["completion_tokens"],
                r["wall_s"],
                r["model_s"],
                r["overhead_s"],
                r["wall_s"] / r["model_s"] if r["model_s"] else 0.0,
            ]
            for r in rows
        ]
        + [
            [
                "total",
                sum(r["chars"] for r in rows),
                sum(r["sections"] for r in rows),
                calls,
                prompt_tokens,
                completion_tokens,
                wall,
                model_s,
                overhead,
                wall / model_s if model_s else 0.0,
            ]
        ],
    )

    # 3. Projections for the whole corpus.
    corpus_chars = sum(p["chars"] for p in plans.values())
    demo_calls = sum(p["demo"]["calls"] for p in plans.values())
    demo_tokens = sum(p["demo"]["input_tokens"] for p in plans.values())
    sample_input = sum(plans[p]["demo"]["input_tokens"] for p in sample)
    seconds_per_input_token = model_s / sample_input if sample_input else 0.0
    demo_projection = (
        demo_tokens * seconds_per_input_token + demo_calls * per_call_overhead_ms / 1000
    )
    vllm_calls = sum(p["vllm"]["calls"] for p in plans.values())
    vllm_in = sum(p["vllm"]["input_tokens"] for p in plans.values())
    vllm_out = sum(p["vllm"]["output_tokens"] for p in plans.values())
    vllm_model_s = (vllm_in / args.prefill_tps + vllm_out / args.decode_tps) / args.vllm_concurrency
    vllm_overhead_s = vllm_calls * per_call_overhead_ms / 1000 / args.vllm_concurrency
    print_table(
        f"Whole corpus: {len(files)} documents of {laws} laws, {corpus_chars:,} characters",
        [
            "model",
            "calls",
            "input tokens",
            "output tokens",
            "model time s",
            "doum overhead s",
            "total s",
        ],
        [
            [
                "demo (SmolLM2, 4k ctx, measured rate)",
                demo_calls,
                demo_tokens,
                int(demo_tokens * args.ratio),
                demo_tokens * seconds_per_input_token,
                demo_calls * per_call_overhead_ms / 1000,
                demo_projection,
            ],
            [
                f"vLLM 32k ctx ({args.prefill_tps:.0f}/{args.decode_tps:.0f} tok/s, ×{args.vllm_concurrency})",
                vllm_calls,
                vllm_in,
                vllm_out,
                vllm_model_s,
                vllm_overhead_s,
                vllm_model_s + vllm_overhead_s,
            ],
        ],
    )
    print(
        f"\norchestration overhead: {per_call_overhead_ms:.1f} ms per model call; "
        f"total/model = {wall / model_s if model_s else 0:.3f}; planning the corpus took {plan_seconds:.1f} s; "
        f"peak RSS {peak_rss_mb():.0f} MiB"
    )
    write_results(
        "drafting",
        {
            "command": "python -m bench.drafting " + " ".join(argv or []),
            "corpus": {"files": len(files), "laws": laws, "chars": corpus_chars},
            "sample": rows,
            "pick": args.pick,
            "ratio": args.ratio,
            "model": demo.name,
            "overhead_ms_per_call": per_call_overhead_ms,
            "total_over_model": wall / model_s if model_s else None,
            "median_call_s": statistics.median(clock.calls) if clock.calls else None,
            "projection": {
                "demo": {
                    "calls": demo_calls,
                    "input_tokens": demo_tokens,
                    "seconds": demo_projection,
                },
                "vllm": {
                    "calls": vllm_calls,
                    "input_tokens": vllm_in,
                    "output_tokens": vllm_out,
                    "prefill_tps": args.prefill_tps,
                    "decode_tps": args.decode_tps,
                    "concurrency": args.vllm_concurrency,
                    "seconds": vllm_model_s + vllm_overhead_s,
                },
            },
            "peak_rss_mb": peak_rss_mb(),
        },
        args.out,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
