"""Knowledge bases over HTTP: create, upload through the real queue with per-file
progress, search, open the document at the cited article, download, delete, re-sync —
every step audited."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.runtime import Runtime
from tests.knowledge_web.conftest import (
    FUTURE_STATUTE,
    STATUTE,
    create_kb,
    department,
    statute_kb,
    upload,
    wait_indexed,
)


def audit_actions(runtime: Runtime) -> list[tuple[str, dict]]:
    with runtime.database.reader() as session:
        rows = session.scalars(select(AuditRecord).order_by(AuditRecord.seq)).all()
        return [(r.action, json.loads(r.details)) for r in rows]


def test_upload_index_search_and_open_the_cited_article(
    admin: TestClient, runtime: Runtime
) -> None:
    kb = create_kb(admin, "법령", "O", description="주민등록 관련 법령")
    assert kb["can_write"] and kb["department"] == "정보화과"
    [result] = upload(admin, kb["id"], ("주민등록법.md", STATUTE))
    assert result["error"] is None and result["status"] == "queued"
    assert result["status_label"] == "대기 중"
    [row] = wait_indexed(admin, [result["document_id"]])
    assert row["status"] == "done" and row["status_label"] == "완료" and row["progress"] == 1.0
    assert row["chunk_count"] == 2 and row["vector_count"] == 2 and row["searchable"]
    assert set(row["seen"]) <= {"queued", "parsing", "indexing", "done"}

    listed = admin.get("/api/kb").json()["knowledge_bases"]
    assert [(k["name"], k["document_count"], k["chunk_count"]) for k in listed] == [("법령", 1, 2)]

    found = admin.post(
        "/api/knowledge/search", json={"query": "등본은 어디서 떼나요", "mode": "lexical"}
    ).json()
    top = found["hits"][0]
    assert top["citation"]["label"] == "주민등록법 제29조(열람 또는 등ㆍ초본의 교부)"
    assert top["citation"]["effective_date"] == "2024-01-01"
    snippet = top["citation"]["snippet"]
    assert any(snippet[s:e] == "등본" for s, e in top["citation"]["highlights"])
    assert top["url"] == f"/knowledge/documents/{row['id']}#chunk-{top['chunk_id']}"
    assert found["data_class"] == "O"
    # the GET form of the same API, and the hybrid mode (hashing vectors)
    again = admin.get(
        "/api/knowledge/search", params={"q": "등본 교부 신청", "kb": kb["id"]}
    ).json()
    assert again["mode"] == "hybrid" and again["hits"][0]["chunk_id"] == top["chunk_id"]

    page = admin.get(top["url"].split("#")[0])
    assert page.status_code == 200
    html = page.text
    assert f'id="chunk-{top["chunk_id"]}"' in html
    assert 'id="article-제29조"' in html and "주민등록표를 열람하거나" in html
    assert "시행일자" in html and "2024-01-01" in html

    view = admin.get(f"/api/kb/documents/{row['id']}").json()
    assert [s["article_anchor"] for s in view["sections"]] == ["article-제1조", "article-제29조"]
    assert view["sections"][0]["chapter"] == "제1장 총칙"
    download = admin.get(f"/api/kb/documents/{row['id']}/file")
    assert download.status_code == 200 and download.content.decode() == STATUTE
    assert "attachment" in download.headers["content-disposition"]

    actions = [a for a, _ in audit_actions(runtime)]
    for action in (
        "kb.create",
        "kb.upload",
        "knowledge.search",
        "knowledge.document_read",
        "knowledge.document_download",
    ):
        assert action in actions, action
    search_record = next(d for a, d in audit_actions(runtime) if a == "knowledge.search")
    assert search_record["query"] == "등본은 어디서 떼나요"
    assert search_record["chunk_ids"][0] == top["chunk_id"]


def test_each_file_gets_its_own_result_and_clear_error(admin: TestClient) -> None:
    kb = create_kb(admin, "편람")
    results = upload(
        admin,
        kb["id"],
        ("설명.exe", b"MZ\x90\x00"),
        ("빈파일.txt", b""),
        ("깨진.pdf", b"%PDF-1.7 this is not really a pdf"),
        ("메모.txt", "민원은 방문, 우편, 인터넷으로 접수한다.\n처리 기간은 7일이다."),
    )
    by_name = {r["filename"]: r for r in results}
    assert by_name["설명.exe"]["error"]["code"] == "knowledge.upload_unsupported"
    assert "지원하지 않는 파일 형식" in by_name["설명.exe"]["error"]["message"]
    assert by_name["빈파일.txt"]["error"]["code"] == "knowledge.upload_empty"
    ids = [by_name["깨진.pdf"]["document_id"], by_name["메모.txt"]["document_id"]]
    broken, memo = wait_indexed(admin, ids)
    assert broken["status"] == "error" and broken["status_label"] == "오류"
    assert re.search(r"[가-힣]", broken["error_message"]), broken
    assert memo["status"] == "done"

    # the page lists both, the failed one with its Korean reason
    docs = admin.get(f"/api/kb/{kb['id']}/documents").json()["documents"]
    assert {d["filename"]: d["status"] for d in docs} == {"깨진.pdf": "error", "메모.txt": "done"}


def test_reupload_replaces_delete_and_resync(admin: TestClient, runtime: Runtime) -> None:
    kb, document_id = statute_kb(admin)
    [same] = upload(admin, kb["id"], ("주민등록법.md", STATUTE))
    assert same["document_id"] == document_id and same["unchanged"]
    changed = STATUTE.replace("전국 어디서나", "가까운 행정복지센터에서")
    [replaced] = upload(admin, kb["id"], ("주민등록법.md", changed))
    assert replaced["document_id"] == document_id and not replaced["unchanged"]
    wait_indexed(admin, [document_id])
    hits = admin.post(
        "/api/knowledge/search", json={"query": "행정복지센터", "mode": "lexical"}
    ).json()["hits"]
    assert hits and hits[0]["citation"]["document_id"] == document_id
    assert len(admin.get(f"/api/kb/{kb['id']}/documents").json()["documents"]) == 1

    sync = admin.post(f"/api/kb/{kb['id']}/sync").json()
    assert sync["queued"] == 0 and "대기열" in sync["message"]

    assert admin.delete(f"/api/kb/documents/{document_id}").json() == {"ok": True}
    assert (
        admin.post(
            "/api/knowledge/search", json={"query": "행정복지센터", "mode": "lexical"}
        ).json()["hits"]
        == []
    )
    assert admin.get(f"/api/kb/documents/{document_id}").status_code == 404

    assert admin.delete(f"/api/kb/{kb['id']}").json() == {"ok": True}
    assert admin.get("/api/kb").json()["knowledge_bases"] == []
    actions = [a for a, _ in audit_actions(runtime)]
    assert {"kb.document_delete", "kb.delete", "kb.sync"} <= set(actions)


def test_search_filters_and_flags(admin: TestClient) -> None:
    kb = create_kb(admin, "법령")
    results = upload(admin, kb["id"], ("주민등록법.md", STATUTE), ("청년.md", FUTURE_STATUTE))
    wait_indexed(admin, [r["document_id"] for r in results])

    future = admin.post(
        "/api/knowledge/search", json={"query": "청년 수당 지급", "mode": "lexical"}
    ).json()
    citation = future["hits"][0]["citation"]
    assert citation["flags"] == ["retrieval.future_effective", "retrieval.not_in_force"]
    assert any("아직 시행되지 않은" in m for m in citation["flag_messages"])

    in_force = admin.post(
        "/api/knowledge/search",
        json={"query": "청년 수당 지급 등본", "mode": "lexical", "effective_to": "2025-01-01"},
    ).json()
    assert {h["citation"]["law"] for h in in_force["hits"]} == {"주민등록법"}
    by_law = admin.post(
        "/api/knowledge/search",
        json={"query": "청년 수당 지급 등본", "mode": "lexical", "laws": ["청년기본수당법"]},
    ).json()
    assert {h["citation"]["law"] for h in by_law["hits"]} == {"청년기본수당법"}
    nothing = admin.post(
        "/api/knowledge/search", json={"query": "항공기 운항 허가", "mode": "lexical"}
    ).json()
    assert nothing["hits"] == [] and "관련 근거를 찾지 못했습니다" in nothing["notice"]

    bad = admin.post("/api/knowledge/search", json={"query": "등본", "effective_to": "2025-13-40"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "knowledge.date_invalid"


def test_access_list_is_enforced_everywhere(app, admin: TestClient, accounts) -> None:  # type: ignore[no-untyped-def]
    from doum.accounts.roles import Role
    from tests.webtools import login

    accounts.add("clerk", Role.STAFF, department="민원과")
    accounts.add("welfare", Role.STAFF, department="복지과")
    owner = department(admin, "민원과")
    kb, document_id = statute_kb_in(admin, owner)
    welfare = login(TestClient(app), "welfare")
    clerk = login(TestClient(app), "clerk")

    def invisible() -> None:
        assert welfare.get("/api/kb").json()["knowledge_bases"] == []
        assert welfare.get(f"/api/kb/{kb['id']}").json()["error"]["code"] == "kb.not_found"
        assert welfare.get(f"/api/kb/{kb['id']}/documents").status_code == 404
        assert welfare.get(f"/api/kb/documents/{document_id}").status_code == 404
        assert welfare.get(f"/knowledge/documents/{document_id}").status_code == 404
        assert welfare.get(f"/api/kb/documents/{document_id}/file").status_code == 404
        assert (
            welfare.get("/api/kb/progress", params={"ids": document_id}).json()["documents"] == []
        )
        found = welfare.post(
            "/api/knowledge/search", json={"query": "등본 교부 신청", "kb_ids": [kb["id"]]}
        )
        assert found.json()["hits"] == []
        upload_attempt = welfare.post(
            f"/api/kb/{kb['id']}/documents", files=[("files", ("a.txt", b"x", "text/plain"))]
        )
        assert upload_attempt.status_code == 404

    invisible()
    # the owning department reads but may not write (staff, not manager)
    assert [k["name"] for k in clerk.get("/api/kb").json()["knowledge_bases"]] == ["법령"]
    forbidden = clerk.post(
        f"/api/kb/{kb['id']}/documents", files=[("files", ("a.txt", b"x", "text/plain"))]
    )
    assert (
        forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "kb.write_forbidden"
    )
    assert clerk.delete(f"/api/kb/{kb['id']}").status_code == 403

    grant = admin.post(
        f"/api/kb/{kb['id']}/access",
        json={
            "kind": "department",
            "grantee_id": department(admin, "복지과"),
            "permission": "read",
        },
    )
    assert grant.status_code == 201
    [entry] = grant.json()["access"]
    assert entry["name"] == "복지과" and entry["permission"] == "read"
    hits = welfare.post("/api/knowledge/search", json={"query": "등본 교부 신청"}).json()["hits"]
    assert hits and hits[0]["citation"]["document_id"] == document_id
    assert welfare.get(f"/knowledge/documents/{document_id}").status_code == 200
    assert (
        welfare.post(
            f"/api/kb/{kb['id']}/access", json={"kind": "user", "grantee_id": 1}
        ).status_code
        == 403
    )

    assert admin.delete(f"/api/kb/{kb['id']}/access/{entry['id']}").json() == {"ok": True}
    invisible()


def statute_kb_in(client: TestClient, department_id: int) -> tuple[dict, str]:
    kb = create_kb(client, "법령", department_id=department_id)
    [result] = upload(client, kb["id"], ("주민등록법.md", STATUTE))
    wait_indexed(client, [result["document_id"]])
    return kb, result["document_id"]


def test_pages_render(admin: TestClient) -> None:
    kb, document_id = statute_kb(admin)
    for path, marker in (
        ("/knowledge", "knowledge.js"),
        (f"/knowledge?kb={kb['id']}", 'data-selected="' + kb["id"]),
        ("/knowledge/search", "knowledge_search.js"),
        ("/assistants", "assistants.js"),
        ("/", "chat_sources.js"),
        (f"/knowledge/documents/{document_id}", "원본 내려받기"),
    ):
        page = admin.get(path)
        assert page.status_code == 200 and marker in page.text, path
    anonymous = TestClient(admin.app).get("/knowledge", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
