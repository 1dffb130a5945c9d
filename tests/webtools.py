from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from doum.accounts.roles import Role
from doum.accounts.service import Auditing, create_department, create_user
from doum.accounts.setup import create_first_admin
from doum.audit.log import AuditContext
from doum.runtime import Runtime
from doum.web.app import create_app

PASSWORD = "correct-horse-battery"


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime=runtime)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class Accounts:
    runtime: Runtime

    def add(self, username: str, *roles: Role, department: str | None = None) -> None:
        with self.runtime.database.session() as session:
            auditing = Auditing(self.runtime.audit, AuditContext.system("test"))
            if department:
                from sqlalchemy import select

                from doum.accounts.models import Department

                if not session.scalar(select(Department).where(Department.name == department)):
                    create_department(session, auditing=auditing, name=department)
            create_user(
                session,
                auditing=auditing,
                username=username,
                password=PASSWORD,
                roles=set(roles) or {Role.STAFF},
                department=department,
                display_name=username.upper(),
            )


@pytest.fixture
def accounts(runtime: Runtime) -> Accounts:
    with runtime.database.session() as session:
        create_first_admin(
            session,
            auditing=Auditing(runtime.audit, AuditContext.system("test")),
            username="admin",
            password=PASSWORD,
            display_name="관리자",
        )
    return Accounts(runtime)


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


@pytest.fixture
def admin(client: TestClient, accounts: Accounts) -> TestClient:
    return login(client, "admin")


def sse_events(response) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    import json

    events = []
    event = "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            events.append((event, json.loads(line[5:].strip())))
    return events


@dataclass
class LiveServer:
    url: str
    runtime: Runtime


@pytest.fixture
def live_server(runtime: Runtime, accounts: Accounts) -> Iterator[LiveServer]:
    """The real app under uvicorn on a loopback port (for real HTTP clients/browsers)."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime=runtime), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", runtime)
    server.should_exit = True
    thread.join(timeout=10)
