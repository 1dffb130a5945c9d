from __future__ import annotations

import click

from doum.cli.output import echo_json, handle_errors


@click.group()
def departments() -> None:
    """부서를 관리합니다."""


@departments.command("add")
@click.argument("name")
@click.option("--code", default="", help="부서 코드")
@click.option("--parent", default=None, help="상위 부서명")
@handle_errors
def add(name: str, code: str, parent: str | None) -> None:
    """부서를 추가합니다."""
    from doum.accounts.service import create_department
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    with runtime.database.session() as session:
        create_department(
            session, auditing=cli_auditing(runtime), name=name, code=code, parent=parent
        )
    click.echo(f"부서 '{name}' 을(를) 추가했습니다.")


@departments.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_(as_json: bool) -> None:
    """부서 목록을 보여 줍니다."""
    from doum.accounts.service import list_departments
    from doum.cli.context import cli_runtime

    runtime = cli_runtime()
    with runtime.database.reader() as session:
        rows = [
            {"id": d.id, "name": d.name, "code": d.code, "members": n}
            for d, n in list_departments(session)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['name']:<20} {row['code']:<10} {row['members']}명")


@departments.command("delete")
@click.argument("name")
@handle_errors
def delete(name: str) -> None:
    """소속 사용자가 없는 부서를 삭제합니다."""
    from doum.accounts.service import delete_department, get_department
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    with runtime.database.session() as session:
        department = get_department(session, name)
        delete_department(session, auditing=cli_auditing(runtime), department_id=department.id)
    click.echo(f"부서 '{name}' 을(를) 삭제했습니다.")
