"""Chat gateway benchmark (issue #2).

N concurrent streaming chats (default 300) through a real doum server process
(``/v1/chat/completions`` with an API token, embedded defaults: SQLite, audit on) to a
fake OpenAI-compatible backend in its own process that streams 200 tokens at a fixed
pace on loopback — and, in the same run, the same load straight at the fake backend.
Reports errors, time to first token (p50/p95) both ways, the added TTFT and the ratio,
the server's peak RSS and CPU time, and the embedded GGUF model's tokens/s.

Both ends (load generator and fake backend) are lean asyncio protocols
(:mod:`bench.lean_http`): on a two-core machine they share the CPU with the server.
Both paths are warmed first with one round at full concurrency (``--warmup``), so that
doum's upstream connection pool is open as it is on a running server.

    python -m bench.chat [--concurrency 300] [--tokens 200] [--interval 0.04]
        [--ramp 1] [--workers 1] [--warmup N] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench._common import print_table, write_results
from bench.lean_http import stream_chat

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1.0, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start_fake_backend(port: int, tokens: int, interval: float) -> subprocess.Popen[bytes]:
    code = (
        "import asyncio, uvloop\n"
        "from bench.lean_http import FakeChatBackend\n"
        "async def main():\n"
        f"    b = await FakeChatBackend(tokens={tokens}, interval={interval}, port={port}).start()\n"
        "    await b.serve_forever()\n"
        "uvloop.run(main())\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)


def prepare_doum(workdir: Path, backend_url: str, port: int) -> tuple[dict[str, str], str]:
    """A fresh installation: config file, schema, one user and an API token."""
    config = workdir / "doum.toml"
    config.write_text(
        f'data_dir = "{workdir / "data"}"\n'
        f'[security]\nsecret_key = "{"b" * 48}"\n'
        '[server]\nhost = "127.0.0.1"\nport = %d\n'
        % port
        + "[llm]\ninclude_demo_model = false\nhealth_check_seconds = 0\n"
        '[[llm.models]]\nname = "fake"\nbackend = "openai_compat"\nupstream_model = "fake-model"\n'
        "max_output_tokens = 4096\n"
        f'[[llm.models.endpoints]]\nbase_url = "{backend_url}"\nmax_concurrency = 1000\n',
        encoding="utf-8",
    )
    env = {**os.environ, "DOUM_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
    script = (
        "from doum.config import get_settings\n"
        "from doum.runtime import Runtime\n"
        "from doum.accounts.service import Auditing, create_user\n"
        "from doum.accounts.api_tokens import issue_token\n"
        "from doum.accounts.roles import Role\n"
        "from doum.audit.log import AuditContext\n"
        "rt = Runtime.create(get_settings()); rt.database.upgrade()\n"
        "a = Auditing(rt.audit, AuditContext.system('bench'))\n"
        "with rt.database.session() as s:\n"
        "    u = create_user(s, auditing=a, username='bench', password='bench-password-1', roles={Role.ADMIN})\n"
        "    print(issue_token(s, auditing=a, user=u, name='bench').plaintext)\n"
    )
    token = (
        subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return env, token


async def load(
    url: str, headers: dict[str, str], model: str, concurrency: int, ramp: float
) -> list[dict[str, Any]]:
    parsed = urlsplit(url)
    body = {
        "model": model,
        "stream": True,
        "messages": [{"role": "user", "content": "벤치마크 질문입니다."}],
    }
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    delays = [ramp * i / concurrency for i in range(concurrency)]
    return await asyncio.gather(
        *(stream_chat(host, port, parsed.path, body, headers, d) for d in delays)
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    ttfts = [r["ttft"] * 1000 for r in results if r.get("ok")]
    return {
        "requests": len(results),
        "errors": sum(1 for r in results if not r.get("ok")),
        "error_kinds": sorted({r["error"] for r in results if not r.get("ok")}),
        "ttft_p50_ms": percentile(ttfts, 0.5),
        "ttft_p95_ms": percentile(ttfts, 0.95),
        "ttft_mean_ms": statistics.fmean(ttfts) if ttfts else float("nan"),
        "tokens_per_stream": statistics.fmean([r["pieces"] for r in results if r.get("ok")] or [0]),
    }


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        found = []
        for task in tasks:
            text = (task / "children").read_text().split()
            found += [int(child) for child in text]
        return found
    except OSError:
        return []


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU seconds of the process and its worker processes so far."""
    total = 0.0
    for each in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def peak_rss_of(pid: int) -> float:
    """Peak RSS (MiB) of the server: the process plus its worker processes (summed)."""
    total = 0.0
    for each in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return total or float("nan")


def embedded_tokens_per_second(max_tokens: int = 128) -> dict[str, Any]:
    from doum.config import Settings
    from doum.config.llm import ModelConfig
    from doum.llm.embedded import EmbeddedChatModel
    from doum.llm.types import ChatMessage, ChatRequest

    model = EmbeddedChatModel(
        ModelConfig(
            name="demo", backend="embedded", context_length=2048, max_output_tokens=max_tokens
        ),
        Settings(),
    )

    async def run() -> dict[str, Any]:
        request = ChatRequest(
            [ChatMessage("user", "Write a long story about a city library.")],
            max_tokens=max_tokens,
            temperature=0,
        )
        async for _ in model.stream(ChatRequest([ChatMessage("user", "hi")], max_tokens=4)):
            pass  # load the model outside the measurement
        started = time.perf_counter()
        first = None
        tokens = 0
        async for chunk in model.stream(request):
            if chunk.text:
                first = first or time.perf_counter()
                tokens += 1
        elapsed = time.perf_counter() - started
        await model.aclose()
        return {
            "tokens": tokens,
            "seconds": elapsed,
            "tokens_per_second": tokens / elapsed if elapsed else 0.0,
            "ttft_ms": ((first or started) - started) * 1000,
            "model": model.path.name,
        }

    return asyncio.run(run())


def _run(coro: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.run(coro)


def _listing(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.chat", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=300)
    parser.add_argument("--tokens", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.04, help="seconds between tokens")
    parser.add_argument("--ramp", type=float, default=1.0, help="seconds over which streams start")
    parser.add_argument("--workers", type=int, default=1, help="doum serve --workers")
    parser.add_argument(
        "--warmup",
        type=int,
        default=None,
        help="streams through each path before measuring (default: --concurrency; 0: cold)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measured rounds per path, alternating; their requests are pooled",
    )
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    if args.warmup is None:
        args.warmup = args.concurrency

    backend_port, doum_port = free_port(), free_port()
    backend = start_fake_backend(backend_port, args.tokens, args.interval)
    server: subprocess.Popen[bytes] | None = None
    try:
        backend_url = f"http://127.0.0.1:{backend_port}/v1"
        wait_http(backend_url + "/models")
        with tempfile.TemporaryDirectory(prefix="doum-bench-") as tmp:
            env, token = prepare_doum(Path(tmp), backend_url, doum_port)
            server = subprocess.Popen(
                [
                    *(sys.executable, "-m", "doum", "serve", "--no-prompt"),
                    *("--log-level", "WARNING", "--workers", str(args.workers)),
                ],
                env=env,
                cwd=tmp,
                stdout=subprocess.DEVNULL,
            )
            doum_url = f"http://127.0.0.1:{doum_port}"
            wait_http(doum_url + "/healthz")
            # Warm both paths first: first-request imports, and the server's pool of
            # upstream connections, which on a running server is already open (keep-alive
            # to the model servers). --warmup 0 measures a cold start instead.
            warm = max(args.warmup, 1)
            _run(load(backend_url + "/chat/completions", {}, "fake-model", warm, args.ramp))
            _run(
                load(
                    doum_url + "/v1/chat/completions",
                    {"Authorization": f"Bearer {token}"},
                    "fake",
                    warm,
                    args.ramp,
                )
            )
            # Rounds alternate (direct, through doum, direct, ...) so that both paths
            # see the same machine; their results are pooled.
            direct_runs: list[dict[str, Any]] = []
            through_runs: list[dict[str, Any]] = []
            round_p95: list[tuple[float, float]] = []
            server_cpu = backend_cpu = 0.0
            for _ in range(args.rounds):
                direct_run = _run(
                    load(
                        backend_url + "/chat/completions",
                        {},
                        "fake-model",
                        args.concurrency,
                        args.ramp,
                    )
                )
                cpu_before = cpu_seconds_of(server.pid), cpu_seconds_of(backend.pid)
                through_run = _run(
                    load(
                        doum_url + "/v1/chat/completions",
                        {"Authorization": f"Bearer {token}"},
                        "fake",
                        args.concurrency,
                        args.ramp,
                    )
                )
                server_cpu += (cpu_seconds_of(server.pid) - cpu_before[0]) / args.rounds
                backend_cpu += (cpu_seconds_of(backend.pid) - cpu_before[1]) / args.rounds
                direct_runs += direct_run
                through_runs += through_run
                round_p95.append(
                    (
                        summarise(through_run)["ttft_p95_ms"],
                        summarise(direct_run)["ttft_p95_ms"],
                    )
                )
            direct, through = summarise(direct_runs), summarise(through_runs)
            rss = peak_rss_of(server.pid)
    finally:
        for process in (server, backend):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)

    added_p50 = through["ttft_p50_ms"] - direct["ttft_p50_ms"]
    added_p95 = through["ttft_p95_ms"] - direct["ttft_p95_ms"]
    added_by_round = [through_p95 - direct_p95 for through_p95, direct_p95 in round_p95]
    rounds = f", {args.rounds} rounds pooled" if args.rounds > 1 else ""
    print_table(
        f"{args.concurrency} concurrent streams × {args.tokens} tokens @ {args.interval * 1000:.0f} ms"
        f" (ramp {args.ramp:g} s, doum workers {args.workers}{rounds})",
        ["path", "requests", "errors", "TTFT p50 ms", "TTFT p95 ms", "tokens/stream"],
        [
            [
                "direct → fake backend",
                direct["requests"],
                direct["errors"],
                direct["ttft_p50_ms"],
                direct["ttft_p95_ms"],
                direct["tokens_per_stream"],
            ],
            [
                "through doum",
                through["requests"],
                through["errors"],
                through["ttft_p50_ms"],
                through["ttft_p95_ms"],
                through["tokens_per_stream"],
            ],
        ],
    )
    ratio = (
        through["ttft_p95_ms"] / direct["ttft_p95_ms"] if direct["ttft_p95_ms"] else float("nan")
    )
    print_table(
        "added by doum",
        ["metric", "value", "target"],
        [
            ["added TTFT p50 (ms)", added_p50, "-"],
            ["added TTFT p95 (ms)", added_p95, "≤ 10"],
            *(
                [["added TTFT p95 by round (ms)", _listing(added_by_round), "-"]]
                if args.rounds > 1
                else []
            ),
            ["TTFT p95 ratio (doum / direct)", ratio, "-"],
            ["server peak RSS (MiB)", rss, "≤ 1024"],
            ["server CPU s per through run", server_cpu, "-"],
            ["fake backend CPU s per through run", backend_cpu, "-"],
            ["errors", through["errors"], "0"],
        ],
    )
    results: dict[str, Any] = {
        "parameters": vars(args),
        "direct": direct,
        "through_doum": through,
        "added_ttft_p50_ms": added_p50,
        "added_ttft_p95_ms": added_p95,
        "added_ttft_p95_ms_by_round": added_by_round,
        "ttft_p95_ratio": ratio,
        "server_peak_rss_mib": rss,
        "server_cpu_seconds": server_cpu,
        "backend_cpu_seconds": backend_cpu,
        "cpu_count": os.cpu_count(),
    }
    if not args.skip_embedded:
        embedded = embedded_tokens_per_second()
        print_table(
            "embedded GGUF (llama.cpp, CPU)",
            ["model", "tokens", "tokens/s", "TTFT ms"],
            [
                [
                    embedded["model"],
                    embedded["tokens"],
                    embedded["tokens_per_second"],
                    embedded["ttft_ms"],
                ]
            ],
        )
        results["embedded"] = embedded
    write_results("chat", results, args.out)
    return 0 if through["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
