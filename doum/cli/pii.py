"""``doum pii``: detect and mask Korean personal data in JSONL (``{"id", "text"}`` lines),
and restore the real values in what a model wrote back from a saved vault file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import click

from doum.cli.output import handle_errors
from doum.errors import InvalidInput


@click.group()
def pii() -> None:
    """개인정보를 탐지하고 가립니다 (JSONL 입출력)."""


def _rows(source: IO[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise InvalidInput(detail=f"{number}번째 줄이 JSON이 아닙니다: {error.msg}") from error
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InvalidInput(detail=f"{number}번째 줄에 문자열 text 항목이 없습니다")
        yield row


def _detector(full: bool, min_score: float) -> Any:
    from doum.privacy.detector import PiiDetector

    return PiiDetector.full(min_score=min_score) if full else PiiDetector(min_score=min_score)


def _write(out: IO[str], data: dict[str, Any]) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")


def _file_cipher() -> Any:
    """The cipher of vault files: a key derived from this installation's secret."""
    from doum.config import get_settings
    from doum.config.secrets import derive_key
    from doum.privacy.vault import VaultCipher

    return VaultCipher(derive_key(get_settings(), "privacy-vault-file"))


_io = [
    click.option(
        "-i",
        "--input",
        "source",
        type=click.File("r", encoding="utf-8"),
        default="-",
        help="입력 JSONL (기본: 표준입력)",
    ),
    click.option(
        "-o",
        "--output",
        "out",
        type=click.File("w", encoding="utf-8"),
        default="-",
        help="출력 JSONL (기본: 표준출력)",
    ),
    click.option(
        "--full/--rules",
        default=False,
        help="--full: 형태소 분석(kiwipiepy)으로 이름을 더 찾습니다 (느림).",
    ),
    click.option(
        "--min-score",
        type=click.FloatRange(0.0, 1.0),
        default=0.5,
        show_default=True,
        help="이 점수 미만의 탐지는 버립니다.",
    ),
]


def _with_io(func: Any) -> Any:
    for option in reversed(_io):
        func = option(func)
    return func


@pii.command()
@_with_io
@handle_errors
def detect(source: IO[str], out: IO[str], full: bool, min_score: float) -> None:
    """각 줄의 text에서 개인정보 위치를 찾습니다: {"id", "spans": [...]}."""
    detector = _detector(full, min_score)
    for row in _rows(source):
        spans = [s.to_dict() for s in detector.detect(row["text"])]
        _write(out, {"id": row.get("id"), "spans": spans})


@pii.command()
@_with_io
@click.option(
    "--shared-vault",
    is_flag=True,
    help="모든 줄을 한 대화로 보고 같은 값에 같은 자리표시자를 씁니다.",
)
@click.option(
    "--vault-out",
    type=click.Path(dir_okay=False, writable=True),
    help="자리표시자와 원래 값의 대응을 이 파일에 암호화해 저장합니다 (--shared-vault를 켭니다). "
    "모델의 답변은 'doum pii restore --vault 파일'로 되돌립니다.",
)
@handle_errors
def mask(
    source: IO[str],
    out: IO[str],
    full: bool,
    min_score: float,
    shared_vault: bool,
    vault_out: str | None,
) -> None:
    """각 줄의 text를 <이름_1> 같은 자리표시자로 가려 씁니다: {"id", "text", "masked"}."""
    from doum.privacy.masking import Masker
    from doum.privacy.vault import Vault
    from doum.privacy.vault_file import new_file_vault, write_vault_file

    cipher = _file_cipher() if vault_out else None  # fail on a missing key before any work
    masker = Masker(_detector(full, min_score))
    shared = shared_vault or vault_out is not None
    vault = new_file_vault()
    for row in _rows(source):
        if not shared:
            vault = Vault("cli")
        result = masker.mask(row["text"], vault)
        _write(out, {"id": row.get("id"), "text": result.text, "masked": result.summary.to_dict()})
    if cipher is not None and vault_out is not None:
        write_vault_file(vault_out, vault, cipher)


@pii.command()
@click.option(
    "--vault",
    "vault_path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="'doum pii mask --vault-out'으로 저장한 보관함 파일.",
)
@click.option(
    "-i",
    "--input",
    "source",
    type=click.File("r", encoding="utf-8"),
    default="-",
    help="되돌릴 텍스트 (기본: 표준입력)",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="출력 (기본: 표준출력)",
)
@click.option("--jsonl", is_flag=True, help="입력이 JSONL이면 각 줄의 text 항목을 되돌립니다.")
@handle_errors
def restore(vault_path: str, source: IO[str], out: IO[str], jsonl: bool) -> None:
    """모델이 쓴 글의 자리표시자(<이름_1> …)를 보관함 파일의 원래 값으로 되돌립니다."""
    from doum.privacy.restore import Restorer
    from doum.privacy.vault_file import read_vault_file

    restorer = Restorer(read_vault_file(vault_path, _file_cipher()))
    if not jsonl:
        # A placeholder never spans lines, so the text is restored line by line.
        for line in source:
            out.write(restorer.restore(line))
        return
    for row in _rows(source):
        _write(out, {**row, "text": restorer.restore(row["text"])})


@pii.command()
def types() -> None:
    """탐지하는 개인정보 유형과 자리표시자 이름을 보여 줍니다."""
    from doum.privacy.types import PiiType

    for t in PiiType:
        click.echo(f"{t.value:<18} {t.korean:<10} <{t.label}_n>")


@pii.command(name="eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--full/--rules", default=False, help="--full: 형태소 분석 포함.")
@click.option("--exact", is_flag=True, help="위치가 정확히 같아야 맞은 것으로 셉니다.")
def evaluate_command(path: str, full: bool, exact: bool) -> None:
    """라벨이 붙은 JSONL로 유형별 정밀도·재현율·F1을 계산합니다."""
    from doum.privacy.evaluation import doum_predictor, evaluate, load_examples

    report = evaluate(load_examples(path), doum_predictor(_detector(full, 0.5)), exact=exact)
    click.echo(f"{'type':<18} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for name, score in sorted(report.by_type.items()):
        click.echo(
            f"{name:<18} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
            f"{score.support:5d}"
        )
    micro = report.micro
    click.echo(
        f"{'micro':<18} {micro.precision:6.3f} {micro.recall:6.3f} {micro.f1:6.3f} "
        f"{micro.support:5d}"
    )
