"""The command line: help output, user administration, ask, audit verify."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from doum.cli import COMMANDS, main
from doum.cli.context import cli_runtime, reset_cli_runtime

PASSWORD = "correct-horse-battery"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    config = tmp_path / "doum.toml"
    config.write_text(
        'data_dir = "data"\n[llm]\ninclude_demo_model = false\n'
        '[[llm.models]]\nname = "scripted"\nbackend = "scripted"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DOUM_CONFIG", str(config))
    reset_cli_runtime()
    yield CliRunner()
    reset_cli_runtime()


def run(runner: CliRunner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(main, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_help_lists_every_available_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "doum", "--help"], capture_output=True, text=True, check=True
    )
    assert "도움(doum)" in result.stdout
    for name in ("serve", "users", "ask", "audit"):
        assert name in result.stdout
    for name in COMMANDS:
        sub = subprocess.run(
            [sys.executable, "-m", "doum", name, "--help"], capture_output=True, text=True
        )
        assert sub.returncode == 0 or "No such command" in sub.stderr, (name, sub.stderr)


def test_users_departments_tokens(runner: CliRunner) -> None:
    run(runner, "departments", "add", "행정정보과", "--code", "6410000")
    out = run(
        runner,
        "users",
        "add",
        "kim",
        "--name",
        "김주사",
        "--department",
        "행정정보과",
        "--role",
        "admin",
        "--role",
        "감사 담당자",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert "kim" in out
    listed = run(runner, "users", "list", "--json")
    assert '"roles": ["admin", "auditor"]' in listed
    token = run(runner, "tokens", "create", "--user", "kim", "--name", "연동").strip()
    assert token.startswith("doum_")
    assert "연동" in run(runner, "tokens", "list")
    run(runner, "users", "set", "kim", "--role", "staff", "--role", "admin")
    bad = runner.invoke(
        main, ["users", "add", "Bad Name", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert bad.exit_code == 2 and "account.username_invalid" in bad.output
    weak = runner.invoke(main, ["users", "add", "lee", "--password-stdin"], input="short\n")
    assert weak.exit_code == 2 and "10자 이상" in weak.output


def test_ask_streams_and_is_audited(runner: CliRunner) -> None:
    run(
        runner, "users", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    result = runner.invoke(main, ["ask", "민원 처리 기한은?"])
    assert result.exit_code == 0, result.output
    assert "scripted: 민원 처리 기한은?" in result.output
    verify = run(runner, "audit", "verify")
    assert "정상" in verify
    out = Path("audit.csv")
    run(runner, "audit", "export", "--out", str(out), "--action", "chat.")
    text = out.read_text(encoding="utf-8")
    assert "chat.prompt" in text and "chat.answer" in text and "via" in text


def test_ask_unknown_model(runner: CliRunner) -> None:
    run(
        runner, "users", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    result = runner.invoke(main, ["ask", "질문", "--model", "nope"])
    assert result.exit_code == 1
    assert "알 수 없는 모델" in result.output


def test_audit_verify_fails_on_tampering(runner: CliRunner) -> None:
    from sqlalchemy import text

    run(
        runner, "users", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    runtime = cli_runtime()
    with runtime.database.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_records_no_update"))
        connection.execute(text("UPDATE audit_records SET actor = 'someone' WHERE seq = 1"))
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "#1: 내용이 변경됨" in result.output


def test_audit_monthly_report(runner: CliRunner) -> None:
    run(
        runner, "users", "add", "boss", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    out = run(runner, "audit", "report")
    assert "접속기록 점검" in out and "로그인 실패" in out
    assert '"total"' in run(runner, "audit", "report", "--json")
    bad = runner.invoke(main, ["audit", "report", "--month", "11-2026"])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output
