"""ASGI entry point for process managers: ``uvicorn doum.web.asgi:app --workers 4``.
Settings come from the environment / ``doum.toml`` when the server starts."""

from doum.web.app import create_app

app = create_app(server_process=True)
