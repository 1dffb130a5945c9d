"""The chat API end to end: streamed turns, persistence, stop, regenerate, rename,
delete, search, scoping to the owner, and the audit trail of every turn."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.chat.models import Message
from doum.runtime import Runtime
from doum.testing.scripted import ScriptedChatModel
from tests.webtools import Accounts, login, sse_events


def send(client: TestClient, **body: object) -> list[tuple[str, dict]]:
    with client.stream("POST", "/api/chat", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return sse_events(response)


def test_streamed_turn_persists_and_is_audited(admin: TestClient, runtime: Runtime) -> None:
    ScriptedChatModel.script = lambda request: "**안녕하세요** 무엇을 도와드릴까요?"
    events = send(admin, text="안녕하세요", model="scripted")
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert kinds.count("delta") >= 2, "answer must arrive in several pieces"
    text = "".join(data["text"] for kind, data in events if kind == "delta")
    assert text == "**안녕하세요** 무엇을 도와드릴까요?"
    start, done = events[0][1], events[-1][1]
    assert done["status"] == "complete" and done["model"] == "scripted"

    conversation = admin.get(f"/api/conversations/{start['conversation_id']}").json()
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]
    assert conversation["messages"][1]["content"] == text
    assert conversation["conversation"]["title"] == "안녕하세요"

    with runtime.database.reader() as session:
        actions = [r.action for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]
        answer = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "chat.answer")
        ).one()
    assert "chat.prompt" in actions and "chat.answer" in actions
    details = json.loads(answer.details)
    assert details["text"] == text
    assert details["model"] == "scripted" and details["backend"] == "scripted"
    assert details["completion_tokens"] > 0 and "latency_ms" in details


def test_history_is_sent_on_the_next_turn(admin: TestClient) -> None:
    first = send(admin, text="첫 질문", model="scripted")
    conversation_id = first[0][1]["conversation_id"]
    send(admin, text="두 번째 질문", conversation_id=conversation_id)
    request = ScriptedChatModel.calls[-1]
    contents = [m.content for m in request.messages]
    assert request.messages[0].role == "system"
    assert contents[1:] == ["첫 질문", "scripted: 첫 질문", "두 번째 질문"]


def test_regenerate_replaces_the_last_answer(admin: TestClient) -> None:
    answers = iter(["첫 답변", "새 답변"])
    ScriptedChatModel.script = lambda request: next(answers)
    conversation_id = send(admin, text="질문", model="scripted")[0][1]["conversation_id"]
    events = send(admin, conversation_id=conversation_id, regenerate=True)
    assert events[-1][0] == "done"
    messages = admin.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert [m["content"] for m in messages] == ["질문", "새 답변"]


def test_regenerate_without_a_question_is_refused(admin: TestClient) -> None:
    conversation = admin.post("/api/conversations", json={"title": "빈 대화"}).json()
    events = send(admin, conversation_id=conversation["id"], regenerate=True)
    assert events == [
        (
            "error",
            {
                "code": "chat.nothing_to_regenerate",
                "message": events[0][1]["message"],
                "message_id": "",
                "type": "error",
            },
        )
    ]
    assert "다시 생성할 답변이 없습니다" in events[0][1]["message"]


def test_stopping_keeps_the_partial_answer(admin: TestClient, runtime: Runtime) -> None:
    ScriptedChatModel.script = lambda request: " ".join(f"단어{i}" for i in range(200))
    ScriptedChatModel.delay = 0.01
    received = []
    with admin.stream("POST", "/api/chat", json={"text": "길게", "model": "scripted"}) as response:
        for line in response.iter_lines():
            received.append(line)
            if sum(1 for x in received if x.startswith("event: delta")) >= 3:
                break  # the user pressed stop: the connection closes
    import time

    deadline = time.time() + 5
    while time.time() < deadline:
        with runtime.database.reader() as session:
            message = session.scalars(select(Message).where(Message.role == "assistant")).one()
            if message.status != "streaming":
                break
        time.sleep(0.05)
    assert message.status == "stopped"
    assert message.content.startswith("단어0 단어1")
    assert len(message.content.split()) < 200
    with runtime.database.reader() as session:
        answer = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "chat.answer")
        ).one()
    assert answer.outcome == "stopped"


def test_model_failure_is_reported_in_korean_and_recorded(
    admin: TestClient, runtime: Runtime
) -> None:
    ScriptedChatModel.fail_with = "model.unavailable"
    events = send(admin, text="질문", model="scripted")
    assert events[-1][0] == "error"
    assert events[-1][1]["code"] == "model.unavailable"
    assert "연결할 수 없습니다" in events[-1][1]["message"]
    with runtime.database.reader() as session:
        message = session.scalars(select(Message).where(Message.role == "assistant")).one()
    assert message.status == "error" and message.error_code == "model.unavailable"


def test_rename_delete_and_search(admin: TestClient) -> None:
    a = send(admin, text="주차장 조례 개정", model="scripted")[0][1]["conversation_id"]
    b = send(admin, text="청년 기본소득 문의", model="scripted")[0][1]["conversation_id"]
    assert (
        admin.patch(f"/api/conversations/{a}", json={"title": "주차 민원"}).json()["title"]
        == "주차 민원"
    )
    found = admin.get("/api/conversations", params={"q": "기본소득"}).json()["conversations"]
    assert [c["id"] for c in found] == [b]
    found = admin.get("/api/conversations", params={"q": "주차"}).json()["conversations"]
    assert [c["id"] for c in found] == [a]
    assert admin.delete(f"/api/conversations/{b}").json() == {"ok": True}
    assert admin.get(f"/api/conversations/{b}").status_code == 404
    listed = [c["id"] for c in admin.get("/api/conversations").json()["conversations"]]
    assert listed == [a]


def test_conversations_are_private_to_their_owner(client: TestClient, accounts: Accounts) -> None:
    accounts.add("kim")
    accounts.add("lee")
    login(client, "kim")
    conversation_id = send(client, text="김 주무관의 대화", model="scripted")[0][1][
        "conversation_id"
    ]
    client.cookies.clear()
    login(client, "lee")
    assert client.get(f"/api/conversations/{conversation_id}").status_code == 404
    assert client.get("/api/conversations").json()["conversations"] == []
    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 404
    events = send(client, text="끼어들기", conversation_id=conversation_id)
    assert events[0][1]["code"] == "chat.conversation_unknown"


def test_bad_chat_input(admin: TestClient) -> None:
    response = admin.post("/api/chat", json={"text": "   ", "model": "scripted"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "chat.empty_message"
    response = admin.post("/api/chat", json={"text": "안녕", "model": "없는모델"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model.unknown"
    response = admin.post(
        "/api/chat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "input.malformed_json"
    response = admin.post("/api/chat", json={"text": "x", "unexpected": 1})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "input.invalid"
    response = admin.post("/api/chat", json={"text": "가" * 400_000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "input.body_too_large"
    assert admin.get("/api/conversations").json()["conversations"] == []


def test_conversations_survive_a_restart(admin: TestClient, runtime: Runtime) -> None:
    conversation_id = send(admin, text="재시작 전 질문", model="scripted")[0][1]["conversation_id"]
    from doum.web.app import create_app

    with TestClient(create_app(runtime=Runtime.create(runtime.settings))) as fresh:
        login(fresh, "admin")
        messages = fresh.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert [m["content"] for m in messages] == ["재시작 전 질문", "scripted: 재시작 전 질문"]
