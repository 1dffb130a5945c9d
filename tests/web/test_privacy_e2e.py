"""End-to-end leak test through the HTTP API: a capturing fake *external* model on
loopback; generated conversations full of Korean PII and C/S data. The endpoint must
receive 0 raw identifiers and 0 C/S requests, and the user must see the real values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.runtime import Runtime
from doum.testing.fake_openai import FakeOpenAIServer
from tests.conftest import make_settings
from tests.privacy.test_leak_property import turn
from tests.webtools import Accounts, login, sse_events

HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def echo_user(payload: dict) -> str:
    """The external model repeats what it was given (placeholders included)."""
    last = [m for m in payload["messages"] if m["role"] == "user"][-1]
    return "요청하신 내용: " + last["content"]


@pytest.fixture
def external() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder=echo_user) as server:
        yield server


@pytest.fixture
def app_settings(tmp_path: Path, database_url: str, external: FakeOpenAIServer):  # type: ignore[no-untyped-def]
    return make_settings(
        tmp_path,
        database_url,
        llm={
            "models": [
                {"name": "scripted", "backend": "scripted"},
                {
                    "name": "ext",
                    "label": "상용 모델",
                    "backend": "openai_compat",
                    "location": "external",
                    "allowed_classes": ["O"],
                    "upstream_model": "fake-model",
                    "endpoints": [{"base_url": external.base_url}],
                },
            ],
            "include_demo_model": False,
            "health_check_seconds": 0,
        },
    )


def raw_values_in(requests: list[dict], values: list[str]) -> list[str]:
    sent = json.dumps(requests, ensure_ascii=False)
    return [v for v in values if v in sent]


def test_web_chat_masks_and_restores(
    admin: TestClient, external: FakeOpenAIServer, runtime: Runtime
) -> None:
    text = "홍길동 주무관(010-1234-5678, gildong@korea.kr)에게 회신해 주세요."
    with admin.stream(
        "POST", "/api/chat", json={"text": text, "model": "ext", "data_class": "O"}
    ) as r:
        events = sse_events(r)
    answer = "".join(d["text"] for k, d in events if k == "delta")
    done = events[-1][1]
    assert raw_values_in(external.requests, ["홍길동", "010-1234-5678", "gildong@korea.kr"]) == []
    assert "<이름_1>" in json.dumps(external.requests, ensure_ascii=False)
    assert answer == "요청하신 내용: " + text, "the user sees the real values"
    assert done["privacy"]["location"] == "external" and done["privacy"]["masked"]
    assert done["privacy"]["masking"]["total"] == 3, done["privacy"]
    conversation = admin.get(f"/api/conversations/{events[0][1]['conversation_id']}").json()
    assert conversation["messages"][1]["meta"]["privacy"]["masking"]["total"] == 3
    with runtime.database.reader() as session:
        record = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "chat.answer")
        ).one()
    privacy = json.loads(record.details)["privacy"]
    assert "010-1234-5678" not in json.dumps(privacy, ensure_ascii=False)
    assert {t["type"] for t in privacy["masking"]["types"]} == {"person", "phone", "email"}

    # The next turn reuses the conversation's placeholders.
    with admin.stream(
        "POST",
        "/api/chat",
        json={"text": "홍길동 님께 다시 연락", "conversation_id": events[0][1]["conversation_id"]},
    ) as r:
        sse_events(r)
    assert "<이름_1> 님께 다시 연락" in external.requests[-1]["messages"][-1]["content"]


def test_c_and_s_never_reach_the_external_model(
    admin: TestClient, external: FakeOpenAIServer
) -> None:
    for data_class in ("C", "S"):
        with admin.stream(
            "POST",
            "/api/chat",
            json={"text": "기밀 자료 요약", "model": "ext", "data_class": data_class},
        ) as r:
            events = sse_events(r)
        assert events[0][1]["rerouted"] and events[0][1]["model"] == "scripted"
        assert any("보안 등급" in n for n in events[0][1]["notices"])
    assert external.requests == []


def test_policy_can_forbid_rerouting(admin: TestClient, external: FakeOpenAIServer) -> None:
    view = admin.get("/api/admin/privacy-policy").json()
    assert {m["name"]: m["effective_classes"] for m in view["models"]} == {
        "scripted": ["C", "S", "O"],
        "ext": ["O"],
    }
    bad = admin.put("/api/admin/privacy-policy", json={"model_classes": {"ext": ["S", "O"]}})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "privacy.policy_invalid"
    saved = admin.put(
        "/api/admin/privacy-policy", json={"allow_reroute": False, "mask_internal": True}
    )
    assert saved.status_code == 200 and saved.json()["policy"]["allow_reroute"] is False
    with admin.stream(
        "POST", "/api/chat", json={"text": "민감 자료", "model": "ext", "data_class": "S"}
    ) as r:
        events = sse_events(r)
    assert events == [("error", events[0][1])] and events[0][1]["code"] == "model.not_allowed"
    assert external.requests == []
    records = admin.get("/api/audit", params={"action": "admin.privacy_policy_update"}).json()[
        "records"
    ]
    assert records[0]["details"]["after"]["allow_reroute"] is False


def same_values(text: str, values: list[str]) -> str:
    """``text`` with every known value replaced by its letters and digits only."""
    for value in sorted(set(values), key=len, reverse=True):
        text = text.replace(value, "⟦" + re.sub(r"[\W_]", "", value) + "⟧")
    return text


@pytest.mark.slow
def test_generated_conversations_leak_nothing(
    client: TestClient, accounts: Accounts, external: FakeOpenAIServer
) -> None:
    token = login(client, "admin").post("/api/tokens", json={"name": "leak"}).json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token")

    @settings(max_examples=1000, deadline=None, suppress_health_check=HEALTH)
    @given(turns=st.lists(turn(), min_size=1, max_size=3), data_class=st.sampled_from("CSO"))
    def check(turns: list[tuple[str, list[str]]], data_class: str) -> None:
        before = len(external.requests)
        messages = [
            {"role": "user" if i % 2 == 0 else "assistant", "content": t}
            for i, (t, _) in enumerate(turns)
        ]
        if messages[-1]["role"] != "user":
            messages.append({"role": "user", "content": turns[0][0]})
        values = [v for _, vs in turns for v in vs]
        response = client.post(
            "/v1/chat/completions",
            headers={**api, "X-Doum-Data-Class": data_class},
            json={"model": "ext", "messages": messages},
        )
        assert response.status_code == 200, response.text
        new = external.requests[before:]
        if data_class != "O":
            assert new == [], "C/S content reached the external model"
            assert response.headers["X-Doum-Rerouted-From"] == "ext"
            return
        assert len(new) == 1
        assert raw_values_in(new, values) == [], "raw identifier sent outside"
        answer = response.json()["choices"][0]["message"]["content"]
        expected = "요청하신 내용: " + messages[-1]["content"]
        # One value written two ways ("5100 0100 …", "5100-0100-…") shares a placeholder
        # and comes back in the form typed last: compare values by what they are.
        assert same_values(answer, values) == same_values(expected, values), "placeholders restored"

    check()
