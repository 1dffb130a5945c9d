from __future__ import annotations

import getpass
import sys

import click

from doum.cli.output import echo_json, handle_errors


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("비밀번호: ")
    if first != getpass.getpass("비밀번호 확인: "):
        raise click.UsageError("비밀번호가 일치하지 않습니다.")
    return first


@click.group()
def users() -> None:
    """사용자를 관리합니다 (모든 변경은 감사 로그에 남습니다)."""


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", default="", help="이름")
@click.option("--department", default="", help="부서명")
@click.option(
    "--role",
    "roles",
    multiple=True,
    help="역할: staff, department_manager, admin, auditor, citizen_reviewer (여러 번 가능)",
)
@click.option("--position", default="", help="직위 (주무관, 팀장 …)")
@click.option("--email", default="")
@click.option("--password-stdin", is_flag=True, help="비밀번호를 표준 입력 첫 줄에서 읽습니다")
@handle_errors
def add(
    username: str,
    display_name: str,
    department: str,
    roles: tuple[str, ...],
    position: str,
    email: str,
    password_stdin: bool,
) -> None:
    """사용자를 추가합니다."""
    from doum.accounts.roles import Role, parse_role
    from doum.accounts.service import create_user
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    parsed = {parse_role(r) for r in roles} or {Role.STAFF}
    password = _read_password(password_stdin)
    with runtime.database.session() as session:
        user = create_user(
            session,
            auditing=cli_auditing(runtime),
            username=username,
            password=password,
            display_name=display_name,
            department=department or None,
            roles=parsed,
            position=position,
            email=email,
            password_min_length=runtime.settings.security.password_min_length,
        )
        click.echo(
            f"사용자 '{user.username}' 을(를) 추가했습니다 (역할: {', '.join(sorted(r.label for r in parsed))})."
        )


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_(as_json: bool) -> None:
    """사용자 목록을 보여 줍니다."""
    from doum.accounts.service import list_users
    from doum.cli.context import cli_runtime

    runtime = cli_runtime()
    with runtime.database.reader() as session:
        rows = [
            {
                "username": u.username,
                "name": u.display_name,
                "department": u.department.name if u.department else "",
                "roles": sorted(u.roles),
                "active": u.is_active,
            }
            for u in list_users(session)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "" if row["active"] else " (중지)"
        click.echo(
            f"{row['username']:<20} {row['name']:<10} {row['department']:<16} {','.join(row['roles'])}{state}"
        )


@users.command("set")
@click.argument("username")
@click.option("--name", "display_name", default=None)
@click.option("--department", default=None, help="부서명 (빈 값이면 소속 없음)")
@click.option("--role", "roles", multiple=True, help="역할을 이 목록으로 바꿉니다")
@click.option("--active/--disabled", default=None, help="계정 사용/중지")
@handle_errors
def set_(
    username: str,
    display_name: str | None,
    department: str | None,
    roles: tuple[str, ...],
    active: bool | None,
) -> None:
    """사용자의 이름·부서·역할·사용 여부를 바꿉니다."""
    from doum.accounts.auth import end_sessions_of
    from doum.accounts.roles import parse_role
    from doum.accounts.service import get_user, update_user
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    with runtime.database.session() as session:
        user = get_user(session, username)
        update_user(
            session,
            auditing=cli_auditing(runtime),
            user=user,
            display_name=display_name,
            department=department,
            roles={parse_role(r) for r in roles} if roles else None,
            is_active=active,
        )
        if active is False:
            end_sessions_of(session, user_id=user.id)
    click.echo(f"사용자 '{username}' 을(를) 변경했습니다.")


@users.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True)
@handle_errors
def passwd(username: str, password_stdin: bool) -> None:
    """비밀번호를 바꾸고 잠금을 풉니다."""
    from doum.accounts.service import get_user, set_password
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    password = _read_password(password_stdin)
    with runtime.database.session() as session:
        set_password(
            session,
            auditing=cli_auditing(runtime),
            user=get_user(session, username),
            password=password,
            min_length=runtime.settings.security.password_min_length,
        )
    click.echo(f"'{username}' 의 비밀번호를 바꿨습니다.")
