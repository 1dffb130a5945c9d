"""``doum`` command line. Each command group lives in its own module and is loaded
only when used, so ``doum --help`` stays fast and nothing heavy is imported."""

from __future__ import annotations

import importlib

import click

from doum import __version__

# name -> (module, attribute, one-line help shown by ``doum --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": ("doum.cli.serve", "serve", "웹 서버를 시작합니다 (최초 실행 시 관리자 생성)."),
    "db": ("doum.cli.db", "db", "데이터베이스 스키마를 관리합니다."),
    "users": ("doum.cli.users", "users", "사용자를 관리합니다."),
    "departments": ("doum.cli.departments", "departments", "부서를 관리합니다."),
    "tokens": ("doum.cli.tokens", "tokens", "API 토큰을 관리합니다."),
    "models": ("doum.cli.models", "models", "연결된 모델을 확인합니다."),
    "ask": ("doum.cli.ask", "ask", "터미널에서 질문합니다."),
    "audit": ("doum.cli.audit", "audit", "감사 로그를 검증하고 내보냅니다."),
    "parse": ("doum.cli.parse", "parse", "문서를 읽어 구조와 메타데이터를 출력합니다."),
    "pii": ("doum.cli.pii", "pii", "개인정보를 탐지하고 가립니다."),
    "ingest": ("doum.cli.ingest", "ingest", "지식베이스에 문서를 넣습니다."),
    "kb": ("doum.cli.kb", "kb", "지식베이스를 관리하고 검색합니다."),
    "assistants": ("doum.cli.assistants", "assistants", "맞춤형 도우미를 관리합니다."),
    "eval": ("doum.cli.evaluate", "evaluate", "검색·답변 품질을 평가합니다."),
    "draft": ("doum.cli.draft", "draft", "템플릿으로 문서 초안을 만듭니다."),
    "templates": ("doum.cli.templates", "templates", "초안 템플릿을 확인합니다."),
    "worker": ("doum.cli.worker", "worker", "백그라운드 작업 처리기를 시작합니다."),
    "bench": ("doum.cli.bench", "bench", "성능 벤치마크를 실행합니다."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _, _) in COMMANDS.items() if _exists(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _exists(entry[0]):
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, entry[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("명령"):
                formatter.write_dl(rows)


def _exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="doum")
def main() -> None:
    """도움(doum) — 지방정부를 위한 자체 구축형 생성형 AI 업무 플랫폼."""
