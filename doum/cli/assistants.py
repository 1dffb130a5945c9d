"""``doum assistants`` — department assistants (맞춤형 도우미): list, show, create, update,
share, delete. Acts as ``--user`` (default: the first administrator); every change is
audited like the same change in the web app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import click

from doum.cli.output import echo_json, handle_errors

USER_OPTION = click.option(
    "--user", "username", default=None, help="이 사용자 권한으로 실행합니다 (기본: 첫 관리자)."
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="JSON 으로 출력합니다.")


def _context(username: str | None):  # type: ignore[no-untyped-def]
    from doum.accounts.service import Auditing
    from doum.audit.log import AuditContext
    from doum.cli.context import acting_principal, cli_auditing, cli_runtime

    runtime = cli_runtime()
    principal = acting_principal(runtime, username)
    cli = cli_auditing(runtime)
    # The record names the doum user acted as and the operating-system user behind it.
    context = AuditContext(
        actor_id=principal.user_id,
        actor=f"{principal.username} ({cli.context.actor})",
        ip=cli.context.ip,
    )
    return runtime, principal, Auditing(cli.log, context)


def _department_ids(session: Any, names: Sequence[str]) -> list[int]:
    from sqlalchemy import or_, select

    from doum.accounts.models import Department
    from doum.assistants.errors import AssistantInvalid

    ids: list[int] = []
    for name in names:
        found = session.scalar(
            select(Department.id).where(
                or_(
                    Department.name == name,
                    Department.id == (int(name) if name.isdigit() else -1),
                )
            )
        )
        if found is None:
            raise AssistantInvalid("account.department_unknown", department=name)
        ids.append(found)
    return ids


def _kb_ids(session: Any, principal: Any, refs: Sequence[str]) -> list[str]:
    from doum.knowledge.service import get_knowledge_base

    return [get_knowledge_base(session, principal, ref).id for ref in refs]


def _print(view: Any) -> None:
    kbs = ", ".join(k["name"] for k in view.knowledge_bases) or "없음"
    shared = ", ".join(d["name"] for d in view.shared_departments) or "없음"
    click.echo(f"{view.name}  [{view.data_class}]  id={view.id}")
    click.echo(f"  부서: {view.department}   공유: {shared}")
    click.echo(
        f"  지식베이스: {kbs}"
        + (f" (열람 불가 {view.hidden_knowledge_bases}개)" if view.hidden_knowledge_bases else "")
    )
    click.echo(
        f"  모델: {', '.join(view.allowed_models) or '등급에 맞는 모든 모델'}   근거 수: {view.k}"
        + ("   근거 우선" if view.sources_first else "")
    )
    if view.description:
        click.echo(f"  설명: {view.description}")
    for gap in view.gaps:
        click.echo(f"  ※ {gap['department']} 은(는) '{gap['kb']}' 을(를) 열람할 수 없습니다.")


@click.group()
def assistants() -> None:
    """맞춤형 도우미를 관리합니다."""


@assistants.command("list")
@USER_OPTION
@JSON_OPTION
@handle_errors
def list_(username: str | None, as_json: bool) -> None:
    """볼 수 있는 도우미 목록."""
    from doum.assistants.service import list_assistants

    runtime, principal, _ = _context(username)
    with runtime.database.reader() as session:
        views = list_assistants(session, principal)
    if as_json:
        echo_json([asdict(v) for v in views])
        return
    if not views:
        click.echo("볼 수 있는 도우미가 없습니다.")
    for view in views:
        _print(view)


@assistants.command("show")
@click.argument("assistant")
@USER_OPTION
@JSON_OPTION
@handle_errors
def show(assistant: str, username: str | None, as_json: bool) -> None:
    """도우미 하나 (id 또는 이름)."""
    from doum.assistants.service import assistant_view, get_assistant

    runtime, principal, _ = _context(username)
    with runtime.database.reader() as session:
        view = assistant_view(session, principal, get_assistant(session, principal, assistant))
    if as_json:
        echo_json(asdict(view))
    else:
        _print(view)


def _spec_options(func: Any) -> Any:
    options = [
        click.option("--description", default=None, help="한 줄 설명."),
        click.option("--instructions", default=None, help="모든 답변에 적용할 지침."),
        click.option(
            "--class",
            "data_class",
            type=click.Choice(["C", "S", "O"]),
            default=None,
            help="보안 등급 (기본 S).",
        ),
        click.option("--kb", "kbs", multiple=True, help="지식베이스 이름 또는 id (여러 번)."),
        click.option(
            "--model", "models", multiple=True, help="쓸 수 있는 모델 (여러 번, 순서대로)."
        ),
        click.option(
            "--share", "shares", multiple=True, help="공유할 부서 이름 또는 번호 (여러 번)."
        ),
        click.option(
            "--k", "k", type=click.IntRange(1, 10), default=None, help="한 번에 쓸 근거 수."
        ),
        click.option(
            "--sources-first/--no-sources-first",
            default=None,
            help="모델 없이 근거를 그대로 보여 주는 근거 우선 모드.",
        ),
        click.option(
            "--grant-read",
            is_flag=True,
            help="공유 부서에 지식베이스 열람 권한도 줍니다 (편집 권한이 있는 것만).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _spec(
    session: Any,
    principal: Any,
    *,
    name: str | None,
    description: str | None,
    instructions: str | None,
    data_class: str | None,
    kbs: Sequence[str],
    models: Sequence[str],
    shares: Sequence[str],
    k: int | None,
    sources_first: bool | None,
    department_id: int | None = None,
    update: bool,
) -> Any:
    from doum.assistants.service import AssistantSpec

    return AssistantSpec(
        name=name,
        description=description,
        instructions=instructions,
        department_id=department_id,
        data_class=data_class,
        kb_ids=_kb_ids(session, principal, kbs) if kbs or not update else None,
        allowed_models=list(models) if models or not update else None,
        shared_department_ids=_department_ids(session, shares) if shares or not update else None,
        k=k,
        sources_first=sources_first,
    )


@assistants.command("create")
@click.argument("name")
@click.option("--department", default=None, help="소유 부서 이름 또는 번호 (기본: 내 부서).")
@_spec_options
@USER_OPTION
@JSON_OPTION
@handle_errors
def create(
    name: str,
    department: str | None,
    grant_read: bool,
    username: str | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """도우미를 만듭니다 (부서 관리자 또는 시스템 관리자)."""
    from doum.assistants.service import assistant_view, create_assistant

    runtime, principal, auditing = _context(username)
    models = [m.name for m in runtime.gateway.catalog()]
    with runtime.database.session() as session:
        department_id = _department_ids(session, [department])[0] if department else None
        spec = _spec(
            session, principal, name=name, department_id=department_id, update=False, **fields
        )
        assistant = create_assistant(
            session, principal, auditing, spec=spec, known_models=models, grant_read=grant_read
        )
        view = assistant_view(session, principal, assistant)
    if as_json:
        echo_json(asdict(view))
    else:
        click.echo("도우미를 만들었습니다.")
        _print(view)


@assistants.command("update")
@click.argument("assistant")
@click.option("--name", default=None, help="새 이름.")
@_spec_options
@USER_OPTION
@JSON_OPTION
@handle_errors
def update(
    assistant: str,
    name: str | None,
    grant_read: bool,
    username: str | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """도우미를 고칩니다. 준 항목만 바뀝니다 (--kb, --model, --share 는 목록 전체를 바꿈)."""
    from doum.assistants.service import assistant_view, get_assistant, update_assistant

    runtime, principal, auditing = _context(username)
    models = [m.name for m in runtime.gateway.catalog()]
    with runtime.database.session() as session:
        target = get_assistant(session, principal, assistant)
        spec = _spec(session, principal, name=name, update=True, **fields)
        updated = update_assistant(
            session,
            principal,
            auditing,
            assistant_id=target.id,
            spec=spec,
            known_models=models,
            grant_read=grant_read,
        )
        view = assistant_view(session, principal, updated)
    if as_json:
        echo_json(asdict(view))
    else:
        click.echo("도우미를 고쳤습니다.")
        _print(view)


@assistants.command("share")
@click.argument("assistant")
@click.argument("departments", nargs=-1, required=True)
@click.option(
    "--grant-read",
    is_flag=True,
    help="공유 부서에 지식베이스 열람 권한도 줍니다 (편집 권한이 있는 것만).",
)
@USER_OPTION
@handle_errors
def share(
    assistant: str, departments: tuple[str, ...], grant_read: bool, username: str | None
) -> None:
    """도우미를 부서에 공유합니다 (이미 공유한 부서는 유지)."""
    from doum.assistants.service import (
        AssistantSpec,
        assistant_view,
        get_assistant,
        update_assistant,
    )

    runtime, principal, auditing = _context(username)
    with runtime.database.session() as session:
        target = get_assistant(session, principal, assistant)
        current = [d["id"] for d in assistant_view(session, principal, target).shared_departments]
        wanted = sorted({*current, *_department_ids(session, departments)})
        updated = update_assistant(
            session,
            principal,
            auditing,
            assistant_id=target.id,
            spec=AssistantSpec(shared_department_ids=wanted),
            known_models=(),
            grant_read=grant_read,
        )
        view = assistant_view(session, principal, updated)
    click.echo("공유했습니다.")
    _print(view)


@assistants.command("delete")
@click.argument("assistant")
@click.option("--yes", is_flag=True, help="확인 없이 지웁니다.")
@USER_OPTION
@handle_errors
def delete(assistant: str, yes: bool, username: str | None) -> None:
    """도우미를 지웁니다 (지식베이스와 문서는 남습니다)."""
    from doum.assistants.service import delete_assistant, get_assistant

    runtime, principal, auditing = _context(username)
    with runtime.database.session() as session:
        target = get_assistant(session, principal, assistant)
        if not yes:
            click.confirm(f"'{target.name}' 도우미를 지울까요?", abort=True)
        delete_assistant(session, principal, auditing, assistant_id=target.id)
    click.echo("도우미를 지웠습니다.")
