from __future__ import annotations

import click

from doum.cli.output import handle_errors


@click.group()
def db() -> None:
    """데이터베이스 스키마를 관리합니다."""


@db.command()
@handle_errors
def upgrade() -> None:
    """스키마를 최신으로 올립니다."""
    from doum.config import get_settings
    from doum.db import Database

    database = Database.from_settings(get_settings())
    database.upgrade()
    click.echo("스키마가 최신입니다.")


@db.command()
@handle_errors
def current() -> None:
    """현재 스키마 버전을 보여 줍니다."""
    from doum.config import get_settings
    from doum.db import Database
    from doum.db.migrate import current_heads, script_heads

    database = Database.from_settings(get_settings())
    click.echo(f"현재: {', '.join(sorted(current_heads(database))) or '(없음)'}")
    click.echo(f"최신: {', '.join(sorted(script_heads(database)))}")
