from __future__ import annotations

import asyncio
import sys

import click

from doum.cli.output import handle_errors

# What answered when no model did (as the web chat labels it).
_NO_MODEL = {
    "sources_first": "근거 우선 (모델 사용 안 함)",
    "none": "근거 없음 (모델 사용 안 함)",
}


@click.command()
@click.argument("question", required=False)
@click.option("--model", default=None, help="모델 이름 (기본: 기본 모델)")
@click.option("--user", "username", default=None, help="질문하는 사용자 (기본: 첫 관리자)")
@click.option(
    "--class",
    "data_class",
    type=click.Choice(["C", "S", "O"]),
    default=None,
    help="보안 등급 (기본: 설정의 기본 등급)",
)
@click.option("--conversation", "conversation_id", default=None, help="이어서 물을 대화 ID")
@click.option(
    "--kb", "kb_refs", multiple=True, help="근거로 검색할 지식베이스 (이름 또는 ID, 여러 번 가능)"
)
@click.option("--assistant", "assistant_ref", default=None, help="맞춤형 도우미 (이름 또는 ID)")
@click.option(
    "--sources-first", is_flag=True, help="모델 답변 대신 가장 관련 있는 근거를 보여 줍니다"
)
@handle_errors
def ask(
    question: str | None,
    model: str | None,
    username: str | None,
    data_class: str | None,
    conversation_id: str | None,
    kb_refs: tuple[str, ...],
    assistant_ref: str | None,
    sources_first: bool,
) -> None:
    """터미널에서 질문하고 답을 실시간으로 받습니다. 질문이 없으면 표준 입력을 읽습니다.

    웹 화면과 같은 게이트웨이·감사 로그를 거치며, 대화는 해당 사용자의 대화 목록에 남습니다.
    """
    from doum.chat.turn import ChatTurn, TurnDelta, TurnFailed, TurnFinished, TurnStarted
    from doum.cli.context import acting_principal, cli_runtime
    from doum.errors import DoumError

    text = question if question is not None else sys.stdin.read()
    runtime = cli_runtime()
    principal = acting_principal(runtime, username)
    kb_ids: list[str] = []
    assistant_id = None
    if kb_refs or assistant_ref:
        from doum.assistants.access import get_assistant
        from doum.knowledge.service import get_knowledge_base

        with runtime.database.reader() as session:
            kb_ids = [get_knowledge_base(session, principal, ref).id for ref in kb_refs]
            if assistant_ref:
                assistant_id = get_assistant(session, principal, assistant_ref).id

    async def run() -> int:
        turn = ChatTurn(
            runtime,
            principal=principal,
            text=text,
            conversation_id=conversation_id,
            model=model,
            data_class=data_class,
            ip="local",
            via="cli",
            kb_ids=kb_ids,
            assistant_id=assistant_id,
            sources_first=sources_first,
        )
        sources: list[dict[str, object]] = []
        conversation = conversation_id or ""
        mode = ""
        code = 0
        try:
            async for event in turn.events():
                if isinstance(event, TurnStarted):
                    for notice in event.notices:
                        click.echo(f"[안내] {notice}", err=True)
                    sources = event.sources
                    conversation = event.conversation_id
                    mode = event.grounding.get("mode", "")
                elif isinstance(event, TurnDelta):
                    click.echo(event.text, nl=False)
                elif isinstance(event, TurnFinished):
                    click.echo()
                    for source in sources:
                        click.echo(f"[{source['marker']}] {source['label']}", err=True)
                    click.echo(
                        f"[{event.model or _NO_MODEL.get(mode, '모델 사용 안 함')} · "
                        f"{event.completion_tokens} 토큰 · "
                        f"{event.latency_ms / 1000:.1f}초 · 대화 {conversation}]",
                        err=True,
                    )
                elif isinstance(event, TurnFailed):
                    click.echo()
                    click.echo(f"오류 [{event.code}] {event.message}", err=True)
                    code = 1
        finally:
            await runtime.gateway.aclose()
        return code

    try:
        code = asyncio.run(run())
    except DoumError:
        raise
    if code:
        raise SystemExit(code)
