"""Shared fixtures. Tests never touch the network (only loopback) and never use the
configured database: each test gets its own data directory and SQLite file."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from doum.config import Settings, reset_settings_cache
from doum.db import Database, reset_database_cache

pytest_plugins = ["tests.webtools"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("DOUM_SHARED_DIR", REPO_ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear reason when absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"공유 데이터가 없습니다 (../shared 미존재): {path}")
    return path


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep every test away from the developer's configuration and data."""
    for key in list(os.environ):
        if key.startswith("DOUM_") and key != "DOUM_SHARED_DIR":
            monkeypatch.delenv(key)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DOUM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    reset_settings_cache()
    reset_database_cache()
    yield
    reset_settings_cache()
    reset_database_cache()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback and unix sockets: tests must not reach the outside."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            host = str(address[0])
            if host not in ("127.0.0.1", "::1", "localhost", "0.0.0.0"):
                raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database.from_settings(settings)
    db.upgrade()
    yield db
    db.dispose()


# --- databases ------------------------------------------------------------------------

PG_ADMIN_URL = os.environ.get("DOUM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_or_skip() -> None:
    import psycopg

    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"로컬 PostgreSQL 에 연결할 수 없습니다: {error}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import psycopg

    _postgres_or_skip()
    name = "doum_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Runs the test once on SQLite and once on the local PostgreSQL."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'doum.sqlite3'}"


# --- models, runtime and the web app ---------------------------------------------------

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-0123456789"


@pytest.fixture(autouse=True)
def scripted_backend() -> Iterator[type]:
    """The scripted ChatModel, registered like any plugin backend."""
    from doum.llm.registry import register_backend, unregister_backend
    from doum.testing.scripted import ScriptedChatModel

    ScriptedChatModel.reset()
    register_backend("scripted", ScriptedChatModel)
    yield ScriptedChatModel
    unregister_backend("scripted")
    ScriptedChatModel.reset()


def make_settings(tmp_path: Path, database_url: str = "", **overrides: object) -> Settings:
    base: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "database": {"url": database_url},
        "security": {"secret_key": TEST_SECRET},
        "llm": {
            "models": [
                {
                    "name": "scripted",
                    "label": "스크립트 모델",
                    "backend": "scripted",
                    "context_length": 8192,
                    "max_output_tokens": 512,
                },
            ],
            "include_demo_model": False,
            "health_check_seconds": 0,
        },
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}  # type: ignore[dict-item]
        else:
            base[key] = value
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture
def app_settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def runtime(app_settings: Settings) -> Iterator[object]:
    from doum.runtime import Runtime

    rt = Runtime.create(app_settings)
    rt.database.upgrade()
    yield rt
    rt.database.dispose()
