from __future__ import annotations

import asyncio

import click

from doum.cli.output import echo_json, handle_errors


@click.group()
def models() -> None:
    """연결된 모델을 확인합니다."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def list_(as_json: bool) -> None:
    """설정된 모델과 허용 보안 등급을 보여 줍니다."""
    from doum.config import get_settings
    from doum.llm.gateway import ModelGateway

    gateway = ModelGateway(get_settings())
    rows = [
        {
            "name": m.name,
            "label": m.display_name,
            "backend": m.backend,
            "location": m.location,
            "allowed_classes": m.allowed_classes,
            "demo": m.demo,
            "endpoints": [e.base_url for e in m.endpoints],
        }
        for m in gateway.catalog()
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        where = "내부망" if row["location"] == "internal" else "외부"
        demo = " (시험용)" if row["demo"] else ""
        click.echo(
            f"{row['name']:<24} {row['backend']:<14} {where:<4} {','.join(row['allowed_classes'])}{demo}"
        )


@models.command("check")
@handle_errors
def check() -> None:
    """각 모델 서버에 연결되는지 확인합니다."""
    from doum.config import get_settings
    from doum.llm.gateway import ModelGateway

    async def run() -> int:
        gateway = ModelGateway(get_settings())
        failed = 0
        try:
            for config in gateway.catalog():
                ok = await gateway.instance(config).check_health()
                failed += not ok
                click.echo(f"{config.name:<24} {'정상' if ok else '연결 실패'}")
        finally:
            await gateway.aclose()
        return failed

    if asyncio.run(run()):
        raise SystemExit(1)
