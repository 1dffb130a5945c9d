"""Login, lockout, sessions, CSRF, first-administrator setup and role checks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from doum.accounts.models import LoginSession
from doum.audit.models import AuditRecord
from doum.runtime import Runtime
from tests.webtools import PASSWORD, Accounts, login


def actions(runtime: Runtime) -> list[str]:
    with runtime.database.reader() as session:
        return [r.action for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]


def test_first_admin_setup_needs_the_one_time_token(client: TestClient, runtime: Runtime) -> None:
    assert client.get("/login", follow_redirects=False).headers["location"] == "/setup"
    token = client.app.state.setup_token  # type: ignore[attr-defined]
    bad = client.post(
        "/api/setup", json={"token": "wrong", "username": "boss", "password": PASSWORD}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "auth.setup_token_invalid"
    weak = client.post("/api/setup", json={"token": token, "username": "boss", "password": "short"})
    assert weak.json()["error"]["code"] == "account.password_weak"
    ok = client.post("/api/setup", json={"token": token, "username": "boss", "password": PASSWORD})
    assert ok.status_code == 200
    again = client.post(
        "/api/setup", json={"token": token, "username": "boss2", "password": PASSWORD}
    )
    assert again.json()["error"]["code"] == "auth.setup_done"
    login(client, "boss")
    assert client.get("/api/me").json()["roles"] == ["admin"]


def test_setup_page_form(client: TestClient) -> None:
    token = client.app.state.setup_token  # type: ignore[attr-defined]
    page = client.get(f"/setup?token={token}")
    assert "최초 관리자" in page.text
    response = client.post(
        "/setup",
        data={
            "token": token,
            "username": "boss",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/setup", follow_redirects=False).headers["location"] == "/login"


def test_login_form_logout_and_audit(
    client: TestClient, accounts: Accounts, runtime: Runtime
) -> None:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    chat = client.get("/")
    assert chat.status_code == 200 and "새 대화" in chat.text
    logout_csrf = re.search(r'name="csrf_token" value="([^"]+)"', chat.text).group(1)  # type: ignore[union-attr]
    assert (
        client.post("/logout", data={"csrf_token": logout_csrf}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/api/me").status_code == 401
    assert actions(runtime)[-2:] == ["auth.login", "auth.logout"]


def test_login_form_without_csrf_is_refused(client: TestClient, accounts: Accounts) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403
    assert "보안 토큰" in response.text


def test_wrong_password_then_lockout(
    client: TestClient, accounts: Accounts, runtime: Runtime
) -> None:
    for _ in range(5):
        response = client.post("/api/auth/login", json={"username": "admin", "password": "wrong"})
        assert response.status_code == 401
        assert response.json()["error"] == {
            "code": "auth.invalid_credentials",
            "message": "아이디 또는 비밀번호가 올바르지 않습니다.",
        }
    locked = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert locked.status_code == 423 and locked.json()["error"]["code"] == "auth.locked"
    failures = [a for a in actions(runtime) if a == "auth.login_failed"]
    assert len(failures) == 6


def test_unknown_user_gets_the_same_answer(client: TestClient, accounts: Accounts) -> None:
    response = client.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.invalid_credentials"


def test_login_rate_limit_per_ip(client: TestClient, accounts: Accounts, runtime: Runtime) -> None:
    runtime.settings.security.login_rate_per_minute = 3
    codes = [
        client.post("/api/auth/login", json={"username": "x", "password": "y"}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [401, 401, 401] and codes[3] == 429


def test_csrf_required_for_cookie_requests(client: TestClient, accounts: Accounts) -> None:
    login(client, "admin")
    token = client.headers.pop("X-CSRF-Token")
    response = client.post("/api/conversations", json={})
    assert response.status_code == 403 and response.json()["error"]["code"] == "auth.csrf_failed"
    assert (
        client.post("/api/conversations", json={}, headers={"X-CSRF-Token": token}).status_code
        == 201
    )


def test_expired_and_idle_sessions(
    client: TestClient, accounts: Accounts, runtime: Runtime
) -> None:
    login(client, "admin")
    assert client.get("/api/me").status_code == 200
    with runtime.database.session() as session:
        row = session.scalars(select(LoginSession)).one()
        session.execute(
            update(LoginSession).values(last_seen_at=row.last_seen_at - timedelta(hours=5))
        )
    response = client.get("/api/me")
    assert (
        response.status_code == 401 and response.json()["error"]["code"] == "auth.session_expired"
    )
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_disabled_user_loses_access(
    admin: TestClient, client: TestClient, accounts: Accounts
) -> None:
    accounts.add("kim")
    users = {u["username"]: u for u in admin.get("/api/admin/users").json()["users"]}
    admin.patch(f"/api/admin/users/{users['kim']['id']}", json={"is_active": False})
    client.cookies.clear()
    response = client.post("/api/auth/login", json={"username": "kim", "password": PASSWORD})
    assert response.json()["error"]["code"] == "auth.disabled"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/admin/users", {"admin"}),
        ("GET", "/api/admin/departments", {"admin"}),
        ("GET", "/api/admin/models", {"admin"}),
        ("GET", "/api/audit", {"admin", "auditor"}),
        ("GET", "/api/audit/verify", {"admin", "auditor"}),
        ("GET", "/api/audit/export.csv", {"admin", "auditor"}),
        ("GET", "/admin", {"admin"}),
        ("GET", "/audit", {"admin", "auditor"}),
        ("GET", "/api/conversations", {"admin", "auditor", "staff", "manager"}),
    ],
)
def test_every_route_is_authorised_by_role(
    client: TestClient, accounts: Accounts, method: str, path: str, allowed: set[str]
) -> None:
    from doum.accounts.roles import Role

    accounts.add("auditor", Role.AUDITOR)
    accounts.add("staff", Role.STAFF)
    accounts.add("manager", Role.DEPARTMENT_MANAGER)
    assert client.request(method, path, headers={"Accept": "application/json"}).status_code == 401
    for user in ("admin", "auditor", "staff", "manager"):
        client.cookies.clear()
        login(client, user)
        status = client.request(method, path, headers={"Accept": "application/json"}).status_code
        assert (status == 200) == (user in allowed), (user, path, status)
        if user not in allowed:
            assert status == 403


def test_change_own_password(client: TestClient, accounts: Accounts) -> None:
    accounts.add("kim")
    login(client, "kim")
    wrong = client.post(
        "/api/me/password", json={"current_password": "bad", "new_password": "new-password-123"}
    )
    assert wrong.json()["error"]["code"] == "account.password_mismatch"
    assert client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "new-password-123"}
    ).json() == {"ok": True}
    client.cookies.clear()
    login(client, "kim", "new-password-123")


def test_unknown_route_and_method(client: TestClient) -> None:
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.json()["error"]["code"] == "route.not_found"
    response = client.put("/api/auth/login")
    assert (
        response.status_code == 405
        and response.json()["error"]["code"] == "route.method_not_allowed"
    )


def test_pages_are_korean_and_self_contained(client: TestClient, accounts: Accounts) -> None:
    login(client, "admin")
    for path in ("/", "/admin", "/audit", "/settings", "/login"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="ko">' in page.text
        assert "http://" not in page.text and "https://" not in page.text, (
            "no CDN or external asset"
        )
        assert "content-security-policy" in page.headers
