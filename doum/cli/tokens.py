from __future__ import annotations

import click

from doum.cli.output import handle_errors


@click.group()
def tokens() -> None:
    """API 토큰을 관리합니다."""


@tokens.command("create")
@click.option("--user", "username", required=True, help="토큰 주인")
@click.option("--name", required=True, help="토큰 이름 (연동 시스템)")
@click.option("--expires-days", type=int, default=None)
@handle_errors
def create(username: str, name: str, expires_days: int | None) -> None:
    """토큰을 만들어 한 번만 출력합니다."""
    from doum.accounts.api_tokens import issue_token
    from doum.accounts.service import get_user
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    with runtime.database.session() as session:
        issued = issue_token(
            session,
            auditing=cli_auditing(runtime),
            user=get_user(session, username),
            name=name,
            expires_days=expires_days,
        )
        click.echo(issued.plaintext)


@tokens.command("list")
@click.option("--user", "username", default=None)
@handle_errors
def list_(username: str | None) -> None:
    """토큰 목록 (값은 보이지 않습니다)."""
    from doum.accounts.api_tokens import list_tokens
    from doum.accounts.service import get_user
    from doum.cli.context import cli_runtime

    runtime = cli_runtime()
    with runtime.database.reader() as session:
        user_id = get_user(session, username).id if username else None
        for t in list_tokens(session, user_id=user_id):
            state = "폐기" if t.revoked_at else "사용"
            click.echo(f"{t.id:>4}  {t.name:<24} {t.prefix}…  {state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@handle_errors
def revoke(token_id: int) -> None:
    """토큰을 폐기합니다."""
    from doum.accounts.api_tokens import revoke_token
    from doum.cli.context import cli_auditing, cli_runtime

    runtime = cli_runtime()
    with runtime.database.session() as session:
        revoke_token(session, auditing=cli_auditing(runtime), token_id=token_id, owner_id=None)
    click.echo("폐기했습니다.")
