from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

BENCHMARKS = ("chat", "documents", "privacy", "retrieval", "drafting")


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("name", type=click.Choice([*BENCHMARKS, "all"]))
@click.pass_context
def bench(ctx: click.Context, name: str) -> None:
    """성능 벤치마크를 실행합니다 (소스 저장소의 bench/ 필요). 나머지 인자는 벤치마크로 전달됩니다."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / "_common.py").is_file():
        raise click.ClickException(
            "bench/ 디렉터리를 찾을 수 없습니다. 소스 저장소에서 실행하세요."
        )
    sys.path.insert(0, str(root))
    names = BENCHMARKS if name == "all" else (name,)
    failures = 0
    for each in names:
        try:
            module = importlib.import_module(f"bench.{each}")
        except ModuleNotFoundError:
            click.echo(f"[건너뜀] bench/{each}.py 가 없습니다.", err=True)
            continue
        failures += int(module.main(list(ctx.args)) or 0)
    if failures:
        raise SystemExit(1)
