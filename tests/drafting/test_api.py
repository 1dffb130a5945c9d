"""The drafting studio over HTTP: pages, JSON API, SSE generation and tools, uploads,
export downloads, and the library — with other people's drafts out of reach."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient

from doum.documents import read_bytes
from tests.drafting.conftest import PROJECT_FACTS
from tests.webtools import Accounts, login, sse_events


def test_pages_render(admin: TestClient) -> None:
    for path, marker in (
        ("/drafts", "template-grid"),
        ("/drafts/new?template=press-release", "fields-form"),
        ("/library", "library-list"),
    ):
        response = admin.get(path)
        assert response.status_code == 200 and marker in response.text
        assert (
            "<script>" not in response.text and "style=" not in response.text
        )  # CSP: no inline code


def test_pages_need_login(client: TestClient) -> None:
    response = client.get("/drafts", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]


def test_draft_flow_over_http(admin: TestClient, scripted: Any) -> None:
    templates = admin.get("/api/drafting/templates").json()
    assert [t["id"] for t in templates["templates"]][:3] == ["press-release", "speech", "report"]
    assert templates["fact_names"][0]["name"] == "사업명"
    facts = admin.post(
        "/api/drafting/facts", json={"name": "스마트 경로당", "facts": PROJECT_FACTS}
    ).json()
    filled = admin.post(
        "/api/drafting/templates/speech/fill", json={"fact_set_id": facts["id"]}
    ).json()["fields"]
    assert filled["행사명"] == PROJECT_FACTS["행사명"] and filled["청중"] == PROJECT_FACTS["대상"]
    draft = admin.post(
        "/api/drafts", json={"template_id": "press-release", "fact_set_id": facts["id"]}
    ).json()
    assert draft["data_class"] == "S" and draft["template"]["name"] == "보도자료"  # the facts are S
    upload = admin.post(
        f"/api/drafts/{draft['id']}/attachments",
        files={
            "file": (
                "현황.md",
                "# 현황\n\n## 대상\n\n경로당 200곳이 대상이다.\n".encode(),
                "text/markdown",
            )
        },
        data={"data_class": "O"},
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["section_count"] == 2
    with admin.stream(
        "POST", f"/api/drafts/{draft['id']}/generate", json={"request": "짧게"}
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response)
    kinds = [e for e, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "delta" in kinds
    start, done = events[0][1], events[-1][1]
    assert start["sources"][0]["label"] == "현황.md > 현황 > 대상"
    assert all(s["ok"] for s in done["checks"]["sections"])
    assert "[추가 요청] 짧게" in scripted.calls[-1].messages[-1].content

    edited = done["content"] + "\n추가 문단입니다. 예산 40억 원.\n"
    patched = admin.patch(
        f"/api/drafts/{draft['id']}", json={"content": edited, "title": "보도자료 최종"}
    ).json()
    assert patched["title"] == "보도자료 최종" and patched["content"] == edited
    assert {"text": "40억 원", "status": "unverified"}.items() <= patched["checks"]["numbers"][
        -1
    ].items()
    lowered = admin.patch(f"/api/drafts/{draft['id']}", json={"data_class": "O"})
    assert (
        lowered.status_code == 400 and lowered.json()["error"]["code"] == "drafting.class_lowered"
    )

    exported = admin.get(f"/api/drafts/{draft['id']}/export?format=hwpx")
    assert exported.status_code == 200
    assert (
        "filename*=UTF-8''%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C%20%EC%B5%9C%EC%A2%85.hwpx"
        in exported.headers["content-disposition"]
    )
    back = read_bytes(exported.content, filename="x.hwpx", isolated=False)
    assert any(b.text == "추가 문단입니다. 예산 40억 원." for b in back.blocks)
    assert (
        admin.get(f"/api/drafts/{draft['id']}/export?format=pdf").json()["error"]["code"]
        == "drafting.export_format"
    )

    scripted.script = staticmethod(
        lambda r: r.messages[-1].content.replace("추가 문단입니다", "덧붙이는 문단입니다")
    )
    suggestion = admin.post(f"/api/drafts/{draft['id']}/tools/proofread", json={}).json()[
        "suggestion"
    ]
    model_hunk = next(h for h in suggestion["hunks"] if h["source"] == "model")
    applied = admin.post(
        f"/api/drafts/{draft['id']}/suggestions/{suggestion['id']}/apply",
        json={"accept": [model_hunk["id"]]},
    ).json()
    assert "덧붙이는 문단입니다" in applied["content"]
    revisions = admin.get(f"/api/drafts/{draft['id']}/revisions").json()["revisions"]
    assert [r["source"] for r in revisions][:3] == ["proofread", "edit", "generate"]
    listed = admin.get("/api/drafts?q=최종").json()["drafts"]
    assert [d["id"] for d in listed] == [draft["id"]]


def test_tool_progress_streams(admin: TestClient, scripted: Any) -> None:
    scripted.script = staticmethod(lambda r: "○ 요약함")
    content = "# 계획\n" + "".join(
        f"## {i}장\n" + "내용 문장입니다. " * 120 + "\n" for i in range(1, 4)
    )
    draft = admin.post("/api/drafts", json={"title": "요약할 문서", "content": content}).json()
    with admin.stream(
        "POST",
        f"/api/drafts/{draft['id']}/tools/summarise",
        json={"ratio": 0.2},
        headers={"Accept": "text/event-stream"},
    ) as response:
        events = sse_events(response)
    kinds = [e for e, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("progress") >= 4
    suggestion = events[-1][1]["suggestion"]
    assert suggestion["meta"]["target_ratio"] == 0.2
    new = admin.post(
        f"/api/drafts/{draft['id']}/suggestions/{suggestion['id']}/apply", json={"mode": "new"}
    ).json()
    assert (
        new["id"] != draft["id"]
        and new["title"] == "요약할 문서 요약"
        and "### 1장" in new["content"]
    )


def test_other_people_cannot_reach_a_draft(
    client: TestClient, accounts: Accounts, scripted: Any
) -> None:
    accounts.add("kim", department="노인복지과")
    accounts.add("lee", department="노인복지과")
    login(client, "kim")
    draft = client.post(
        "/api/drafts", json={"template_id": "report", "fields": PROJECT_FACTS}
    ).json()
    client.post("/api/auth/logout")
    login(client, "lee")
    for method, path in (("GET", ""), ("PATCH", ""), ("GET", "/export?format=md"), ("DELETE", "")):
        response = client.request(
            method, f"/api/drafts/{draft['id']}{path}", json={} if method == "PATCH" else None
        )
        assert response.status_code == 404, (method, path)
    with client.stream("POST", f"/api/drafts/{draft['id']}/generate", json={}) as response:
        assert sse_events(response)[-1][1]["code"] == "drafting.draft_not_found"
    assert client.get("/api/drafts").json()["drafts"] == []


def test_library_over_http(client: TestClient, accounts: Accounts) -> None:
    accounts.add("kim", department="노인복지과")
    accounts.add("park", department="관광과")
    login(client, "kim")
    item = client.post(
        "/api/library",
        json={
            "category": "번역",
            "title": "외국인 주민 안내문 번역",
            "body": "다음 안내문을 베트남어로…",
            "visibility": "organisation",
        },
    ).json()
    assert item["kind_label"] == "프롬프트" and item["visibility_label"] == "기관 전체"
    bad = client.post("/api/library", json={"category": "기타", "title": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "drafting.category_invalid"
    client.post("/api/auth/logout")
    login(client, "park")
    found = client.get("/api/library?q=베트남어&category=번역").json()["items"]
    assert [i["id"] for i in found] == [item["id"]]
    assert (
        client.post(f"/api/library/{item['id']}/like", json={"liked": True}).json()["like_count"]
        == 1
    )
    copied = client.post(f"/api/library/{item['id']}/copy").json()
    assert client.get(f"/api/library/{copied['item_id']}").json()["visibility"] == "private"
    assert client.delete(f"/api/library/{item['id']}").status_code == 403


def test_upload_errors_are_korean(admin: TestClient) -> None:
    draft = admin.post("/api/drafts", json={"title": "빈 초안"}).json()
    response = admin.post(
        f"/api/drafts/{draft['id']}/attachments",
        files={"file": ("깨진.hwpx", io.BytesIO(b"PK\x03\x04garbage"), "application/octet-stream")},
    )
    assert response.status_code in (400, 415), response.text
    error = response.json()["error"]
    assert error["code"].startswith("document.") and (
        "손상" in error["message"] or "형식" in error["message"]
    )
