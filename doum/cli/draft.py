"""``doum draft``: write a draft from a template, and the editing tools on files.

    doum draft --template 보도자료 --fields facts.json --out draft.hwpx
    doum draft summarise 보고서.hwpx --ratio 0.33 --out 요약.docx
    doum draft proofread 초안.md
    doum draft translate 보도자료.md --to en --out press.md

Everything goes through the same services as the web UI: the draft is saved in the
user's list, every prompt and output is audited, the data class routes the model.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from doum.cli.output import echo_json, handle_errors

FORMAT_BY_SUFFIX = {".hwpx": "hwpx", ".docx": "docx", ".md": "md", ".txt": "txt"}


def _context(username: str | None) -> tuple[Any, Any, Any]:
    from doum.accounts.service import Auditing
    from doum.audit.log import AuditContext
    from doum.cli.context import acting_principal, cli_runtime

    runtime = cli_runtime()
    principal = acting_principal(runtime, username)
    return runtime, principal, Auditing(runtime.audit, AuditContext.of(principal, "local"))


def _format_of(out: Path | None) -> str:
    if out is None:
        return "md"
    fmt = FORMAT_BY_SUFFIX.get(out.suffix.lower())
    if fmt is None:
        raise click.UsageError("--out 은 .hwpx, .docx, .md, .txt 중 하나여야 합니다.")
    return fmt


def _load_facts(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.UsageError(f"--fields 파일을 읽을 수 없습니다: {error}") from error
    if not isinstance(data, dict):
        raise click.UsageError('--fields 파일은 {"항목": "값"} 형식의 JSON 객체여야 합니다.')
    return data


def _write(runtime: Any, principal: Any, auditing: Any, draft_id: str, out: Path | None) -> None:
    from doum.drafting.export import export_draft

    fmt = _format_of(out)
    with runtime.database.session() as session:
        exported = export_draft(
            session,
            principal,
            auditing,
            draft_id=draft_id,
            fmt=fmt,
            organisation=runtime.settings.organisation,
            via="cli",
        )
    if out is None:
        click.echo(exported.data.decode("utf-8"), nl=False)
    else:
        out.write_bytes(exported.data)
        click.echo(f"[저장] {out} ({len(exported.data):,} bytes)", err=True)


def _attach(
    runtime: Any, principal: Any, auditing: Any, draft_id: str, path: Path, data_class: str
) -> str:
    from doum.drafting.attachments import add_attachment, read_attachment

    data = path.read_bytes()
    text, fmt, sections = read_attachment(data, filename=path.name, settings=runtime.settings)
    with runtime.database.session() as session:
        attachment = add_attachment(
            session,
            principal,
            auditing,
            draft_id=draft_id,
            filename=path.name,
            text=text,
            format=fmt,
            size=len(data),
            section_count=sections,
            data_class=data_class,
            settings=runtime.settings,
        )
        return str(attachment.id)


def _kb_ids(runtime: Any, principal: Any, names: tuple[str, ...]) -> list[str]:
    if not names:
        return []
    from doum.drafting.knowledge import knowledge_for

    search = knowledge_for(runtime)
    if search is None:
        click.echo("[안내] 지식 검색 기능이 없어 --kb 를 무시합니다.", err=True)
        return []
    known = {kb.name: kb.id for kb in search.knowledge_bases(principal)}
    ids = []
    for name in names:
        if name in known.values():
            ids.append(name)
        elif name in known:
            ids.append(known[name])
        else:
            raise click.UsageError(f"지식베이스를 찾을 수 없거나 권한이 없습니다: {name}")
    return ids


def _report_checks(checks: dict[str, Any]) -> None:
    for note in checks.get("notes", []):
        click.echo(f"[확인] {note['message']}", err=True)
    summary = checks.get("summary") or {}
    if summary:
        click.echo(
            f"[숫자 확인] 근거 일치 {summary.get('verified', 0)} · 불일치 {summary.get('mismatch', 0)}"
            f" · 근거 없음 {summary.get('unverified', 0)}",
            err=True,
        )


@click.group(invoke_without_command=True)
@click.option("--template", "template", default=None, help="템플릿 이름 또는 ID (예: 보도자료)")
@click.option(
    "--fields",
    "fields_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="항목 값 JSON 파일 (사업 정보)",
)
@click.option("--fact-set", "fact_set_id", default=None, help="저장된 사업 정보(사실 묶음) ID")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="저장할 파일 (.hwpx .docx .md .txt; 없으면 표준 출력)",
)
@click.option(
    "--attach",
    "attachments",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="근거 파일 (여러 번 가능)",
)
@click.option("--kb", "kbs", multiple=True, help="근거로 검색할 지식베이스 이름 (여러 번 가능)")
@click.option("--request", default="", help="추가 요청 (예: '어르신 눈높이로')")
@click.option("--title", default="", help="초안 제목")
@click.option("--model", default=None, help="모델 이름")
@click.option(
    "--class",
    "data_class",
    type=click.Choice(["C", "S", "O"]),
    default=None,
    help="보안 등급 (템플릿 기본값보다 낮출 수 없음)",
)
@click.option("--user", "username", default=None, help="작성자 (기본: 첫 관리자)")
@click.option("--json", "as_json", is_flag=True, help="결과를 JSON 으로 출력")
@click.pass_context
@handle_errors
def draft(
    ctx: click.Context,
    template: str | None,
    fields_path: Path | None,
    fact_set_id: str | None,
    out: Path | None,
    attachments: tuple[Path, ...],
    kbs: tuple[str, ...],
    request: str,
    title: str,
    model: str | None,
    data_class: str | None,
    username: str | None,
    as_json: bool,
) -> None:
    """템플릿과 사업 정보로 문서 초안을 만듭니다 (하위 명령: summarise, proofread, plain, translate, list, export)."""
    if ctx.invoked_subcommand is not None:
        return
    if not template:
        raise click.UsageError("--template 을 지정하세요 (목록: doum templates list).")
    _format_of(out)
    from doum.drafting.drafts import create_draft
    from doum.drafting.generate import DraftFailed, DraftFinished, DraftGeneration, DraftStarted
    from doum.drafting.templates import resolve_template

    runtime, principal, auditing = _context(username)
    facts = _load_facts(fields_path)
    with runtime.database.session() as session:
        spec = resolve_template(session, principal, template)
        created = create_draft(
            session,
            principal,
            auditing,
            template_id=spec.id,
            title=title,
            fields=facts,
            fact_set_id=fact_set_id,
            data_class=data_class,
            model=model or "",
            knowledge_base_ids=_kb_ids(runtime, principal, kbs),
            max_content_chars=runtime.settings.drafting.max_content_chars,
        )
        draft_id = created.id
    for path in attachments:
        _attach(
            runtime,
            principal,
            auditing,
            draft_id,
            path,
            data_class or runtime.settings.privacy.default_class,
        )

    async def run() -> DraftFinished | None:
        generation = DraftGeneration(
            runtime,
            principal=principal,
            draft_id=draft_id,
            model=model,
            request=request,
            ip="local",
            via="cli",
        )
        finished = None
        try:
            async for event in generation.events():
                if isinstance(event, DraftStarted):
                    click.echo(
                        f"[초안 {draft_id}] {spec.name} · {event.model_label} · 보안 등급 {event.data_class}",
                        err=True,
                    )
                    for notice in event.notices:
                        click.echo(f"[안내] {notice}", err=True)
                    for source in event.sources:
                        click.echo(f"[근거 {source['n']}] {source['label']}", err=True)
                elif isinstance(event, DraftFinished):
                    finished = event
                elif isinstance(event, DraftFailed):
                    click.echo(f"오류 [{event.code}] {event.message}", err=True)
        finally:
            await runtime.gateway.aclose()
        return finished

    finished = asyncio.run(run())
    if finished is None:
        sys.exit(1)
    _report_checks(finished.checks)
    if as_json:
        echo_json({"draft_id": draft_id, "content": finished.content, "checks": finished.checks})
        if out is None:
            return
    _write(runtime, principal, auditing, draft_id, out)


def _tool_on_file(
    tool: str,
    path: Path,
    out: Path | None,
    username: str | None,
    model: str | None,
    data_class: str,
    **options: Any,
) -> dict[str, Any]:
    from doum.drafting.drafts import create_draft
    from doum.drafting.tools import ToolOptions, ToolRun, apply_suggestion, run_tool

    runtime, principal, auditing = _context(username)
    with runtime.database.session() as session:
        created = create_draft(
            session,
            principal,
            auditing,
            title=f"{path.name} ({tool})",
            data_class=data_class,
            model=model or "",
        )
        draft_id = created.id
    attachment_id = _attach(runtime, principal, auditing, draft_id, path, data_class)

    def progress(event: Any) -> None:
        if event.type == "start":
            click.echo(f"[{tool}] {event.model_label} · 원문 {event.source_chars:,}자", err=True)
            for notice in event.notices:
                click.echo(f"[안내] {notice}", err=True)
        elif event.type == "progress":
            click.echo(f"[진행] {event.done}/{event.total} {event.label}", err=True)

    async def run() -> dict[str, Any]:
        tool_run = ToolRun(
            runtime,
            principal=principal,
            draft_id=draft_id,
            tool=tool,
            options=ToolOptions(source=f"attachment:{attachment_id}", **options),
            model=model,
            ip="local",
            via="cli",
        )
        try:
            return await run_tool(tool_run, on_event=progress)
        finally:
            await runtime.gateway.aclose()

    suggestion = asyncio.run(run())
    with runtime.database.session() as session:
        apply_suggestion(
            session, principal, auditing, draft_id=draft_id, suggestion_id=suggestion["id"]
        )
    for notice in suggestion["meta"].get("notices", []):
        click.echo(f"[안내] {notice}", err=True)
    _write(runtime, principal, auditing, draft_id, out)
    return suggestion


_common = [
    click.option(
        "--out",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="저장할 파일 (.hwpx .docx .md .txt)",
    ),
    click.option("--user", "username", default=None, help="사용자 (기본: 첫 관리자)"),
    click.option("--model", default=None, help="모델 이름"),
    click.option(
        "--class",
        "data_class",
        type=click.Choice(["C", "S", "O"]),
        default="S",
        help="파일의 보안 등급",
    ),
]


def _with_common(func: Any) -> Any:
    for option in reversed(_common):
        func = option(func)
    return func


@draft.command("summarise")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--ratio", type=float, default=None, help="요약 비율 (기본 0.33)")
@click.option("--chars", "target_chars", type=int, default=None, help="목표 글자 수 (비율 대신)")
@_with_common
@handle_errors
def summarise(
    path: Path,
    ratio: float | None,
    target_chars: int | None,
    out: Path | None,
    username: str | None,
    model: str | None,
    data_class: str,
) -> None:
    """문서를 구조(장·절·조)별로 요약합니다. 모델 문맥보다 긴 문서도 나누어 요약합니다."""
    suggestion = _tool_on_file(
        "summarise", path, out, username, model, data_class, ratio=ratio, target_chars=target_chars
    )
    meta = suggestion["meta"]
    click.echo(
        f"[요약] 원문 {meta['source_chars']:,}자 → {meta['summary_chars']:,}자 (비율 {meta['ratio']:.2f}) · "
        f"구획 {meta['sections']} · 모델 호출 {meta['calls']}회",
        err=True,
    )


@draft.command("proofread")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_with_common
@handle_errors
def proofread(
    path: Path, out: Path | None, username: str | None, model: str | None, data_class: str
) -> None:
    """맞춤법·띄어쓰기·공문서 표현을 교정합니다. 바뀐 곳을 표준 오류로 보여 줍니다."""
    suggestion = _tool_on_file("proofread", path, out, username, model, data_class)
    _print_hunks(suggestion)


@draft.command("plain")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_with_common
@handle_errors
def plain(
    path: Path, out: Path | None, username: str | None, model: str | None, data_class: str
) -> None:
    """어려운 행정용어를 쉬운 말로 바꿉니다."""
    suggestion = _tool_on_file("plain", path, out, username, model, data_class)
    _print_hunks(suggestion)


@draft.command("translate")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--to",
    "language",
    type=click.Choice(["ko", "en", "zh", "vi", "ja"]),
    required=True,
    help="번역할 언어",
)
@click.option(
    "--term",
    "terms",
    multiple=True,
    help="지킬 용어: '새만금=Saemangeum' 또는 '새만금' (여러 번 가능)",
)
@_with_common
@handle_errors
def translate(
    path: Path,
    language: str,
    terms: tuple[str, ...],
    out: Path | None,
    username: str | None,
    model: str | None,
    data_class: str,
) -> None:
    """문서를 번역합니다 (한국어 ↔ 영어·중국어·베트남어·일본어, 용어 유지)."""
    _tool_on_file(
        "translate",
        path,
        out,
        username,
        model,
        data_class,
        language=language,
        terms="\n".join(terms),
    )


def _print_hunks(suggestion: dict[str, Any]) -> None:
    for hunk in suggestion["hunks"]:
        click.echo(
            f"[{hunk['id']}] {hunk['before']!r} → {hunk['after']!r}  ({hunk['reason']})", err=True
        )
    click.echo(f"[교정] 제안 {len(suggestion['hunks'])}곳 (모두 적용해 저장했습니다)", err=True)


@draft.command("list")
@click.option("--user", "username", default=None)
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_drafts(username: str | None, as_json: bool) -> None:
    """내 초안 목록을 보여 줍니다."""
    from doum.drafting.drafts import list_drafts as query

    runtime, principal, _ = _context(username)
    with runtime.database.reader() as session:
        rows = [
            {
                "id": d.id,
                "title": d.title,
                "template": d.template_name,
                "class": d.data_class,
                "status": d.status,
                "updated_at": d.updated_at.isoformat(timespec="seconds"),
            }
            for d in query(session, principal)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']}  [{row['class']}] {row['title']}  ({row['template'] or '자유'} · {row['updated_at']})"
        )


@draft.command("export")
@click.argument("draft_id")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--user", "username", default=None)
@handle_errors
def export(draft_id: str, out: Path, username: str | None) -> None:
    """저장된 초안을 HWPX·DOCX·MD·TXT 로 내보냅니다."""
    runtime, principal, auditing = _context(username)
    _write(runtime, principal, auditing, draft_id, out)
