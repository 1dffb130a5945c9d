from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    return Jinja2Templates(directory=str(TEMPLATES_DIR))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    state = request.state
    base = {
        "principal": getattr(state, "principal", None),
        "csrf_token": getattr(state, "csrf_token", ""),
        "organisation": getattr(request.app.state, "organisation", "도움"),
        "static_version": getattr(request.app.state, "static_version", "0"),
    }
    return templates().TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
