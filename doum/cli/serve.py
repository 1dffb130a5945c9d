from __future__ import annotations

import getpass
import sys

import click

from doum.cli.output import handle_errors


@click.command()
@click.option("--host", default=None, help="수신 주소 (기본: 설정의 server.host)")
@click.option("--port", type=int, default=None, help="포트 (기본: 설정의 server.port)")
@click.option("--workers", type=int, default=1, show_default=True, help="프로세스 수")
@click.option(
    "--no-prompt", is_flag=True, help="최초 관리자를 터미널에서 묻지 않고 설정 링크만 출력"
)
@click.option("--log-level", default="INFO", show_default=True)
@handle_errors
def serve(
    host: str | None, port: int | None, workers: int, no_prompt: bool, log_level: str
) -> None:
    """웹 서버를 시작합니다. 관리자가 없으면 터미널에서 만들거나 일회용 설정 링크를 출력합니다."""
    import uvicorn

    from doum.accounts.service import Auditing
    from doum.accounts.setup import create_first_admin
    from doum.audit.log import AuditContext
    from doum.config import get_settings
    from doum.errors import DoumError
    from doum.logs import configure_logging
    from doum.runtime import Runtime
    from doum.web.app import create_app, setup_url, startup

    configure_logging(log_level)
    settings = get_settings()
    overrides: dict[str, object] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    if overrides:
        settings = settings.model_copy(
            update={"server": settings.server.model_copy(update=overrides)}
        )
    runtime = Runtime.create(settings)
    token = startup(runtime)
    if token and not no_prompt and sys.stdin.isatty():
        click.echo(
            "관리자 계정이 아직 없습니다. 최초 관리자를 만듭니다 (기본 비밀번호는 없습니다)."
        )
        while token:
            username = click.prompt("관리자 아이디", default="admin")
            password = getpass.getpass("비밀번호 (10자 이상): ")
            if password != getpass.getpass("비밀번호 확인: "):
                click.echo("비밀번호가 일치하지 않습니다.", err=True)
                continue
            try:
                with runtime.database.session() as session:
                    create_first_admin(
                        session,
                        auditing=Auditing(runtime.audit, AuditContext(actor="setup", ip="local")),
                        username=username,
                        password=password,
                        password_min_length=settings.security.password_min_length,
                    )
                token = None
                click.echo(f"관리자 '{username}' 을(를) 만들었습니다.")
            except DoumError as error:
                click.echo(f"오류: {error.message}", err=True)
    if token:
        click.echo("관리자 계정이 아직 없습니다. 아래 일회용 링크를 열어 최초 관리자를 만드세요:")
        click.echo(f"  {setup_url(runtime, token)}")
    click.echo(f"도움 서버: http://{settings.server.host}:{settings.server.port}")
    if workers > 1:
        # Several processes: each builds its own runtime from the same settings.
        uvicorn.run(
            "doum.web.asgi:app",
            host=settings.server.host,
            port=settings.server.port,
            workers=workers,
            log_level=log_level.lower(),
            proxy_headers=True,
        )
        return
    app = create_app(runtime=runtime, started=True, setup_token=token, server_process=True)
    uvicorn.run(
        app,
        host=settings.server.host,
        port=settings.server.port,
        log_level=log_level.lower(),
        proxy_headers=True,
    )
