"""``doum ingest PATH… --kb NAME`` — add files and folders to a knowledge base."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import click

from doum.accounts.principal import Principal
from doum.cli.output import handle_errors
from doum.db import Database

POLL_SECONDS = 0.5


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kb", "kb_name", required=True, help="문서를 넣을 지식베이스 이름")
@click.option(
    "--class",
    "data_class",
    type=click.Choice(["C", "S", "O"]),
    default=None,
    help="문서 보안 등급 (기본: 지식베이스 등급)",
)
@click.option(
    "--wait/--no-wait",
    default=False,
    help="색인이 끝날 때까지 진행률을 보여 줍니다 (SQLite 큐는 이 프로세스가 처리).",
)
@click.option("--timeout", default=0.0, help="--wait 최대 대기 시간(초), 0은 무제한")
@click.option("--user", "username", default=None, help="이 사용자 권한으로 실행 (기본: 첫 관리자)")
@handle_errors
def ingest(
    paths: tuple[Path, ...],
    kb_name: str,
    data_class: str | None,
    wait: bool,
    timeout: float,
    username: str | None,
) -> None:
    """파일과 폴더(하위 폴더 포함)를 지식베이스에 넣습니다. 바뀌지 않은 파일은 건너뜁니다."""
    from doum.cli.kb import _auditing, _context
    from doum.retrieval.sources import add_paths

    database, principal = _context(username)
    auditing = _auditing(principal)
    with database.session() as session:
        plan = add_paths(
            session, principal, kb_ref=kb_name, paths=list(paths), data_class=data_class
        )
        auditing.log.record(
            session,
            context=auditing.context,
            action="kb.ingest",
            target_type="knowledge_base",
            target_id=kb_name,
            details={
                "paths": [str(p) for p in paths],
                "queued": len(plan.queued),
                "unchanged": len(plan.unchanged),
            },
        )
    fresh = len(plan.queued) - len([d for d in plan.unchanged if d in plan.queued])
    click.echo(
        f"대기열에 넣은 문서 {len(plan.queued)}건 (새로 넣거나 바뀐 문서 {fresh}건),"
        f" 바뀌지 않아 건너뛴 문서 {len(plan.unchanged)}건"
    )
    enqueue_and_report(database, principal, plan.queued, wait=wait, timeout=timeout)


def enqueue_and_report(
    database: Database,
    principal: Principal,
    document_ids: Sequence[str],
    *,
    wait: bool,
    timeout: float = 0.0,
) -> None:
    from doum.config import get_settings
    from doum.jobs import enqueue_documents

    if not document_ids:
        return
    settings = get_settings()
    enqueue_documents(document_ids)
    if not wait:
        if settings.jobs.backend == "sqlite" and not settings.jobs.immediate:
            click.echo(
                "웹 서버(doum serve)나 doum worker 가 실행 중이면 곧 처리합니다."
                " 지금 처리하려면 --wait 를 붙이세요."
            )
        return
    consumer = None
    if settings.jobs.backend == "sqlite" and not settings.jobs.immediate:
        from doum.jobs.consumer import EmbeddedConsumer
        from doum.jobs.queue import get_queue

        consumer = EmbeddedConsumer(
            get_queue(),
            workers=max(1, settings.jobs.workers),
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=0.5,
        )
        consumer.start()
    try:
        _show_progress(database, principal, document_ids, timeout)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def _show_progress(
    database: Database, principal: Principal, document_ids: Sequence[str], timeout: float
) -> None:
    from doum.jobs.errors import JobsError
    from doum.jobs.tasks import document_progress

    started = time.monotonic()
    total = len(document_ids)
    shown = 0
    with click.progressbar(
        length=total * 100, label="색인", show_pos=False, show_percent=True, width=30
    ) as bar:
        while True:
            with database.session() as session:
                rows = document_progress(session, principal, document_ids=document_ids)
            finished = [r for r in rows if r.status in ("done", "error")]
            done = int(sum(r.progress for r in rows) * 100)
            if done > shown:
                bar.update(done - shown)
                shown = done
            active = next((r for r in rows if r.status not in ("done", "error", "queued")), None)
            bar.label = f"색인 {len(finished)}/{total}" + (
                f" · {active.filename} {active.status_label}" if active else ""
            )
            if len(finished) >= len(rows):
                break
            if timeout and time.monotonic() - started > timeout:
                raise JobsError("jobs.wait_timeout", seconds=int(timeout))
            time.sleep(POLL_SECONDS)
    errors = [r for r in rows if r.status == "error"]
    click.echo(f"완료 {len(rows) - len(errors)}건, 오류 {len(errors)}건")
    for r in errors:
        click.echo(f"  오류: {r.filename} — {r.error_message}", err=True)
