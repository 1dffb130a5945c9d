"""Administrators manage departments, users, roles and groups; every change is audited."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from doum.audit.models import AuditRecord
from doum.runtime import Runtime
from tests.webtools import PASSWORD, login


def test_departments_users_roles(admin: TestClient, runtime: Runtime) -> None:
    d = admin.post("/api/admin/departments", json={"name": "행정정보과", "code": "6410000"})
    assert d.status_code == 201
    dup = admin.post("/api/admin/departments", json={"name": "행정정보과"})
    assert dup.status_code == 400 and dup.json()["error"]["code"] == "account.department_taken"
    created = admin.post(
        "/api/admin/users",
        json={
            "username": "kim.js",
            "password": PASSWORD,
            "display_name": "김주사",
            "department": "행정정보과",
            "roles": ["staff", "department_manager"],
            "position": "주무관",
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["department"] == "행정정보과" and user["roles"] == ["department_manager", "staff"]
    listed = admin.get("/api/admin/departments").json()["departments"]
    assert listed[0]["members"] == 1
    in_use = admin.delete(f"/api/admin/departments/{d.json()['id']}")
    assert in_use.json()["error"]["code"] == "account.department_in_use"
    changed = admin.patch(f"/api/admin/users/{user['id']}", json={"roles": ["auditor"]}).json()
    assert changed["roles"] == ["auditor"]
    with runtime.database.reader() as session:
        records = list(
            session.scalars(select(AuditRecord).where(AuditRecord.action.startswith("admin.")))
        )
    assert [r.action for r in records] == [
        "admin.user_create",
        "admin.department_create",
        "admin.user_create",
        "admin.user_update",
    ]
    assert json.loads(records[-1].details)["roles"] == ["auditor"]
    assert records[-1].actor == "admin"


def test_user_validation(admin: TestClient) -> None:
    cases = [
        ({"username": "Bad Name", "password": PASSWORD}, "account.username_invalid"),
        ({"username": "kim", "password": "short"}, "account.password_weak"),
        (
            {"username": "kim", "password": PASSWORD, "department": "없는과"},
            "account.department_unknown",
        ),
        ({"username": "admin", "password": PASSWORD}, "account.username_taken"),
    ]
    for body, code in cases:
        response = admin.post("/api/admin/users", json=body)
        assert response.json()["error"]["code"] == code, body
    response = admin.post(
        "/api/admin/users", json={"username": "kim", "password": PASSWORD, "roles": ["emperor"]}
    )
    assert response.status_code == 422
    assert len(admin.get("/api/admin/users").json()["users"]) == 1, "nothing written half-way"


def test_last_admin_cannot_be_removed(admin: TestClient) -> None:
    me = admin.get("/api/admin/users").json()["users"][0]
    response = admin.patch(f"/api/admin/users/{me['id']}", json={"roles": ["staff"]})
    assert response.json()["error"]["code"] == "account.last_admin"
    response = admin.patch(f"/api/admin/users/{me['id']}", json={"is_active": False})
    assert response.json()["error"]["code"] == "account.last_admin"
    assert admin.get("/api/me").json()["roles"] == ["admin"]


def test_password_reset_unlocks(admin: TestClient, client: TestClient) -> None:
    user = admin.post("/api/admin/users", json={"username": "lee", "password": PASSWORD}).json()
    assert admin.post(
        f"/api/admin/users/{user['id']}/password", json={"password": "another-password-1"}
    ).json() == {"ok": True}
    client.cookies.clear()
    login(client, "lee", "another-password-1")


def test_groups(admin: TestClient) -> None:
    admin.post("/api/admin/users", json={"username": "lee", "password": PASSWORD})
    response = admin.post(
        "/api/admin/groups", json={"name": "AI 추진 TF", "members": ["lee", "admin"]}
    )
    assert response.status_code == 201
    assert [g["name"] for g in admin.get("/api/admin/groups").json()["groups"]] == ["AI 추진 TF"]
    bad = admin.post("/api/admin/groups", json={"name": "TF2", "members": ["ghost"]})
    assert bad.status_code == 404 and bad.json()["error"]["code"] == "account.user_unknown"
    assert len(admin.get("/api/admin/groups").json()["groups"]) == 1


def test_model_status(admin: TestClient) -> None:
    models = admin.get("/api/admin/models").json()["models"]
    assert models[0]["name"] == "scripted"
