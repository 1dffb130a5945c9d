"""OpenAI-compatible API: ``GET /v1/models``, authenticated with a per-user API token.
``POST /v1/chat/completions`` is served by :mod:`doum.web.completions`, ahead of the
routers."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from doum.web.deps import CallerDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["openai"])


@router.get("/models")
async def list_models(caller: CallerDep, runtime: RuntimeDep) -> dict[str, Any]:
    created = int(time.time())
    return {
        "object": "list",
        "data": [
            {
                "id": m.name,
                "object": "model",
                "created": created,
                "owned_by": "doum" if m.location == "internal" else "external",
                "doum": {
                    "label": m.display_name,
                    "location": m.location,
                    "allowed_classes": list(m.allowed_classes),
                    "demo": m.demo,
                    "context_length": m.context_length,
                },
            }
            for m in runtime.gateway.catalog()
        ],
    }
