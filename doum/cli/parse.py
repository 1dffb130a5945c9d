"""``doum parse FILE``: read a document and print its structure and metadata."""

from __future__ import annotations

from pathlib import Path

import click

from doum.cli.output import echo_json, json_errors


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="구조를 JSON 한 개로 출력합니다 (format, metadata, text, tables, structure).",
)
@click.option(
    "--no-isolation", is_flag=True, help="별도 프로세스 없이 읽습니다 (신뢰할 수 있는 파일만)."
)
def parse(file: Path, as_json: bool, no_isolation: bool) -> None:
    """문서를 읽어 구조(마크다운)와 메타데이터를 출력합니다.

    형식은 확장자가 아니라 내용으로 판별합니다: HWP, HWPX, PDF, DOCX, XLSX, CSV,
    ODT, HTML, TXT, MD. 실패하면 0이 아닌 종료 코드로 끝나며, --json 이면
    {"error": {"code": ..., "message": ...}} 를 출력합니다.
    """
    from doum.documents import read_document
    from doum.documents.render import document_json, document_markdown

    with json_errors(as_json):
        document = read_document(file, isolated=not no_isolation)
        if as_json:
            echo_json(document_json(document))
        else:
            click.echo(document_markdown(document), nl=False)
