"""``doum kb`` — knowledge bases: create, list, grant, documents, search, sync."""

from __future__ import annotations

from pathlib import Path

import click

from doum.cli.output import echo_json, handle_errors

USER_OPTION = click.option(
    "--user", "username", default=None, help="이 사용자 권한으로 실행합니다 (기본: 첫 관리자)."
)


def _context(username: str | None):  # type: ignore[no-untyped-def]
    from doum.cli.context import cli_runtime
    from doum.knowledge.principals import principal_for

    database = cli_runtime().database
    with database.session() as session:
        principal = principal_for(session, username)
    return database, principal


def _auditing(principal):  # type: ignore[no-untyped-def]
    """CLI changes are audited as the acting user, from ``local``."""
    from doum.accounts.service import Auditing
    from doum.audit.log import AuditContext
    from doum.cli.context import cli_runtime

    return Auditing(cli_runtime().audit, AuditContext.of(principal, "local"))


@click.group()
def kb() -> None:
    """지식베이스를 관리하고 검색합니다."""


@kb.command("create")
@click.argument("name")
@click.option("--department", default=None, help="소유 부서 이름 또는 번호 (기본: 내 부서).")
@click.option(
    "--class",
    "data_class",
    type=click.Choice(["C", "S", "O"]),
    default="S",
    show_default=True,
    help="보안 등급: C(기밀), S(민감), O(공개).",
)
@click.option("--description", default="")
@USER_OPTION
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def create(
    name: str,
    department: str | None,
    data_class: str,
    description: str,
    username: str | None,
    as_json: bool,
) -> None:
    """지식베이스를 만듭니다."""
    from sqlalchemy import or_, select

    from doum.accounts.models import Department
    from doum.knowledge.actions import create_knowledge_base
    from doum.knowledge.errors import KnowledgeInvalid

    database, principal = _context(username)
    with database.session() as session:
        department_id = None
        if department:
            found = session.scalar(
                select(Department.id).where(
                    or_(
                        Department.name == department,
                        Department.id == (int(department) if department.isdigit() else -1),
                    )
                )
            )
            if found is None:
                raise KnowledgeInvalid("account.department_unknown", department=department)
            department_id = found
        base = create_knowledge_base(
            session,
            principal,
            _auditing(principal),
            name=name,
            description=description,
            data_class=data_class,
            department_id=department_id,
        )
        result = {
            "id": base.id,
            "name": base.name,
            "data_class": base.data_class,
            "department_id": base.department_id,
        }
    if as_json:
        echo_json(result)
    else:
        click.echo(f"지식베이스를 만들었습니다: {name} (등급 {data_class})")


@kb.command("list")
@USER_OPTION
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_(username: str | None, as_json: bool) -> None:
    """열람할 수 있는 지식베이스를 보여 줍니다."""
    from doum.knowledge.service import list_knowledge_bases

    database, principal = _context(username)
    with database.session() as session:
        rows = list_knowledge_bases(session, principal)
    if as_json:
        echo_json([_asdict(r) for r in rows])
        return
    if not rows:
        click.echo("열람할 수 있는 지식베이스가 없습니다.")
    for r in rows:
        mark = "편집" if r.can_write else "열람"
        click.echo(
            f"{r.name}\t등급 {r.data_class}\t문서 {r.document_count}\t조각 {r.chunk_count}\t{mark}"
        )


def _asdict(row: object) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(row)  # type: ignore[call-overload]


@kb.command("grant")
@click.argument("name")
@click.option("--department", "department", default=None, help="부서 이름")
@click.option("--group", "group", default=None, help="그룹 이름")
@click.option("--to-user", "to_user", default=None, help="사용자 아이디")
@click.option("--write", is_flag=True, help="편집 권한 (기본: 열람)")
@USER_OPTION
@handle_errors
def grant(
    name: str,
    department: str | None,
    group: str | None,
    to_user: str | None,
    write: bool,
    username: str | None,
) -> None:
    """지식베이스 열람·편집 권한을 부서, 그룹 또는 사용자에게 줍니다."""
    from sqlalchemy import select

    from doum.accounts.models import Department, Group, User
    from doum.knowledge.actions import grant
    from doum.knowledge.errors import KnowledgeInvalid

    database, principal = _context(username)
    with database.session() as session:
        ids: dict[str, int | None] = {"department_id": None, "group_id": None, "user_id": None}
        for key, model, column, value in (
            ("department_id", Department, Department.name, department),
            ("group_id", Group, Group.name, group),
            ("user_id", User, User.username, to_user),
        ):
            if value is None:
                continue
            found = session.scalar(select(model.id).where(column == value))  # type: ignore[attr-defined]
            if found is None:
                raise KnowledgeInvalid("kb.grantee_unknown", grantee=value)
            ids[key] = found
        grant(
            session,
            principal,
            _auditing(principal),
            kb_ref=name,
            permission="write" if write else "read",
            **ids,
        )
    click.echo(
        f"권한을 주었습니다: {name} → {department or group or to_user}"
        f" ({'편집' if write else '열람'})"
    )


@kb.command("docs")
@click.argument("name")
@USER_OPTION
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def docs(name: str, username: str | None, as_json: bool) -> None:
    """지식베이스의 문서와 색인 상태를 보여 줍니다."""
    from doum.jobs.tasks import document_progress
    from doum.knowledge.service import get_knowledge_base

    database, principal = _context(username)
    with database.session() as session:
        base = get_knowledge_base(session, principal, name)
        rows = document_progress(session, principal, kb_id=base.id)
    if as_json:
        echo_json([_asdict(r) for r in rows])
        return
    for r in rows:
        line = f"{r.status_label}\t{r.progress:.0%}\t{r.title or r.filename}\t조각 {r.chunk_count}"
        click.echo(line + (f"\t{r.error_message}" if r.error_message else ""))


@kb.command("search")
@click.argument("query")
@click.option("--kb", "kb_names", multiple=True, help="검색할 지식베이스 (여러 번 가능)")
@click.option(
    "--mode", type=click.Choice(["hybrid", "lexical", "dense"]), default="hybrid", show_default=True
)
@click.option("-k", "k", default=5, show_default=True)
@click.option("--law", "laws", multiple=True, help="법령명으로 제한")
@click.option("--in-force", is_flag=True, help="오늘 시행 중인 조문만")
@USER_OPTION
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def search_(
    query: str,
    kb_names: tuple[str, ...],
    mode: str,
    k: int,
    laws: tuple[str, ...],
    in_force: bool,
    username: str | None,
    as_json: bool,
) -> None:
    """근거 먼저(sources-first) 형식으로 검색 결과를 보여 줍니다."""
    import datetime as dt
    from dataclasses import asdict

    from doum.knowledge.service import get_knowledge_base
    from doum.retrieval.answer import sources_first
    from doum.retrieval.search import run_search
    from doum.retrieval.stores.protocol import SearchFilters

    database, principal = _context(username)
    kb_ids = None
    if kb_names:
        with database.session() as session:
            kb_ids = [get_knowledge_base(session, principal, n).id for n in kb_names]
    filters = SearchFilters(laws=laws, effective_to=dt.date.today().isoformat() if in_force else "")
    result = run_search(
        principal,
        query,
        kb_ids=kb_ids,
        filters=filters,
        mode=mode,  # type: ignore[arg-type]
        k=k,
        database=database,
    )
    if as_json:
        echo_json(
            {
                "query": query,
                "mode": result.mode,
                "data_class": result.data_class,
                "timings_ms": result.timings_ms,
                "hits": [
                    {
                        "rank": h.rank,
                        "score": h.score,
                        "text": h.text,
                        "citation": asdict(h.citation),
                    }
                    for h in result.hits
                ],
            }
        )
        return
    click.echo(sources_first(result.hits, limit=k).text)


@kb.command("sync")
@click.argument("name")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--wait/--no-wait", default=False, help="색인이 끝날 때까지 진행률을 보여 줍니다.")
@USER_OPTION
@handle_errors
def sync(name: str, folder: Path | None, wait: bool, username: str | None) -> None:
    """폴더와 지식베이스를 맞춥니다: 바뀐 파일은 다시 색인, 지운 파일은 제거."""
    from doum.cli.ingest import enqueue_and_report
    from doum.knowledge.errors import KnowledgeInvalid
    from doum.knowledge.service import get_writable_knowledge_base
    from doum.retrieval.backend import get_backend
    from doum.retrieval.sources import sync_folder

    database, principal = _context(username)
    with database.session() as session:
        base = get_writable_knowledge_base(session, principal, name)
        folder = folder or (Path(base.source_path) if base.source_path else None)
        if folder is None:
            raise KnowledgeInvalid("kb.path_missing", path="(폴더를 지정하세요)")
        plan = sync_folder(
            session, principal, kb_ref=base.id, folder=folder, store=get_backend().store
        )
    click.echo(
        f"새로 넣거나 바뀐 문서 {len(plan.queued)}건, 그대로 {len(plan.unchanged)}건,"
        f" 삭제 {len(plan.removed)}건"
    )
    enqueue_and_report(database, principal, plan.queued, wait=wait)
