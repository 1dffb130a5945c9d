"""Uploads get the upload limit; every other request the small body limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from doum.runtime import Runtime


def test_attachment_uploads_may_exceed_the_json_limit(admin: TestClient) -> None:
    templates = admin.get("/api/drafting/templates").json()["templates"]
    draft = admin.post(
        "/api/drafts", json={"template_id": templates[0]["id"], "title": "첨부 시험"}
    ).json()
    big_text = ("민원 처리 현황 보고. " * 120_000).encode("utf-8")  # ~3.4 MB
    assert len(big_text) > 2 * 1024 * 1024
    response = admin.post(
        f"/api/drafts/{draft['id']}/attachments",
        files={"file": ("현황.txt", big_text, "text/plain")},
    )
    assert response.status_code == 201, response.text
    too_big_json = admin.patch(
        f"/api/drafts/{draft['id']}",
        content=b'{"content": "' + b"a" * 2_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert too_big_json.status_code == 413
    assert too_big_json.json()["error"]["code"] == "input.body_too_large"


def test_server_processes_tune_themselves(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`doum serve` (and the ASGI entry point, in each worker) take what start-up built
    out of the garbage collector's full passes, make those passes rarer and shorten the
    GIL switch interval; apps built for tests do not."""
    import gc
    import sys

    from doum.web.app import create_app

    calls: list[object] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: calls.append(seconds))
    monkeypatch.setattr(gc, "set_threshold", lambda *limits: calls.append(limits))
    young, middle, _ = gc.get_threshold()
    with TestClient(create_app(runtime=runtime, server_process=True)) as client:
        assert client.get("/healthz").status_code == 200
    assert calls == [0.001, "freeze", (young, middle, 100)]
    with TestClient(create_app(runtime=runtime)) as client:
        assert client.get("/healthz").status_code == 200
    assert calls == [0.001, "freeze", (young, middle, 100)]
