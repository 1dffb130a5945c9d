"""``doum draft`` and ``doum templates`` from the terminal, through the same services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doum.cli import main
from doum.cli.context import reset_cli_runtime
from doum.documents import read_document
from doum.testing.scripted import ScriptedChatModel
from tests.drafting.conftest import PROJECT_FACTS, clerk

PASSWORD = "correct-horse-battery"


@pytest.fixture
def runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scripted_backend: type[ScriptedChatModel]
) -> Any:
    config = tmp_path / "doum.toml"
    config.write_text(
        'data_dir = "data"\norganisation = "전북특별자치도"\n[llm]\ninclude_demo_model = false\n'
        '[[llm.models]]\nname = "scripted"\nbackend = "scripted"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DOUM_CONFIG", str(config))
    scripted_backend.script = staticmethod(clerk)  # type: ignore[assignment]
    reset_cli_runtime()
    runner = CliRunner()
    runner.invoke(main, ["departments", "add", "노인복지과"], catch_exceptions=False)
    result = runner.invoke(
        main,
        [
            "users",
            "add",
            "kim",
            "--role",
            "admin",
            "--department",
            "노인복지과",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    yield runner
    reset_cli_runtime()


def test_templates_list_show_import(runner: CliRunner, tmp_path: Path) -> None:
    listed = runner.invoke(main, ["templates", "list"])
    assert listed.exit_code == 0 and "보도자료 [기본 제공 · O]" in listed.output
    as_json = json.loads(runner.invoke(main, ["templates", "list", "--json"]).output)
    assert as_json[0]["id"] == "press-release" and "문의처" in as_json[0]["required"]
    toml = runner.invoke(main, ["templates", "show", "보도자료"]).output
    path = tmp_path / "my.toml"
    path.write_text(
        toml.replace('name = "보도자료"', 'name = "우리 과 보도자료"'), encoding="utf-8"
    )
    imported = runner.invoke(main, ["templates", "import", str(path), "--scope", "organisation"])
    assert imported.exit_code == 0, imported.output
    assert "우리 과 보도자료 [기관" in runner.invoke(main, ["templates", "list"]).output


@pytest.mark.parametrize("suffix", [".hwpx", ".docx", ".md"])
def test_draft_from_facts_to_a_file(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(PROJECT_FACTS, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / f"draft{suffix}"
    result = runner.invoke(
        main, ["draft", "--template", "보도자료", "--fields", str(facts), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "[숫자 확인]" in result.output and "[저장]" in result.output
    document = read_document(out, isolated=False)
    text = document.text()
    assert "문의: " + PROJECT_FACTS["문의처"] in text
    assert PROJECT_FACTS["발언자"] in text
    listed = runner.invoke(main, ["draft", "list", "--json"])
    assert json.loads(listed.output)[0]["template"] == "보도자료"


def test_summarise_a_file(
    runner: CliRunner, tmp_path: Path, scripted_backend: type[ScriptedChatModel]
) -> None:
    scripted_backend.script = staticmethod(lambda r: "○ 핵심 내용을 요약함")  # type: ignore[assignment]
    source = tmp_path / "계획.md"
    source.write_text(
        "# 계획\n"
        + "".join(f"## {i}장\n" + "세부 내용 문장입니다. " * 80 + "\n" for i in range(1, 4)),
        encoding="utf-8",
    )
    out = tmp_path / "요약.md"
    result = runner.invoke(main, ["draft", "summarise", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "[요약] 원문" in result.output and "모델 호출" in result.output
    summary = out.read_text(encoding="utf-8")
    assert "## 핵심 요약" in summary and "〔원문: 계획 > 3장〕" in summary


def test_missing_fields_fail_clearly(runner: CliRunner, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text('{"사업명": "시험"}', encoding="utf-8")
    result = runner.invoke(main, ["draft", "--template", "보도자료", "--fields", str(facts)])
    assert result.exit_code == 1 and "drafting.fields_missing" in result.output
    unknown = runner.invoke(main, ["draft", "--template", "없는양식"])
    assert unknown.exit_code == 2 and "템플릿을 찾을 수 없거나" in unknown.output
