"""``doum worker`` — run the background job consumer in the foreground."""

from __future__ import annotations

import logging

import click

from doum.cli.output import handle_errors


@click.command()
@click.option("--workers", type=int, default=None, help="동시에 처리할 작업 수 (기본: 설정값)")
@handle_errors
def worker(workers: int | None) -> None:
    """작업 큐(SQLite 또는 Redis)의 문서 색인 작업을 처리합니다. Ctrl+C 로 멈춥니다."""
    from doum.config import get_settings
    from doum.db import get_database
    from doum.jobs.consumer import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    get_database().upgrade()
    click.echo(f"작업 처리기를 시작합니다 (큐: {settings.jobs.backend}).")
    run_worker(settings, workers=workers)
