"""``doum eval`` — quality evaluations. ``doum eval retrieval --kb NAME QA.jsonl``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from doum.cli.output import handle_errors


@click.group()
def evaluate() -> None:
    """검색·답변 품질을 평가합니다."""


@evaluate.command("retrieval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kb", "kb_names", multiple=True, required=True, help="평가할 지식베이스")
@click.option(
    "--mode",
    "modes",
    multiple=True,
    type=click.Choice(["bm25-whitespace", "lexical", "dense", "hybrid"]),
    help="평가할 방식 (기본: 모두)",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="결과 JSON 파일 (기본: retrieval-eval.json)",
)
@click.option("--user", "username", default=None, help="이 사용자 권한으로 실행 (기본: 첫 관리자)")
@handle_errors
def retrieval(
    qa_file: Path,
    kb_names: tuple[str, ...],
    modes: tuple[str, ...],
    out: Path | None,
    username: str | None,
) -> None:
    """QA 파일로 recall@1/5/10, MRR, nDCG@10 을 방식별로 계산해 표와 JSON 으로 냅니다.

    QA 파일은 한 줄에 하나씩: {"id": "q1", "question": "...", "gold": [{"title": "법령명",
    "article": "제2조"}]} (article 은 선택).
    """
    from doum.cli.kb import _context
    from doum.knowledge.service import get_knowledge_base
    from doum.retrieval.backend import get_backend
    from doum.retrieval.evaluation import evaluate as run_evaluation
    from doum.retrieval.evaluation import load_qa

    items = load_qa(qa_file)
    database, principal = _context(username)
    with database.session() as session:
        kb_ids = [get_knowledge_base(session, principal, n).id for n in kb_names]
    chosen = modes or ("bm25-whitespace", "lexical", "dense", "hybrid")
    reports = run_evaluation(
        items,
        principal=principal,
        kb_ids=kb_ids,
        database=database,
        backend=get_backend(),
        modes=chosen,
    )
    header = f"{'방식':<16}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}{'nDCG@10':>9}{'p50 ms':>9}"
    click.echo(f"질문 {len(items)}개, 지식베이스: {', '.join(kb_names)}")
    click.echo(header)
    for r in reports:
        m = r.metrics
        click.echo(
            f"{r.mode:<16}{m['recall@1']:>7.3f}{m['recall@5']:>7.3f}{m['recall@10']:>7.3f}"
            f"{m['mrr']:>7.3f}{m['ndcg@10']:>9.3f}{r.latency_ms_p50:>9.1f}"
        )
    path = out or Path("retrieval-eval.json")
    path.write_text(
        json.dumps(
            {
                "qa_file": str(qa_file),
                "questions": len(items),
                "knowledge_bases": list(kb_names),
                "reports": [asdict(r) for r in reports],
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    click.echo(f"결과를 저장했습니다: {path}")
