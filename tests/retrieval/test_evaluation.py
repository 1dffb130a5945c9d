"""Evaluation metrics, the QA format, the dev set, and morphemes vs whitespace on real statutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doum.accounts.principal import Principal
from doum.config.retrieval import RetrievalSettings
from doum.db import Database
from doum.documents import read_document
from doum.knowledge.service import create_knowledge_base
from doum.retrieval.analysis import default_analyzer
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.errors import InvalidQuery
from doum.retrieval.evaluation import Gold, QAItem, evaluate, load_qa, score_ranking
from doum.retrieval.ingestion import index_document
from doum.retrieval.sources import add_paths
from doum.retrieval.stores.sqlite import SQLiteSearchStore
from tests.conftest import shared_path
from tests.retrieval.conftest import People

DEV_SET = Path(__file__).parent / "data" / "laws_dev.jsonl"


def test_metrics_by_hand() -> None:
    item = QAItem(id="q", question="?", gold=(Gold("가 법", "제2조"), Gold("나법")))
    ranked = [("다법", "제1조"), ("가법", "제2조"), ("가법", "제2조"), ("나법", "제9조")]
    m = score_ranking(item, ranked)
    assert m["recall@1"] == 0.0 and m["recall@5"] == 1.0 and m["mrr"] == 0.5
    # gold found at ranks 2 and 4 (the duplicate at 3 counts once); ideal at 1 and 2
    import math

    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert m["ndcg@10"] == pytest.approx(expected)
    assert score_ranking(item, [])["mrr"] == 0.0


def test_dev_set_format_and_size() -> None:
    items = load_qa(DEV_SET)
    assert len(items) >= 100
    assert len({i.id for i in items}) == len(items)
    titles = {g.title for i in items for g in i.gold}
    assert len(titles) == 26
    assert all(g.article.startswith("제") for i in items for g in i.gold)


def test_bad_lines_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps({"id": 1, "question": "q", "gold": []}) + "\n", encoding="utf-8")
    with pytest.raises(InvalidQuery) as info:
        load_qa(path)
    assert "1번째 줄" in info.value.message


@pytest.mark.shared
@pytest.mark.slow
def test_morphemes_beat_whitespace_on_real_statutes(
    database: Database, people: People, tmp_path: Path
) -> None:
    laws = shared_path("corpus", "laws")
    chosen = [
        "행정기본법",
        "민원처리에관한법률",
        "공공기관의정보공개에관한법률",
        "청년기본법",
        "주차장법",
        "노인복지법",
    ]
    files = [laws / name / "법률.md" for name in chosen]
    admin: Principal = people.user(people.department(), "admin")
    store = SQLiteSearchStore(tmp_path / "s.sqlite3")
    store.ensure_schema()
    backend = RetrievalBackend(
        store=store,
        analyzer=default_analyzer(),
        embedder=None,
        settings=RetrievalSettings(embedding="none"),
    )
    with database.session() as session:
        kb_ids = [create_knowledge_base(session, admin, name="법령", data_class="O").id]
        plan = add_paths(session, admin, kb_ref="법령", paths=files)
    for doc_id in plan.queued:
        index_document(
            doc_id,
            database=database,
            backend=backend,
            reader=lambda p, f: read_document(p, filename=f, isolated=False),
        )
    titles = {read_document(f, isolated=False).metadata["제목"] for f in files}
    items = [i for i in load_qa(DEV_SET) if i.gold[0].title in titles]
    assert len(items) >= 25
    reports = {
        r.mode: r.metrics
        for r in evaluate(
            items,
            principal=admin,
            kb_ids=kb_ids,
            database=database,
            backend=backend,
            modes=("bm25-whitespace", "lexical"),
        )
    }
    assert reports["lexical"]["recall@5"] > reports["bm25-whitespace"]["recall@5"] + 0.1
    assert reports["lexical"]["mrr"] > reports["bm25-whitespace"]["mrr"]
    store.close()
