"""``doum assistants`` on the command line, and the job consumer in the app lifespan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from doum.accounts.service import Auditing, create_department
from doum.accounts.setup import create_first_admin
from doum.audit.log import AuditContext
from doum.audit.models import AuditRecord
from doum.chat.models import Conversation
from doum.cli import main
from doum.cli.context import cli_runtime, reset_cli_runtime
from doum.config import reset_settings_cache
from doum.knowledge.principals import principal_for
from doum.knowledge.runtime import CONSUMER_KEY, job_queue, start_jobs, stop_jobs
from doum.knowledge.service import create_knowledge_base
from doum.runtime import Runtime
from tests.conftest import make_settings
from tests.webtools import PASSWORD


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    config = tmp_path / "doum.toml"
    config.write_text(
        'data_dir = "data"\n[llm]\ninclude_demo_model = false\n'
        '[[llm.models]]\nname = "scripted"\nbackend = "scripted"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DOUM_CONFIG", str(config))
    reset_settings_cache()
    reset_cli_runtime()
    runtime = cli_runtime()
    auditing = Auditing(runtime.audit, AuditContext.system("test"))
    with runtime.database.session() as session:
        create_first_admin(session, auditing=auditing, username="admin", password=PASSWORD)
        owner = create_department(session, auditing=auditing, name="민원과")
        create_department(session, auditing=auditing, name="복지과")
        admin = principal_for(session, "admin")
        create_knowledge_base(session, admin, name="편람", department_id=owner.id)
    yield runtime
    reset_cli_runtime()


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_assistants_cli(cli: Runtime) -> None:
    out = run(
        "assistants",
        "create",
        "민원 도우미",
        "--department",
        "민원과",
        "--kb",
        "편람",
        "--model",
        "scripted",
        "--instructions",
        "공손하게 답하세요.",
        "--class",
        "O",
    )
    assert "도우미를 만들었습니다." in out and "지식베이스: 편람" in out
    shown = json.loads(run("assistants", "show", "민원 도우미", "--json"))
    assert shown["allowed_models"] == ["scripted"] and shown["data_class"] == "O"
    out = run("assistants", "share", "민원 도우미", "복지과")
    assert "공유: 복지과" in out and "복지과 은(는) '편람' 을(를) 열람할 수 없습니다" in out
    out = run("assistants", "share", "민원 도우미", "복지과", "--grant-read")
    assert "열람할 수 없습니다" not in out
    listed = json.loads(run("assistants", "list", "--json"))
    assert [a["name"] for a in listed] == ["민원 도우미"]
    failed = CliRunner().invoke(
        main, ["assistants", "create", "x", "--model", "없는모델", "--department", "민원과"]
    )
    assert failed.exit_code == 2 and "model.unknown" in failed.output
    run("assistants", "delete", "민원 도우미", "--yes")
    assert "볼 수 있는 도우미가 없습니다." in run("assistants", "list")
    with cli.database.reader() as session:
        rows = session.scalars(
            select(AuditRecord)
            .where(AuditRecord.action.like("assistant.%"))
            .order_by(AuditRecord.seq)
        ).all()
    assert [r.action for r in rows] == [
        "assistant.create",
        "assistant.update",
        "assistant.share",
        "assistant.delete",
    ]
    assert rows[0].actor.startswith("admin (cli:")


def test_consumer_runs_with_the_sqlite_queue_only(tmp_path: Path) -> None:
    embedded = Runtime.create(make_settings(tmp_path))
    embedded.database.upgrade()
    assert start_jobs(embedded) is True and embedded.extras[CONSUMER_KEY]
    assert job_queue(embedded) is job_queue(embedded)
    stop_jobs(embedded)
    assert CONSUMER_KEY not in embedded.extras

    redis = Runtime.create(make_settings(tmp_path, jobs={"backend": "redis"}))
    assert start_jobs(redis) is False  # `doum worker` processes serve the Redis queue
    stop_jobs(redis)
    embedded.database.dispose()
    redis.database.dispose()


STATUTE = """---
제목: 주차장법
법령구분: 법률
소관부처:
- 국토교통부
시행일자: 2025-01-01
상태: 시행
---

# 주차장법

## 제1장 총칙

##### 제19조 (부설주차장의 설치)

**①** 건축물을 건축하려는 자는 부설주차장을 설치하여야 한다.

##### 제20조 (노외주차장의 설치)

**①** 지방자치단체는 노외주차장을 설치할 수 있다.
"""


def test_ask_with_a_knowledge_base_from_the_terminal(cli: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / "주차장법.md").write_text(STATUTE, encoding="utf-8")
    run("kb", "create", "법령", "--class", "O", "--department", "민원과")
    run("ingest", str(folder), "--kb", "법령", "--wait", "--timeout", "120")
    result = CliRunner().invoke(
        main, ["ask", "부설주차장은 누가 설치하나요?", "--kb", "법령", "--sources-first"]
    )
    assert result.exit_code == 0, result.output
    assert "부설주차장을 설치하여야 한다" in result.output
    assert result.output.count("\n[1] 주차장법 제19조(부설주차장의 설치)\n") == 1  # listed once
    assert "[근거 우선 (모델 사용 안 함) · " in result.output
    with cli.database.reader() as session:
        conversation = session.scalars(select(Conversation)).one()
    assert f"대화 {conversation.id}]" in result.output
    with cli.database.reader() as session:
        actions = [r.action for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]
    assert "kb.create" in actions and "kb.ingest" in actions and "chat.answer" in actions
    missing = CliRunner().invoke(main, ["ask", "질문", "--kb", "없는지식베이스"])
    assert missing.exit_code == 2
