"""Department assistants: who may create and change them, the catalogue each user sees,
sharing (and closing knowledge-base gaps), and chatting with one: only its knowledge
bases, its instructions, its models and at least its class."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from doum.accounts.roles import Role
from doum.audit.models import AuditRecord
from doum.llm.types import ChatRequest
from doum.runtime import Runtime
from doum.testing.scripted import ScriptedChatModel
from tests.knowledge_web.conftest import STATUTE, create_kb, department, upload, wait_indexed
from tests.knowledge_web.test_grounded_chat import QUESTION, chat
from tests.webtools import Accounts, login

MANUAL = (
    "# 민원 업무편람\n\n## 등본 발급 안내\n\n주민등록표 등본은 정부24에서도 발급받을 수 있다. "
    "수수료는 무료이다.\n"
)


def as_user(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    return login(TestClient(app), username)


def setup_people(accounts: Accounts) -> None:
    accounts.add("manager", Role.DEPARTMENT_MANAGER, department="민원과")
    accounts.add("clerk", Role.STAFF, department="민원과")
    accounts.add("welfare", Role.STAFF, department="복지과")
    accounts.add("outsider", Role.STAFF, department="세무과")


def test_catalogue_permissions_sharing_and_gaps(
    app,
    client: TestClient,
    accounts: Accounts,
    runtime: Runtime,  # type: ignore[no-untyped-def]
) -> None:
    setup_people(accounts)
    manager = login(client, "manager")
    kb = create_kb(manager, "민원편람")
    welfare_id = department(as_user(app, "admin"), "복지과")
    created = manager.post(
        "/api/assistants",
        json={
            "name": "민원 도우미",
            "description": "민원 편람으로 답합니다",
            "instructions": "답 끝에 담당 부서를 안내하세요.",
            "data_class": "S",
            "kb_ids": [kb["id"]],
            "allowed_models": ["scripted"],
            "shared_department_ids": [welfare_id],
        },
    )
    assert created.status_code == 201, created.text
    assistant = created.json()
    assert assistant["department"] == "민원과" and assistant["can_edit"]
    assert [g["department"] for g in assistant["gaps"]] == ["복지과"]

    clerk, welfare, outsider = (as_user(app, n) for n in ("clerk", "welfare", "outsider"))
    # staff may not create; a manager may not create for another department
    assert clerk.post("/api/assistants", json={"name": "x"}).json()["error"]["code"] == (
        "assistant.manage_forbidden"
    )
    other = manager.post("/api/assistants", json={"name": "y", "department_id": welfare_id})
    assert other.status_code == 403
    # the catalogue: own department and shared departments, nobody else
    assert [a["name"] for a in clerk.get("/api/assistants").json()["assistants"]] == ["민원 도우미"]
    seen = welfare.get("/api/assistants").json()["assistants"]
    assert [a["name"] for a in seen] == ["민원 도우미"] and not seen[0]["can_edit"]
    assert seen[0]["knowledge_bases"] == [] and seen[0]["hidden_knowledge_bases"] == 1
    assert outsider.get("/api/assistants").json()["assistants"] == []
    assert outsider.get(f"/api/assistants/{assistant['id']}").status_code == 404
    assert (
        welfare.patch(f"/api/assistants/{assistant['id']}", json={"name": "z"}).status_code == 403
    )

    # closing the gap grants 복지과 read on the knowledge base (audited)
    fixed = manager.patch(f"/api/assistants/{assistant['id']}", json={"grant_read": True}).json()
    assert fixed["gaps"] == []
    assert [k["name"] for k in welfare.get("/api/kb").json()["knowledge_bases"]] == ["민원편람"]

    bad = manager.patch(f"/api/assistants/{assistant['id']}", json={"allowed_models": ["nope"]})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "model.unknown"
    hidden = create_kb(
        as_user(app, "admin"), "세무편람", department_id=department(client, "세무과")
    )
    cannot = manager.patch(f"/api/assistants/{assistant['id']}", json={"kb_ids": [hidden["id"]]})
    assert cannot.status_code == 400 and cannot.json()["error"]["code"] == "kb.not_found"

    renamed = manager.patch(f"/api/assistants/{assistant['id']}", json={"description": "새 설명"})
    assert renamed.json()["description"] == "새 설명"
    assert manager.delete(f"/api/assistants/{assistant['id']}").json() == {"ok": True}
    assert clerk.get("/api/assistants").json()["assistants"] == []

    with runtime.database.reader() as session:
        actions = [r.action for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]
    for action in (
        "assistant.create",
        "assistant.share",
        "assistant.update",
        "kb.grant",
        "assistant.delete",
    ):
        assert action in actions, action


def test_chat_with_an_assistant_uses_only_its_knowledge_instructions_and_models(
    app,
    client: TestClient,
    accounts: Accounts,  # type: ignore[no-untyped-def]
) -> None:
    setup_people(accounts)
    manager = login(client, "manager")
    statute = create_kb(manager, "법령")
    manual = create_kb(manager, "편람", data_class="C")
    ids = [
        upload(manager, statute["id"], ("주민등록법.md", STATUTE))[0]["document_id"],
        upload(manager, manual["id"], ("편람.md", MANUAL))[0]["document_id"],
    ]
    wait_indexed(manager, ids)
    assistant = manager.post(
        "/api/assistants",
        json={
            "name": "등본 도우미",
            "instructions": "정부24 이용을 먼저 안내하세요.",
            "kb_ids": [manual["id"]],
            "allowed_models": ["other"],
            "data_class": "S",
        },
    ).json()

    prompts: list[ChatRequest] = []
    ScriptedChatModel.script = lambda request: (
        prompts.append(request) or "정부24에서 발급합니다 [1]."
    )
    clerk = as_user(app, "clerk")
    start, _, done = chat(
        clerk, text=QUESTION, model="scripted", data_class="O", assistant_id=assistant["id"]
    )
    # only the assistant's knowledge base, although the statute matches too
    assert {s["kb_id"] for s in start["sources"]} == {manual["id"]}
    assert start["grounding"]["assistant_name"] == "등본 도우미"
    assert "정부24 이용을 먼저 안내하세요." in prompts[0].messages[0].content
    # only its models: the requested one is replaced, visibly
    assert done["model"] == "other"
    assert any("'다른 내부 모델' 모델로" in n for n in start["notices"])
    # the class: highest of conversation (O), assistant (S) and chunks (C)
    assert start["data_class"] == "C"

    # an assistant without knowledge bases answers from its instructions alone
    plain = manager.post(
        "/api/assistants",
        json={
            "name": "문체 도우미",
            "instructions": "개조식으로 쓰세요.",
            "data_class": "O",
        },
    ).json()
    start, _, _ = chat(clerk, text="보고서 문체를 고쳐 줘", assistant_id=plain["id"])
    assert start["grounding"]["mode"] == "instructions" and start["sources"] == []
    assert "개조식으로 쓰세요." in ScriptedChatModel.calls[-1].messages[0].content

    # someone who may not see the assistant gets "not found", nothing else
    outsider = as_user(app, "outsider")
    with outsider.stream(
        "POST", "/api/chat", json={"text": QUESTION, "assistant_id": assistant["id"]}
    ) as r:
        events = [line for line in r.iter_lines() if line.startswith("data:")]
    error = json.loads(events[-1][5:])
    assert error["code"] == "assistant.not_found"


def test_shared_assistant_never_widens_knowledge_access(
    app,
    client: TestClient,
    accounts: Accounts,  # type: ignore[no-untyped-def]
) -> None:
    setup_people(accounts)
    manager = login(client, "manager")
    kb = create_kb(manager, "민원편람")
    wait_indexed(manager, [upload(manager, kb["id"], ("편람.md", MANUAL))[0]["document_id"]])
    welfare_id = department(as_user(app, "admin"), "복지과")
    assistant = manager.post(
        "/api/assistants",
        json={
            "name": "민원 도우미",
            "kb_ids": [kb["id"]],
            "shared_department_ids": [welfare_id],
        },
    ).json()
    welfare = as_user(app, "welfare")
    start, text, _ = chat(welfare, text="등본 발급 수수료", assistant_id=assistant["id"])
    assert start["sources"] == [] and start["grounding"]["mode"] == "none"
    assert "근거를 찾지 못했습니다" in text
    assert (
        welfare.post("/api/knowledge/search", json={"query": "등본 발급 수수료"}).json()["hits"]
        == []
    )
