"""Ingestion steps: parse → chunks + lexical index → vectors; idempotent and atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from doum.db import Database
from doum.documents.model import Document
from doum.knowledge.models import Chunk, KnowledgeDocument
from doum.knowledge.service import create_knowledge_base
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.ingestion import embed_document, index_document
from doum.retrieval.search import search
from doum.retrieval.sources import add_paths, sync_folder
from tests.retrieval.conftest import People, statute


def _setup(database: Database, people: People, tmp_path: Path, docs: dict[str, Document]):
    dept = people.department()
    admin = people.user(dept, "admin")
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in docs:
        (folder / name).write_text(f"{name} v1", encoding="utf-8")
    with database.session() as session:
        kb = create_knowledge_base(session, admin, name="법령", data_class="O")
        kb_id = kb.id
        plan = add_paths(session, admin, kb_ref="법령", paths=[folder])
    return admin, kb_id, folder, plan


def _reader(docs: dict[str, Document]):
    return lambda path, filename: docs[Path(filename).name]


def test_lexical_first_then_vectors(
    database: Database, people: People, tmp_path: Path, backend: RetrievalBackend
) -> None:
    docs = {"a.md": statute("주민등록법")}
    admin, _kb_id, _, plan = _setup(database, people, tmp_path, docs)
    [doc_id] = plan.queued
    assert index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    with database.session() as session:
        doc = session.get(KnowledgeDocument, doc_id)
        assert (doc.status, doc.progress, doc.vector_count) == ("indexing", 0.5, 0)
        assert doc.title == "주민등록법" and doc.chunk_count == 2
    # searchable lexically before any vector exists
    hits = search(admin, "등본은 어디서 떼나요", mode="lexical", database=database, backend=backend)
    assert hits and hits[0].citation.article == "제2조"
    assert search(admin, "등본 발급", mode="dense", database=database, backend=backend) == []
    assert embed_document(doc_id, database=database, backend=backend, batch_size=1) == 2
    with database.session() as session:
        doc = session.get(KnowledgeDocument, doc_id)
        assert (doc.status, doc.progress, doc.vector_count) == ("done", 1.0, 2)
    assert search(admin, "등본 발급", mode="dense", database=database, backend=backend)


def test_rerun_is_idempotent_and_keeps_vectors(
    database: Database, people: People, tmp_path: Path, backend: RetrievalBackend
) -> None:
    docs = {"a.md": statute("주민등록법")}
    _, _, _folder, plan = _setup(database, people, tmp_path, docs)
    [doc_id] = plan.queued
    index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    embed_document(doc_id, database=database, backend=backend)
    # a second run (a resumed task) does nothing new
    assert not index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    # force a re-parse of identical content: same chunk ids, vectors kept
    with database.session() as session:
        session.get(KnowledgeDocument, doc_id).indexed_hash = ""
    assert not index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    assert backend.store.missing_vectors(doc_id) == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Chunk)) == 2
        assert session.get(KnowledgeDocument, doc_id).status == "done"
    assert backend.store.count(kb_ids=[session.get(KnowledgeDocument, doc_id).kb_id]) == 2


class _Crash(RuntimeError):
    pass


def test_crash_during_index_leaves_old_chunks_and_resumes(
    database: Database,
    people: People,
    tmp_path: Path,
    backend: RetrievalBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = {"a.md": statute("주민등록법")}
    admin, kb_id, folder, plan = _setup(database, people, tmp_path, docs)
    [doc_id] = plan.queued
    index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    old_ids = set(backend.store.document_chunk_ids(doc_id))
    # the file changes; the worker dies while writing the new index
    (folder / "a.md").write_text("a.md v2", encoding="utf-8")
    docs["a.md"] = statute("주민등록법", articles=[("제9조", "신설", ["여권 재발급 안내"])])
    with database.session() as session:
        plan = add_paths(session, admin, kb_ref=kb_id, paths=[folder])
    assert plan.queued == [doc_id]

    def boom(*args: object, **kwargs: object) -> None:
        raise _Crash

    monkeypatch.setattr(backend.store, "replace_document", boom)
    with pytest.raises(_Crash):
        index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    monkeypatch.undo()
    # nothing half-indexed: the index still has only the old chunks, and search never
    # returns an id that is not in both the table and the index
    assert set(backend.store.document_chunk_ids(doc_id)) == old_ids
    assert search(admin, "등본", database=database, backend=backend) == []
    # resume: the new content is indexed once, no duplicates
    index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    embed_document(doc_id, database=database, backend=backend)
    hits = search(admin, "여권 재발급", database=database, backend=backend)
    assert [h.citation.article for h in hits] == ["제9조"]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Chunk)) == 1
    assert len(backend.store.document_chunk_ids(doc_id)) == 1


def test_parse_error_is_recorded_in_korean(
    database: Database, people: People, tmp_path: Path, backend: RetrievalBackend
) -> None:
    from doum.documents.model import Document

    docs = {"empty.md": Document(format="md", title="빈 문서")}
    _, _, _, plan = _setup(database, people, tmp_path, docs)
    index_document(plan.queued[0], database=database, backend=backend, reader=_reader(docs))
    with database.session() as session:
        doc = session.get(KnowledgeDocument, plan.queued[0])
    assert doc.status == "error" and doc.error_code == "retrieval.empty_document"
    assert "본문" in doc.error_message


def test_folder_sync_reindexes_changed_and_removes_deleted(
    database: Database, people: People, tmp_path: Path, backend: RetrievalBackend
) -> None:
    docs = {"a.md": statute("가법"), "b.md": statute("나법")}
    admin, _kb_id, folder, plan = _setup(database, people, tmp_path, docs)
    for doc_id in plan.queued:
        index_document(doc_id, database=database, backend=backend, reader=_reader(docs))
    (folder / "b.md").unlink()
    (folder / "a.md").write_text("changed", encoding="utf-8")
    (folder / "c.md").write_text("new", encoding="utf-8")
    (folder / ".hidden.md").write_text("skip", encoding="utf-8")
    with database.session() as session:
        plan2 = sync_folder(session, admin, kb_ref="법령", folder=folder, store=backend.store)
        titles = {
            d.source_path.rsplit("/", 1)[-1]: d.id
            for d in session.scalars(select(KnowledgeDocument))
        }
    assert sorted(titles) == ["a.md", "c.md"]
    assert set(plan2.queued) == {titles["a.md"], titles["c.md"]}
    assert len(plan2.removed) == 1 and backend.store.document_chunk_ids(plan2.removed[0]) == []
    # unchanged files are not queued again
    index_document(titles["a.md"], database=database, backend=backend, reader=_reader(docs))
    with database.session() as session:
        plan3 = sync_folder(session, admin, kb_ref="법령", folder=folder, store=backend.store)
    assert titles["a.md"] in plan3.unchanged
