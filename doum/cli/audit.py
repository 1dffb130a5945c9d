from __future__ import annotations

import click

from doum.cli.output import handle_errors


@click.group()
def audit() -> None:
    """감사 로그를 검증하고 내보냅니다."""


@audit.command()
@handle_errors
def verify() -> None:
    """해시 체인을 검증합니다. 변경·삭제·순서 바뀜이 있으면 어느 기록인지 알리고 1로 끝납니다."""
    from doum.audit.verify import verify_chain
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    with runtime.database.reader() as session:
        report = verify_chain(session, runtime.audit_key)
    if report.ok:
        click.echo(
            f"정상: #{report.first_seq}–#{report.last_seq} 기록 {report.checked:,}건의 무결성을 확인했습니다."
        )
    else:
        click.echo(f"무결성 검증 실패: {len(report.problems)}건의 문제가 발견되었습니다.", err=True)
        for problem in report.problems:
            click.echo(f"  {problem.describe()}", err=True)
    auditing = cli_auditing(runtime)
    with runtime.database.session() as session:
        runtime.audit.record(
            session,
            context=auditing.context,
            action="audit.verify",
            outcome="success" if report.ok else "failure",
            details={"checked": report.checked, "problems": len(report.problems)},
        )
    if not report.ok:
        raise SystemExit(1)


@audit.command()
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), required=True, help="CSV 파일 경로"
)
@click.option("--actor", default="")
@click.option("--action", default="", help="행위 접두어 (예: auth.)")
@click.option("--since", default="", help="YYYY-MM-DD")
@click.option("--until", default="", help="YYYY-MM-DD")
@handle_errors
def export(out: str, actor: str, action: str, since: str, until: str) -> None:
    """감사 로그를 CSV(UTF-8, Excel 호환)로 내보냅니다."""
    from datetime import UTC, datetime

    from doum.audit.query import AuditFilter, iter_csv
    from doum.cli.context import cli_auditing, cli_runtime
    from doum.errors import InvalidInput

    def day(value: str) -> datetime | None:
        if not value:
            return None
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            raise InvalidInput("input.invalid", detail=f"날짜 형식이 아닙니다: {value}") from None

    runtime = cli_runtime()
    filters = AuditFilter(actor=actor, action=action, since=day(since), until=day(until))
    with (
        runtime.database.reader() as session,
        open(out, "w", encoding="utf-8", newline="") as handle,
    ):
        for chunk in iter_csv(session, filters=filters):
            handle.write(chunk)
    auditing = cli_auditing(runtime)
    with runtime.database.session() as session:
        runtime.audit.record(
            session,
            context=auditing.context,
            action="audit.export",
            details={"out": out, "actor": actor, "action": action, "since": since, "until": until},
        )
    click.echo(f"내보냈습니다: {out}")


@audit.command()
@handle_errors
def purge() -> None:
    """보관 기간(최소 2년)이 지난 기록을 지웁니다. 체인 검증은 계속 가능합니다."""
    from doum.audit.retention import purge_expired
    from doum.cli.context import cli_runtime

    runtime = cli_runtime()
    with runtime.database.session() as session:
        removed = purge_expired(
            session, audit=runtime.audit, retention_days=runtime.settings.audit.retention_days
        )
    click.echo(f"{removed:,}건을 지웠습니다.")


@audit.command()
@click.option("--month", default="", help="YYYY-MM (기본: 이번 달)")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def report(month: str, as_json: bool) -> None:
    """월간 접속기록 점검 보고서: 로그인 실패, 업무시간 외 접근, 대량 이용, 관리 작업."""
    import re
    from datetime import datetime

    from doum.audit.report import KST, monthly_review
    from doum.cli.context import cli_auditing, cli_runtime
    from doum.cli.output import echo_json
    from doum.errors import InvalidInput

    month = month or datetime.now(KST).strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise InvalidInput("input.invalid", detail="--month 는 YYYY-MM 형식이어야 합니다.")
    runtime = cli_runtime()
    with runtime.database.reader() as session:
        review = monthly_review(session, month)
    auditing = cli_auditing(runtime)
    with runtime.database.session() as session:
        runtime.audit.record(
            session, context=auditing.context, action="audit.report", details={"month": month}
        )
    if as_json:
        echo_json(review.to_dict())
        return
    click.echo(f"# {month} 접속기록 점검 (기록 {review.total:,}건)")
    click.echo(f"- 결과별: {review.by_outcome}")
    click.echo(
        f"- 로그인 실패: {sum(f['count'] for f in review.failed_logins)}건, 계정 잠김 {review.lockouts}건"
    )
    for f in review.failed_logins[:10]:
        click.echo(f"    {f['username'] or '-'} ({f['ip'] or '-'}): {f['count']}회")
    click.echo(f"- 업무시간 외 접근: {len(review.after_hours)}명")
    for a in review.after_hours[:10]:
        click.echo(f"    {a['actor']}: {a['count']}건")
    click.echo(f"- 대량 이용(월 {200}건 초과): {len(review.bulk_users)}명")
    click.echo(f"- 관리·내보내기 등 주요 작업: {len(review.sensitive)}건")
