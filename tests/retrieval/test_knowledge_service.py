from __future__ import annotations

import pytest

from doum.db import Database
from doum.knowledge.errors import (
    KnowledgeBaseConflict,
    KnowledgeBaseNotFound,
    KnowledgeForbidden,
    KnowledgeInvalid,
)
from doum.knowledge.service import (
    create_knowledge_base,
    get_knowledge_base,
    get_writable_knowledge_base,
    grant_access,
    list_access,
    list_knowledge_bases,
    revoke_access,
)
from tests.retrieval.conftest import People


def test_who_may_create(database: Database, people: People) -> None:
    dept, other = people.department(), people.department()
    staff = people.user(dept)
    manager = people.user(dept, "department_manager")
    admin = people.user(None, "admin")
    with database.session() as session:
        with pytest.raises(KnowledgeForbidden) as info:
            create_knowledge_base(session, staff, name="x")
        assert "부서 관리자" in info.value.message
        with pytest.raises(KnowledgeForbidden):
            create_knowledge_base(session, manager, name="x", department_id=other)
        kb = create_knowledge_base(session, manager, name="복지 편람", data_class="S")
        assert kb.department_id == dept and kb.created_by == manager.user_id
        with pytest.raises(KnowledgeInvalid):
            create_knowledge_base(session, admin, name="y")  # admin without a department
        create_knowledge_base(session, admin, name="y", department_id=other, data_class="C")
        with pytest.raises(KnowledgeBaseConflict):
            create_knowledge_base(session, admin, name="y", department_id=other)
        with pytest.raises(KnowledgeInvalid) as info:
            create_knowledge_base(session, admin, name="z", department_id=other, data_class="X")
        assert "C(기밀)" in info.value.message


def test_read_rules_and_grants(database: Database, people: People) -> None:
    dept, other = people.department(), people.department()
    manager = people.user(dept, "department_manager")
    colleague = people.user(dept)
    outsider = people.user(other)
    admin = people.user(other, "admin")
    group = people.group()
    member = people.user(None, groups=(group,))
    with database.session() as session:
        create_knowledge_base(session, manager, name="편람")
    with database.session() as session:
        assert [s.name for s in list_knowledge_bases(session, colleague)] == ["편람"]
        assert list_knowledge_bases(session, colleague)[0].can_write is False
        assert list_knowledge_bases(session, manager)[0].can_write is True
        # administrators manage, but reading still follows the access list
        assert list_knowledge_bases(session, admin) == []
        assert get_writable_knowledge_base(session, admin, "편람").name == "편람"
        for who in (outsider, member):
            with pytest.raises(KnowledgeBaseNotFound):
                get_knowledge_base(session, who, "편람")
        with pytest.raises(KnowledgeForbidden):
            grant_access(session, colleague, kb_ref="편람", department_id=other)
        grant_access(session, manager, kb_ref="편람", department_id=other)
        grant_access(session, manager, kb_ref="편람", group_id=group, permission="write")
        with pytest.raises(KnowledgeInvalid):
            grant_access(session, manager, kb_ref="편람", group_id=group, user_id=member.user_id)
        with pytest.raises(KnowledgeInvalid):
            grant_access(session, manager, kb_ref="편람", user_id=99999)
    with database.session() as session:
        assert get_knowledge_base(session, outsider, "편람").name == "편람"
        assert list_knowledge_bases(session, member)[0].can_write is True
        entries = list_access(session, manager, kb_ref="편람")
        assert len(entries) == 2
        revoke_access(session, manager, kb_ref="편람", access_id=entries[0].id)
    with database.session() as session, pytest.raises(KnowledgeBaseNotFound):
        get_knowledge_base(session, outsider, "편람")
