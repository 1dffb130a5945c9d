"""The OpenAI-compatible API as another internal system would call it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.runtime import Runtime
from doum.testing.scripted import ScriptedChatModel
from tests.webtools import Accounts, LiveServer


@pytest.fixture
def token(admin: TestClient) -> str:
    response = admin.post("/api/tokens", json={"name": "민원시스템"})
    assert response.status_code == 201
    return response.json()["token"]


@pytest.fixture
def api(client: TestClient, token: str) -> TestClient:
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_models(api: TestClient) -> None:
    body = api.get("/v1/models").json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["scripted"]


def test_non_streaming_completion(api: TestClient, runtime: Runtime, token: str) -> None:
    ScriptedChatModel.script = lambda request: "네, 가능합니다."
    response = api.post(
        "/v1/chat/completions",
        json={"model": "scripted", "messages": [{"role": "user", "content": "가능한가요?"}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "네, 가능합니다."}
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["completion_tokens"] == 2
    with runtime.database.reader() as session:
        records = {r.action: r for r in session.scalars(select(AuditRecord))}
    prompt = json.loads(records["api.chat_prompt"].details)
    answer = json.loads(records["api.chat_answer"].details)
    assert prompt["messages"][-1]["content"] == "가능한가요?"
    assert prompt["token_name"] == "민원시스템"
    assert records["api.chat_prompt"].actor == "admin"
    assert answer["text"] == "네, 가능합니다." and answer["model"] == "scripted"


def test_streaming_completion_matches_openai_wire_format(api: TestClient) -> None:
    ScriptedChatModel.script = lambda request: "하나 둘 셋"
    with api.stream(
        "POST",
        "/v1/chat/completions",
        json={
            "model": "scripted",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [
                {"role": "system", "content": "짧게"},
                {"role": "user", "content": [{"type": "text", "text": "세어 봐"}]},
            ],
        },
    ) as response:
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line.startswith("data:")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[5:]) for line in lines[:-1]]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "하나 둘 셋"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == 3
    assert ScriptedChatModel.calls[-1].messages[-1].content == "세어 봐"


def test_the_openai_python_client_works(live_server: LiveServer, token: str) -> None:
    openai = pytest.importorskip("openai")
    ScriptedChatModel.script = lambda request: "클라이언트 호환"
    client = openai.OpenAI(
        base_url=live_server.url + "/v1",
        api_key=token,
        max_retries=0,
        http_client=httpx.Client(trust_env=False),
    )
    result = client.chat.completions.create(
        model="scripted", messages=[{"role": "user", "content": "안녕"}]
    )
    assert result.choices[0].message.content == "클라이언트 호환"
    stream = client.chat.completions.create(
        model="scripted", messages=[{"role": "user", "content": "안녕"}], stream=True
    )
    assert (
        "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == "클라이언트 호환"
    )


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        (
            {"Authorization": "Bearer doum_wrong"},
            {"model": "scripted", "messages": [{"role": "user", "content": "x"}]},
            401,
            "auth.invalid_token",
        ),
        (
            {"Authorization": ""},
            {"model": "scripted", "messages": [{"role": "user", "content": "x"}]},
            401,
            "auth.required",
        ),
        (
            {},
            {"model": "nope", "messages": [{"role": "user", "content": "x"}]},
            404,
            "model.unknown",
        ),
        ({}, {"model": "scripted", "messages": []}, 422, "input.invalid"),
        (
            {},
            {"model": "scripted", "messages": [{"role": "user", "content": " "}]},
            400,
            "chat.empty_message",
        ),
        (
            {},
            {"model": "scripted", "messages": [{"role": "wizard", "content": "x"}]},
            422,
            "input.invalid",
        ),
        (
            {"X-Doum-Data-Class": "Z"},
            {"model": "scripted", "messages": [{"role": "user", "content": "x"}]},
            400,
            "input.invalid",
        ),
    ],
)
def test_bad_requests_get_openai_shaped_korean_errors(
    api: TestClient, headers: dict[str, str], body: dict[str, object], status: int, code: str
) -> None:
    if headers.get("Authorization") == "":
        api.headers.pop("Authorization")
        headers = {}
    response = api.post("/v1/chat/completions", json=body, headers=headers)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["type"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in error["message"]), "message must be Korean"


def test_malformed_json_and_oversized_body(api: TestClient) -> None:
    response = api.post(
        "/v1/chat/completions", content=b'{"model": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "input.malformed_json"
    response = api.post(
        "/v1/chat/completions",
        content=b"x" * 2_000_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "input.body_too_large"


def test_revoked_and_other_users_tokens(
    api: TestClient, admin: TestClient, accounts: Accounts, token: str
) -> None:
    assert api.get("/v1/models").status_code == 200
    api.headers.pop("Authorization")
    from tests.webtools import login

    login(api, "admin")
    token_id = api.get("/api/tokens").json()["tokens"][0]["id"]
    accounts.add("kim")
    api.cookies.clear()
    login(api, "kim")
    assert api.delete(f"/api/tokens/{token_id}").status_code == 404, "only the owner may revoke"
    api.cookies.clear()
    login(api, "admin")
    assert api.delete(f"/api/tokens/{token_id}").json() == {"ok": True}
    api.cookies.clear()
    api.headers.pop("X-CSRF-Token")
    api.headers["Authorization"] = f"Bearer {token}"
    response = api.get("/v1/models")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.invalid_token"


def test_unavailable_model_is_a_503(api: TestClient) -> None:
    ScriptedChatModel.fail_with = "model.unavailable"
    response = api.post(
        "/v1/chat/completions",
        json={"model": "scripted", "stream": True, "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model.unavailable"


def test_a_client_that_leaves_stops_the_answer(live_server: LiveServer, token: str) -> None:
    """The upstream generation stops and the answer is audited as stopped, with the part
    that was sent (the server's `send` alone would not notice the client going)."""
    ScriptedChatModel.script = lambda request: " ".join(f"단어{i}" for i in range(300))
    ScriptedChatModel.delay = 0.01
    events = 0
    with (
        httpx.Client(trust_env=False, timeout=10) as client,
        client.stream(
            "POST",
            live_server.url + "/v1/chat/completions",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "model": "scripted",
                "stream": True,
                "messages": [{"role": "user", "content": "길게"}],
            },
        ) as response,
    ):
        assert response.status_code == 200
        for line in response.iter_lines():
            events += line.startswith("data:")
            if events >= 3:
                break  # the connection closes
    text = _stopped_answer(live_server.runtime)
    assert text.startswith("단어0 단어1 단어2") and len(text.split()) < 300


def test_a_client_that_gives_up_on_a_whole_answer_stops_it(
    live_server: LiveServer, token: str
) -> None:
    ScriptedChatModel.script = lambda request: " ".join(f"단어{i}" for i in range(300))
    ScriptedChatModel.delay = 0.01
    with (
        httpx.Client(trust_env=False, timeout=0.5) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.post(
            live_server.url + "/v1/chat/completions",
            headers={"Authorization": f"Bearer {token}"},
            json={"model": "scripted", "messages": [{"role": "user", "content": "길게"}]},
        )
    assert len(_stopped_answer(live_server.runtime).split()) < 300


def _stopped_answer(runtime: Runtime) -> str:
    """The text of the one API answer, once it is audited; it must have stopped."""
    deadline = time.time() + 5
    answer = None
    while answer is None and time.time() < deadline:
        with runtime.database.reader() as session:
            answer = session.scalars(
                select(AuditRecord).where(AuditRecord.action == "api.chat_answer")
            ).one_or_none()
        time.sleep(0.05)
    assert answer is not None, "the answer was not audited"
    assert answer.outcome == "stopped"
    return str(json.loads(answer.details)["text"])


def test_the_endpoint_answers_like_every_route(api: TestClient) -> None:
    """Served ahead of the framework, it still refuses other methods and chunked bodies
    over the limit in Korean, sends the security headers, and is documented."""
    response = api.get("/v1/chat/completions")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "route.method_not_allowed"
    assert "허용되지 않는" in response.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    response = api.post(
        "/v1/chat/completions", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "input.body_too_large"
    assert response.headers["x-content-type-options"] == "nosniff"

    ScriptedChatModel.script = lambda request: "네"
    response = api.post(
        "/v1/chat/completions",
        json={"model": "scripted", "stream": True, "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-doum-model"] == "scripted"

    paths = api.get("/api/openapi.json").json()["paths"]
    operation = paths["/v1/chat/completions"]["post"]
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schemas = api.get("/api/openapi.json").json()["components"]["schemas"]
    assert reference.rsplit("/", 1)[1] in schemas and "InMessage" in schemas
