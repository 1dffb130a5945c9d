"""The FastAPI application factory. ``create_app()`` builds nothing until the server
starts (lifespan): runtime, migrations, model gateway, first-admin setup link."""

from __future__ import annotations

import gc
import hashlib
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from doum import __version__
from doum.accounts.ratelimit import make_rate_limiter
from doum.accounts.setup import issue_setup_token, needs_setup
from doum.config import Settings, get_settings
from doum.config.secrets import secret_key
from doum.runtime import Runtime
from doum.web.completions import PATH as COMPLETIONS_PATH
from doum.web.completions import ChatCompletions, openapi_operation
from doum.web.errors import install_error_handlers
from doum.web.middleware import (
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    security_headers,
)
from doum.web.routes import ROUTERS

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

FULL_COLLECTION_THRESHOLD = 100


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def startup(runtime: Runtime) -> str | None:
    """Migrate, and if no user exists yet, return a one-time setup token."""
    settings = runtime.settings
    secret_key(settings)  # refuses to start in production with a default secret
    if settings.server.run_migrations_on_start:
        runtime.database.upgrade()
    with runtime.database.session() as session:
        if needs_setup(session):
            return issue_setup_token(session)
    return None


def setup_url(runtime: Runtime, token: str) -> str:
    server = runtime.settings.server
    base = server.public_url.rstrip("/") or f"http://{server.host}:{server.port}"
    return f"{base}/setup?token={token}"


def _tune_server_process() -> None:
    """Settings for a process that serves streams (each worker process runs this;
    uvicorn's workers are fresh interpreters, so the parent's settings do not carry).

    * Move everything built at start-up (modules, models, settings: 150,000 objects or
      more) out of the cyclic garbage collector's reach. Otherwise each full collection
      walks them all, a pause of about 100 ms in which no stream moves; it shows as the
      slowest first tokens under load (bench.chat).
    * Run full collections a tenth as often (``threshold2`` 100, not 10). What is not
      frozen is mostly the state of live streams, so a full pass took 20 to 30 ms,
      freed nothing, and came about once per 300 streams: every stream starting in
      that moment waited for it (bench.chat: none in five rounds after the change).
      Reference cycles are still collected, only later.
    * Hand the GIL between the event loop and the audit/database threads every 1 ms
      instead of 5 ms: a first token can wait for its prompt's audit record, written on
      the audit thread when the event loop cannot append it itself.
    """
    sys.setswitchinterval(0.001)
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)


class DoumApp(FastAPI):
    """FastAPI, with ``/v1/chat/completions`` served ahead of the middleware stack
    (:mod:`doum.web.completions` says why) and documented with the routes."""

    completions: ChatCompletions

    def build_middleware_stack(self) -> ASGIApp:
        return _Dispatch(super().build_middleware_stack(), self.completions)

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            schema = super().openapi()
            operation, components = openapi_operation()
            schema["paths"][COMPLETIONS_PATH] = {"post": operation}
            schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
        return self.openapi_schema or {}


class _Dispatch:
    def __init__(self, app: ASGIApp, completions: ChatCompletions) -> None:
        self.app = app
        self.completions = completions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if path == COMPLETIONS_PATH or (root and path == root + COMPLETIONS_PATH):
                await self.completions(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    started: bool = False,
    setup_token: str | None = None,
    server_process: bool = False,
) -> DoumApp:
    """``started=True`` means the caller (``doum serve``) already ran :func:`startup`
    and holds the setup token, if any. ``server_process`` is for server processes
    (not tests, which build many apps in one process): see :func:`_tune_server_process`.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or Runtime.create(settings or get_settings())
        app.state.runtime = rt
        app.state.organisation = rt.settings.organisation
        token = setup_token if started else startup(rt)
        app.state.setup_token = token
        if token and not started:
            logger.warning(
                "no administrator yet: open the setup link",
                extra={"setup_url": setup_url(rt, token)},
            )
        await rt.gateway.start()
        from doum.knowledge.runtime import start_knowledge_services, stop_knowledge_services

        # The search backend, and background ingestion: the in-process consumer for the
        # embedded SQLite queue (with Redis, `doum worker` processes do the work).
        await anyio.to_thread.run_sync(start_knowledge_services, rt)
        for hook in rt.extras.get("startup_hooks", []):  # type: ignore[union-attr]
            await hook(rt)
        if server_process:
            _tune_server_process()
        try:
            yield
        finally:
            for hook in rt.extras.get("shutdown_hooks", []):  # type: ignore[union-attr]
                await hook(rt)
            await anyio.to_thread.run_sync(stop_knowledge_services, rt)
            if runtime is None:
                await rt.aclose()
            else:
                await rt.gateway.aclose()

    effective = settings or (runtime.settings if runtime else None)
    server = (effective or get_settings()).server
    telemetry = server.opentelemetry
    app = DoumApp(
        telemetry={
            "tracing": telemetry,
            "metrics": telemetry,
            "logs": telemetry,
            "operation_spans": telemetry,
        },
        title="도움 (doum)",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.static_version = _static_version()
    app.state.rate_limiter = make_rate_limiter((effective or get_settings()).security)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=server.max_body_bytes, upload_bytes=server.max_upload_bytes
    )
    hsts = server.public_url.startswith("https://")
    app.add_middleware(SecurityHeadersMiddleware, hsts=hsts)
    app.completions = ChatCompletions(
        max_body_bytes=server.max_body_bytes, headers=security_headers(hsts=hsts)
    )
    return app
