from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = Field(default="", description="https://doum.example.go.kr — 쿠키 Secure 판단")
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 104_857_600
    run_migrations_on_start: bool = True
    trusted_proxies: list[str] = []
    opentelemetry: bool = False
    """FastAPI's OpenTelemetry spans and metrics (needs an OTel SDK and exporter set up
    by the site). Off by default: doum's own audit log and logs cover a closed network,
    and the per-request checks cost streaming latency."""


class DatabaseSettings(BaseModel):
    url: str = ""
    """Empty means SQLite at ``<data_dir>/doum.sqlite3``."""
    echo: bool = False
    pool_size: int = 20


class SecuritySettings(BaseModel):
    secret_key: SecretStr | None = None
    """Signs sessions and CSRF tokens and keys the audit chain. Generated into
    ``<data_dir>/secret_key`` in development; required in production."""
    session_hours: int = 12
    session_idle_minutes: int = 120
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    login_rate_per_minute: int = 20
    password_min_length: int = 10
    rate_limit_backend: str = "memory"
    """``memory`` (one process) or ``redis`` (several app processes)."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    https: bool | None = None
    """Mark cookies Secure. ``None`` means: when ``server.public_url`` is https."""
    api_token_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    """Remember a successful API-token check this long (0: check the database on every
    call). Revoking or changing a user through the server applies at once; through the
    CLI or another worker process, within this many seconds."""


class AuditSettings(BaseModel):
    retention_days: int = 730
    """At least two years (개인정보의 안전성 확보조치 기준)."""


class JobsSettings(BaseModel):
    backend: str = "sqlite"
    """``sqlite`` (in-process consumer, one machine) or ``redis`` (separate workers)."""
    redis_url: str = "redis://127.0.0.1:6379/1"
    workers: int = 1
    immediate: bool = False
    """Run tasks synchronously in the caller (tests, one-shot CLI runs)."""
    sqlite_path: str = ""
    """Huey's SQLite queue file; empty means ``<data_dir>/jobs.sqlite3``."""
    embedded_consumer: bool = True
    """With the sqlite backend, run the consumer inside the web server process."""
    name: str = "doum"
    """Queue name (several installations may share one Redis)."""
