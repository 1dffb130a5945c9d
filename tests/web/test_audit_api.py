"""Auditors browse, verify and export the audit log; reading it is itself audited."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import text

from doum.accounts.roles import Role
from doum.runtime import Runtime
from tests.webtools import Accounts, login


def test_browse_filter_export_verify(
    client: TestClient, accounts: Accounts, runtime: Runtime
) -> None:
    accounts.add("auditor", Role.AUDITOR)
    client.post("/api/auth/login", json={"username": "admin", "password": "wrong"})
    login(client, "auditor")
    records = client.get("/api/audit").json()["records"]
    assert {"auth.login_failed", "auth.login", "admin.user_create"} <= {
        r["action"] for r in records
    }
    failed = client.get("/api/audit", params={"outcome": "failure"}).json()["records"]
    assert [r["action"] for r in failed] == ["auth.login_failed"]
    assert failed[0]["details"] == {"reason": "bad_password"}
    by_prefix = client.get("/api/audit", params={"action": "auth."}).json()["records"]
    assert all(r["action"].startswith("auth.") for r in by_prefix)

    export = client.get("/api/audit/export.csv", params={"action": "auth."})
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["순번", "일시(UTC)", "사용자", "사용자ID", "행위"]
    assert {row[4] for row in rows[1:]} <= {"auth.login", "auth.login_failed", "auth.logout"}

    report = client.get("/api/audit/verify").json()
    assert report["ok"] and report["checked"] >= 5
    latest = client.get("/api/audit").json()["records"]
    assert {"audit.view", "audit.export", "audit.verify"} <= {r["action"] for r in latest}


def test_verify_reports_tampering(client: TestClient, accounts: Accounts, runtime: Runtime) -> None:
    login(client, "admin")
    for i in range(3):
        client.post("/api/admin/departments", json={"name": f"과{i}"})
    with runtime.database.engine.begin() as connection:
        if runtime.database.is_sqlite:
            connection.execute(text("DROP TRIGGER audit_records_no_update"))
        else:
            connection.execute(
                text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_change")
            )
        connection.execute(
            text(
                'UPDATE audit_records SET details = \'{"name":"조작"}\' '
                "WHERE action = 'admin.department_create' AND details LIKE '%과1%'"
            )
        )
    report = client.get("/api/audit/verify").json()
    assert not report["ok"]
    assert [p["kind"] for p in report["problems"]] == ["edited"]
    assert "내용이 변경됨" in report["problems"][0]["description"]


def test_monthly_review(client: TestClient, accounts: Accounts, runtime: Runtime) -> None:
    from datetime import datetime

    from doum.audit.report import KST

    for _ in range(5):
        client.post("/api/auth/login", json={"username": "admin", "password": "wrong"})
    accounts.add("auditor", Role.AUDITOR)
    login(client, "auditor")
    month = datetime.now(KST).strftime("%Y-%m")
    report = client.get("/api/audit/report", params={"month": month}).json()
    assert report["month"] == month and report["total"] >= 7
    assert report["failed_logins"][0] == {"username": "admin", "ip": "testclient", "count": 5}
    assert report["lockouts"] == 1
    assert any(s["action"] == "admin.user_create" for s in report["sensitive"])
    bad = client.get("/api/audit/report", params={"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "input.invalid"
    assert client.get("/api/audit", params={"action": "audit.report"}).json()["records"]
