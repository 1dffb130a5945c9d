"""Format detection by content, and the ``doum parse`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from doum.cli import main
from doum.documents import detect_format
from tests.documents import samples


@pytest.mark.parametrize(
    ("build", "fmt"),
    [
        (lambda: samples.build_hwp(["a"]), "hwp"),
        (samples.hwpx_sample, "hwpx"),
        (samples.docx_sample, "docx"),
        (samples.xlsx_sample, "xlsx"),
        (samples.odt_sample, "odt"),
        (lambda: samples.pdf_sample(1), "pdf"),
        (lambda: samples.HTML_SAMPLE, "html"),
        (lambda: samples.MARKDOWN_STATUTE, "md"),
        (lambda: samples.TEXT_SAMPLE, "txt"),
        (lambda: b"a,b,c\n1,2,3\n4,5,6\n", "csv"),
        (lambda: "# 제목\n\n- 항목\n- 항목\n".encode(), "md"),
    ],
)
def test_detect_by_content(build, fmt: str) -> None:  # type: ignore[no-untyped-def]
    assert detect_format(build()) == fmt


def test_name_only_breaks_ties_between_text_formats() -> None:
    data = "이름 부서\n홍길동 민원과\n".encode()
    assert detect_format(data, filename="목록.md") == "md"
    assert detect_format(data, filename="목록.txt") == "txt"
    assert detect_format(samples.hwpx_sample(), filename="보고서.txt") == "hwpx"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["parse", *args])
    return result.exit_code, result.output


def test_parse_markdown_output(tmp_path: Path) -> None:
    path = tmp_path / "보고서.hwpx"
    path.write_bytes(samples.hwpx_sample())
    code, out = _run(str(path), "--no-isolation")
    assert code == 0
    assert "# 2025년 민원 처리 현황 보고" in out
    assert "| 구분 | 건수 | 비율 |" in out
    assert "- □ 민원 처리 기간 단축 요구 증가" in out
    assert "| author | 홍길동 |" in out


def test_parse_json_shape(tmp_path: Path) -> None:
    path = tmp_path / "법.md"
    path.write_bytes(samples.MARKDOWN_STATUTE)
    code, out = _run(str(path), "--json")
    assert code == 0
    data = json.loads(out)
    assert {"format", "metadata", "text", "tables", "structure"} <= set(data)
    assert data["format"] == "md" and data["metadata"]["법령구분"] == "법률"
    assert "이 법은 시험을 목적으로 한다." in data["text"]
    article = next(s for s in data["structure"] if s["kind"] == "article")
    assert (
        article["statute"]["article"] == "제1조"
        and article["statute"]["citation"] == "시험기본법 제1조"
    )


def test_parse_json_tables(tmp_path: Path) -> None:
    path = tmp_path / "현황.xlsx"
    path.write_bytes(samples.xlsx_sample())
    data = json.loads(_run(str(path), "--json", "--no-isolation")[1])
    assert data["tables"][0][0] == ["구분", "1월", "2월"]
    assert data["structure"][1]["table"] == 0


def test_parse_failure_json(tmp_path: Path) -> None:
    path = tmp_path / "암호.hwp"
    path.write_bytes(samples.build_hwp(["비밀"], flags=0x3))
    code, out = _run(str(path), "--json")
    assert code != 0
    error = json.loads(out)["error"]
    assert error["code"] == "document.encrypted" and "암호" in error["message"]


def test_parse_failure_text(tmp_path: Path) -> None:
    code, out = _run(str(tmp_path / "없음.pdf"))
    assert code != 0 and "document.not_found" in out
