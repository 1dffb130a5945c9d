from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from doum.cli import main


def _run(*args: str, stdin: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(main, ["pii", *args], input=stdin)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, rows, result.output


INPUT = (
    "\n".join(
        json.dumps(r, ensure_ascii=False)
        for r in [
            {"id": "a", "text": "홍길동 주무관(010-1234-5678)"},
            {"id": "b", "text": "홍길동 씨 주민등록번호 900101-1234568"},
        ]
    )
    + "\n"
)


def test_detect() -> None:
    code, rows, _ = _run("detect", stdin=INPUT)
    assert code == 0
    assert rows[0] == {
        "id": "a",
        "spans": [
            {"type": "person", "start": 0, "end": 3, "text": "홍길동", "score": 0.85},
            {"type": "phone", "start": 8, "end": 21, "text": "010-1234-5678", "score": 0.95},
        ],
    }


def test_mask_shared_vault() -> None:
    code, rows, _ = _run("mask", "--shared-vault", stdin=INPUT)
    assert code == 0
    assert rows[0]["text"] == "<이름_1> 주무관(<전화번호_1>)"
    assert rows[1]["text"] == "<이름_1> 씨 주민등록번호 <주민번호_1>"
    assert "홍길동" not in json.dumps(rows, ensure_ascii=False)


def test_bad_input_is_a_korean_error() -> None:
    code, _, output = _run("detect", stdin="not json\n")
    assert code == 2 and "JSON" in output


def test_types_lists_every_type() -> None:
    result = CliRunner().invoke(main, ["pii", "types"])
    assert "rrn" in result.output and "<주민번호_n>" in result.output


def test_mask_vault_out_then_restore(tmp_path: Path) -> None:
    vault = tmp_path / "v.json"
    code, rows, _ = _run("mask", "--vault-out", str(vault), stdin=INPUT)
    assert code == 0
    assert rows[1]["text"] == "<이름_1> 씨 주민등록번호 <주민번호_1>"  # --vault-out shares
    stored = vault.read_text(encoding="utf-8")
    assert "홍길동" not in stored and "1234568" not in stored  # encrypted at rest
    assert json.loads(stored)["format"] == "doum.pii.vault"

    answer = (
        "<이름_1> 님께 <전화번호_1>로 연락했습니다.\n주민번호 < 주민번호_1 > 확인, <이름_9> 미상\n"
    )
    result = CliRunner().invoke(main, ["pii", "restore", "--vault", str(vault)], input=answer)
    assert result.exit_code == 0
    assert result.stdout == (
        "홍길동 님께 010-1234-5678로 연락했습니다.\n주민번호 900101-1234568 확인, <이름_9> 미상\n"
    )

    jsonl = json.dumps({"id": "x", "text": "<이름_1> 주무관"}, ensure_ascii=False) + "\n"
    result = CliRunner().invoke(
        main, ["pii", "restore", "--vault", str(vault), "--jsonl"], input=jsonl
    )
    assert json.loads(result.stdout) == {"id": "x", "text": "홍길동 주무관"}


def test_restore_refuses_a_tampered_or_foreign_vault(tmp_path: Path) -> None:
    vault = tmp_path / "v.json"
    assert _run("mask", "--vault-out", str(vault), stdin=INPUT)[0] == 0
    data = json.loads(vault.read_text(encoding="utf-8"))
    data["id"] = "cli-0000000000000000"  # ciphertext bound to another id
    vault.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["pii", "restore", "--vault", str(vault)], input="x\n")
    assert result.exit_code == 2 and "보관함 파일을 열 수 없습니다" in result.output

    vault.write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["pii", "restore", "--vault", str(vault)], input="x\n")
    assert result.exit_code == 2 and "보관함 파일이 아니거나" in result.output
