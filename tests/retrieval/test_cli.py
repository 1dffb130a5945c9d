"""The command line, end to end: kb create → ingest --wait → search → eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from doum.cli import main
from doum.db import Database
from doum.jobs import reset_queue_cache
from doum.retrieval.backend import reset_backend_cache
from tests.retrieval.conftest import People
from tests.retrieval.test_jobs import STATUTE


@pytest.fixture
def cli_env(database: Database, people: People, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DOUM_RETRIEVAL__EMBEDDING", "tests.retrieval.fakes:HashingEmbedding")
    reset_backend_cache()
    reset_queue_cache()
    dept = people.department("행정정보과")
    admin = people.user(dept, "admin")
    staff = people.user(people.department("복지과"))
    yield admin, staff
    reset_backend_cache()
    reset_queue_cache()


def test_create_ingest_search_eval(cli_env, tmp_path: Path) -> None:
    _admin, staff = cli_env
    runner = CliRunner()
    folder = tmp_path / "laws" / "sub"
    folder.mkdir(parents=True)
    (folder / "주민등록법.md").write_text(STATUTE, encoding="utf-8")
    (folder / "notes.bin").write_bytes(b"\x00ignored")

    result = runner.invoke(main, ["kb", "create", "법령", "--class", "O"])
    assert result.exit_code == 0, result.output
    assert "지식베이스를 만들었습니다" in result.output

    result = runner.invoke(main, ["ingest", str(tmp_path / "laws"), "--kb", "법령", "--wait"])
    assert result.exit_code == 0, result.output
    assert "대기열에 넣은 문서 1건" in result.output and "완료 1건, 오류 0건" in result.output

    again = runner.invoke(main, ["ingest", str(tmp_path / "laws"), "--kb", "법령"])
    assert "건너뛴 문서 1건" in again.output

    result = runner.invoke(main, ["kb", "search", "등본은 어디서 떼나요", "-k", "1"])
    assert result.exit_code == 0, result.output
    assert "[1] 주민등록법 제29조(열람 또는 등ㆍ초본의 교부) (시행 2024-01-01)" in result.output

    # another department's user sees nothing until granted
    denied = runner.invoke(main, ["kb", "search", "등본", "--kb", "법령", "--user", staff.username])
    assert denied.exit_code == 2 and "열람 권한이 없습니다" in denied.output
    granted = runner.invoke(main, ["kb", "grant", "법령", "--department", "복지과"])
    assert granted.exit_code == 0, granted.output
    ok = runner.invoke(main, ["kb", "search", "등본", "--user", staff.username, "--json"])
    assert json.loads(ok.output)["hits"][0]["citation"]["article"] == "제29조"

    listing = runner.invoke(main, ["kb", "list", "--json"])
    assert json.loads(listing.output)[0]["chunk_count"] == 2
    docs = runner.invoke(main, ["kb", "docs", "법령"])
    assert "완료" in docs.output

    qa = tmp_path / "qa.jsonl"
    qa.write_text(
        json.dumps(
            {
                "id": "q1",
                "question": "등본 발급은 어디서",
                "gold": [{"title": "주민등록법", "article": "제29조"}],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "eval.json"
    result = runner.invoke(main, ["eval", "retrieval", "--kb", "법령", str(qa), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "bm25-whitespace" in result.output and "hybrid" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    modes = {r["mode"]: r["metrics"] for r in report["reports"]}
    assert set(modes) == {"bm25-whitespace", "lexical", "dense", "hybrid"}
    assert modes["hybrid"]["recall@1"] == 1.0


def test_sync_removes_deleted_files(cli_env, tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / "a.md").write_text(STATUTE, encoding="utf-8")
    (folder / "b.md").write_text(STATUTE.replace("주민등록법", "다른법"), encoding="utf-8")
    assert runner.invoke(main, ["kb", "create", "법령"]).exit_code == 0
    result = runner.invoke(main, ["kb", "sync", "법령", str(folder), "--wait"])
    assert "새로 넣거나 바뀐 문서 2건" in result.output and "완료 2건" in result.output
    (folder / "b.md").unlink()
    result = runner.invoke(main, ["kb", "sync", "법령", "--wait"])  # remembers the folder
    assert result.exit_code == 0, result.output
    assert "삭제 1건" in result.output and "그대로 1건" in result.output
    found = runner.invoke(main, ["kb", "search", "등본", "--json"])
    assert {h["citation"]["law"] for h in json.loads(found.output)["hits"]} == {"주민등록법"}


def test_bad_qa_file_is_a_clear_error(cli_env, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["kb", "create", "법령"]).exit_code == 0
    qa = tmp_path / "qa.jsonl"
    qa.write_text('{"id": 1, "question": "x"}\n', encoding="utf-8")
    result = runner.invoke(main, ["eval", "retrieval", "--kb", "법령", str(qa)])
    assert result.exit_code == 2 and "1번째 줄이 올바르지 않습니다" in result.output


def test_unknown_user_and_help() -> None:
    runner = CliRunner()
    assert "작업 큐" in runner.invoke(main, ["worker", "--help"]).output
    result = runner.invoke(main, ["kb", "list", "--user", "nobody"])
    assert result.exit_code != 0 and "존재하지 않는 사용자" in result.output
