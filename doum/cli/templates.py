"""``doum templates``: the drafting template library from the terminal."""

from __future__ import annotations

from pathlib import Path

import click

from doum.cli.output import echo_json, handle_errors


def _context(username: str | None):  # type: ignore[no-untyped-def]
    from doum.cli.draft import _context as context

    return context(username)


@click.group()
def templates() -> None:
    """초안 템플릿(기본 제공·기관·부서·개인)을 확인하고 관리합니다."""


@templates.command("list")
@click.option(
    "--user", "username", default=None, help="이 사용자에게 보이는 템플릿 (기본: 첫 관리자)"
)
@click.option("--json", "as_json", is_flag=True, help="JSON 으로 출력")
@handle_errors
def list_templates(username: str | None, as_json: bool) -> None:
    """쓸 수 있는 템플릿 목록을 보여 줍니다."""
    from doum.drafting.templates import SCOPE_LABELS
    from doum.drafting.templates import list_templates as query

    runtime, principal, _ = _context(username)
    with runtime.database.reader() as session:
        specs = query(session, principal)
    if as_json:
        echo_json(
            [
                {
                    "id": s.id,
                    "name": s.name,
                    "doc_type": s.doc_type,
                    "scope": s.scope,
                    "data_class": s.data_class,
                    "fields": [f.key for f in s.fields],
                    "required": [f.key for f in s.fields if f.required],
                    "description": s.description,
                }
                for s in specs
            ]
        )
        return
    for spec in specs:
        required = ", ".join(f.key for f in spec.fields if f.required)
        click.echo(
            f"{spec.id:<34} {spec.name} [{SCOPE_LABELS[spec.scope]} · {spec.data_class}]"
            f"  필수: {required or '-'}"
        )


@templates.command("show")
@click.argument("name")
@click.option("--user", "username", default=None)
@handle_errors
def show(name: str, username: str | None) -> None:
    """템플릿 정의를 TOML 로 출력합니다 (고쳐서 import 할 수 있습니다)."""
    from doum.drafting.templates import definition_to_toml, resolve_template

    runtime, principal, _ = _context(username)
    with runtime.database.reader() as session:
        spec = resolve_template(session, principal, name)
    click.echo(definition_to_toml(spec), nl=False)


@templates.command("import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--scope",
    type=click.Choice(["personal", "department", "organisation"]),
    default="personal",
    help="범위: 개인, 부서(부서 관리자), 기관(시스템 관리자)",
)
@click.option("--user", "username", default=None)
@handle_errors
def import_template(path: Path, scope: str, username: str | None) -> None:
    """TOML 파일로 템플릿을 만듭니다 (형식: doum templates show 보도자료)."""
    from doum.drafting.templates import create_template, definition_from_toml

    runtime, principal, auditing = _context(username)
    definition = definition_from_toml(path.read_text(encoding="utf-8"))
    with runtime.database.session() as session:
        spec = create_template(session, principal, auditing, definition=definition, scope=scope)
    click.echo(f"{spec.id}  {spec.name} [{scope}] 템플릿을 만들었습니다.")


@templates.command("copy")
@click.argument("name")
@click.option("--as", "new_name", default=None, help="새 이름")
@click.option("--user", "username", default=None)
@handle_errors
def copy(name: str, new_name: str | None, username: str | None) -> None:
    """템플릿을 내 템플릿으로 복사합니다."""
    from doum.drafting.templates import copy_template, resolve_template

    runtime, principal, auditing = _context(username)
    with runtime.database.session() as session:
        source = resolve_template(session, principal, name)
        spec = copy_template(session, principal, auditing, template_id=source.id, name=new_name)
    click.echo(f"{spec.id}  {spec.name} 을(를) 만들었습니다.")
