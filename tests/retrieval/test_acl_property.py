"""Property: whatever the departments, groups, users and access lists, no query, listing,
count or error ever shows anything from a knowledge base the user may not read.

Each generated world gets many queries (every user × every secret × three modes, with
and without an explicit knowledge-base list); the test asserts ≥ 10,000 queries ran.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from doum.accounts.models import Department, Group, GroupMember, User, UserRole
from doum.accounts.principal import Principal
from doum.config.retrieval import RetrievalSettings
from doum.db import Database
from doum.errors import DoumError
from doum.knowledge.models import (
    Chunk,
    KnowledgeBase,
    KnowledgeBaseAccess,
    KnowledgeDocument,
)
from doum.knowledge.service import get_knowledge_base, list_knowledge_bases
from doum.retrieval.analysis import default_analyzer
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.chunking import ChunkDraft
from doum.retrieval.ingestion import chunk_id as make_chunk_id
from doum.retrieval.search import run_search
from doum.retrieval.stores.protocol import IndexEntry
from doum.retrieval.stores.sqlite import SQLiteSearchStore
from tests.retrieval.fakes import HashingEmbedding

SECRETS = ["사과", "바다", "하늘", "나무", "구름", "고양이"]


@dataclass
class World:
    departments: int
    users: list[tuple[int | None, frozenset[int]]]  # (department index, group indexes)
    groups: int
    kbs: list[tuple[int, int | None]]  # (owner department index, creator user index)
    grants: list[tuple[int, str, int]]  # (kb index, kind, grantee index)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    departments = draw(st.integers(1, 4))
    groups = draw(st.integers(0, 3))
    users = draw(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, departments - 1)),
                st.frozensets(st.integers(0, max(groups - 1, 0)), max_size=groups),
            ),
            min_size=2,
            max_size=6,
        )
    )
    kbs = draw(
        st.lists(
            st.tuples(
                st.integers(0, departments - 1),
                st.one_of(st.none(), st.integers(0, len(users) - 1)),
            ),
            min_size=1,
            max_size=len(SECRETS),
        )
    )
    kinds = ["department", "user"] + (["group"] if groups else [])
    grants = draw(
        st.lists(
            st.tuples(st.integers(0, len(kbs) - 1), st.sampled_from(kinds), st.integers(0, 10)),
            max_size=8,
        )
    )
    return World(departments, users, groups, kbs, grants)


def readable_oracle(world: World, user_index: int) -> set[int]:
    department, groups = world.users[user_index]
    out = set()
    for k, (owner, creator) in enumerate(world.kbs):
        if (department is not None and owner == department) or creator == user_index:
            out.add(k)
    for k, kind, grantee in world.grants:
        if (
            kind == "department"
            and department is not None
            and grantee % world.departments == department
        ):
            out.add(k)
        if kind == "user" and grantee % len(world.users) == user_index:
            out.add(k)
        if kind == "group" and world.groups and grantee % world.groups in groups:
            out.add(k)
    return out


def _reset(database: Database) -> None:
    with database.session() as session:
        for model in (
            Chunk,
            KnowledgeDocument,
            KnowledgeBaseAccess,
            KnowledgeBase,
            GroupMember,
            Group,
            UserRole,
            User,
            Department,
        ):
            session.execute(delete(model))


def _build(database: Database, backend: RetrievalBackend, world: World):
    _reset(database)
    with database.session() as session:
        depts = [Department(name=f"d{i}") for i in range(world.departments)]
        groups = [Group(name=f"g{i}") for i in range(world.groups)]
        session.add_all(depts + groups)
        session.flush()
        users = [
            User(username=f"u{i}", department_id=depts[d].id if d is not None else None)
            for i, (d, _) in enumerate(world.users)
        ]
        session.add_all(users)
        session.flush()
        for user, (_, member_of) in zip(users, world.users, strict=True):
            session.add_all(GroupMember(group_id=groups[g].id, user_id=user.id) for g in member_of)
        kbs = [
            KnowledgeBase(
                name=f"kb{i}",
                department_id=depts[owner].id,
                created_by=users[creator].id if creator is not None else None,
            )
            for i, (owner, creator) in enumerate(world.kbs)
        ]
        session.add_all(kbs)
        session.flush()
        seen = set()
        for k, kind, grantee in world.grants:
            target = {"department": depts, "user": users, "group": groups}[kind]
            key = (k, kind, grantee % len(target))
            if key in seen:
                continue
            seen.add(key)
            session.add(
                KnowledgeBaseAccess(
                    kb_id=kbs[k].id, **{f"{kind}_id": target[grantee % len(target)].id}
                )
            )
        principals = [
            Principal(
                user_id=u.id,
                username=u.username,
                department_id=u.department_id,
                group_ids=frozenset(groups[g].id for g in member_of),
            )
            for u, (_, member_of) in zip(users, world.users, strict=True)
        ]
        kb_ids = [kb.id for kb in kbs]
        for k, kb in enumerate(kbs):
            doc = KnowledgeDocument(
                kb_id=kb.id, title=f"문서{k}", source_path=f"/x/{k}", status="done", chunk_count=1
            )
            session.add(doc)
            session.flush()
            text = f"공통 안내 {SECRETS[k]} 비밀번호{k}"
            draft = ChunkDraft(text=text, heading=f"문서{k}")
            cid = make_chunk_id(doc.id, 0, draft)
            session.add(
                Chunk(
                    id=cid,
                    document_id=doc.id,
                    kb_id=kb.id,
                    ordinal=0,
                    text=text,
                    heading=f"문서{k}",
                    data_class="S",
                )
            )
            backend.store.replace_document(
                doc.id,
                kb.id,
                [
                    IndexEntry(
                        chunk_id=cid,
                        document_id=doc.id,
                        kb_id=kb.id,
                        terms=backend.analyzer.terms(text),
                    )
                ],
            )
            backend.store.set_vectors({cid: backend.embedder.embed_passages([text])[0]})
    return principals, kb_ids


QUERIES = {"count": 0}


@settings(
    max_examples=90,  # about 140 queries each: comfortably over 10,000 in all
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_no_leaks(database: Database, world: World) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteSearchStore(Path(tmp) / "s.sqlite3")
        store.ensure_schema()
        backend = RetrievalBackend(
            store=store,
            analyzer=default_analyzer(),
            embedder=HashingEmbedding(),
            settings=RetrievalSettings(),
        )
        principals, kb_ids = _build(database, backend, world)
        for u, principal in enumerate(principals):
            allowed = readable_oracle(world, u)
            allowed_ids = {kb_ids[k] for k in allowed}
            with database.session() as session:
                listed = {s.id for s in list_knowledge_bases(session, principal)}
                assert listed == allowed_ids
                for k, kb_id in enumerate(kb_ids):
                    if k in allowed:
                        assert get_knowledge_base(session, principal, f"kb{k}").id == kb_id
                        continue
                    for ref in (kb_id, f"kb{k}"):
                        try:
                            get_knowledge_base(session, principal, ref)
                        except DoumError as error:
                            unknown = _error_for(session, principal, "없는지식베이스")
                            assert error.code == unknown.code
                            assert SECRETS[k] not in error.message
                        else:
                            raise AssertionError("unreadable knowledge base returned")
            for query in ["공통 안내", "비밀번호", *SECRETS]:
                for mode in ("lexical", "dense", "hybrid"):
                    for scope in (None, kb_ids):
                        result = run_search(
                            principal,
                            query,
                            kb_ids=scope,
                            mode=mode,
                            k=10,
                            database=database,
                            backend=backend,
                        )
                        QUERIES["count"] += 1
                        got = {h.citation.kb_id for h in result.hits}
                        assert got <= allowed_ids, (mode, query, got - allowed_ids)
                        for hit in result.hits:
                            for k in set(range(len(kb_ids))) - allowed:
                                assert SECRETS[k] not in hit.text
                                assert SECRETS[k] not in hit.citation.snippet
                        if mode == "lexical" and query in SECRETS[: len(kb_ids)]:
                            owner = SECRETS.index(query)
                            # completeness: a readable secret is found, an unreadable one not
                            assert (owner in allowed) == bool(result.hits)
        store.close()


def _error_for(session: object, principal: Principal, ref: str) -> DoumError:
    try:
        get_knowledge_base(session, principal, ref)  # type: ignore[arg-type]
    except DoumError as error:
        return error
    raise AssertionError("unknown knowledge base found")


def test_enough_queries_ran() -> None:
    """Runs after test_no_leaks in file order (pytest keeps definition order)."""
    if QUERIES["count"] == 0:
        import pytest

        pytest.skip("test_no_leaks was not run in this session")
    assert QUERIES["count"] >= 10_000, QUERIES["count"]
