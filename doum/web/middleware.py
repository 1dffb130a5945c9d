"""Request body limits and security headers, as pure ASGI middleware (no buffering of
streamed responses)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doum.messages import message_for

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)


class BodyLimitMiddleware:
    """Refuses bodies over the limit with ``input.body_too_large`` (413), whether the
    client declares a Content-Length or streams chunks. Upload routes get a bigger
    limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        upload_bytes: int,
        upload_prefixes: tuple[str, ...] = ("/api/upload", "/api/kb/"),
        upload_suffixes: tuple[str, ...] = ("/attachments", "/upload"),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_prefixes = upload_prefixes
        self.upload_suffixes = upload_suffixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        is_upload = path.startswith(self.upload_prefixes) or path.endswith(self.upload_suffixes)
        limit = self.upload_bytes if is_upload else self.max_bytes
        if declares_more_than(scope, limit):
            await send_too_large(scope, send, limit)
            return
        responded = False

        async def tracking_send(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.start":
                responded = True
            await send(message)

        try:
            await self.app(scope, limit_body(receive, limit), tracking_send)
        except BodyTooLarge:
            if not responded:
                await send_too_large(scope, send, limit)


class BodyTooLarge(Exception):
    """The request's body is over the limit (answer with :func:`send_too_large`)."""


def declares_more_than(scope: Scope, limit: int) -> bool:
    declared = dict(scope.get("headers") or []).get(b"content-length")
    return declared is not None and declared.isdigit() and int(declared) > limit


def limit_body(receive: Receive, limit: int) -> Receive:
    """``receive``, raising :class:`BodyTooLarge` once the chunks received pass ``limit``
    bytes (a declared Content-Length is checked before: :func:`declares_more_than`)."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
        return message

    return limited


def _size(limit: int) -> str:
    if limit >= 1 << 20:
        return f"{limit / (1 << 20):.0f}MB"
    return f"{limit / 1024:.0f}KB"


async def send_too_large(scope: Scope, send: Send, limit: int) -> None:
    """Answer 413 ``input.body_too_large``."""
    message = message_for("input.body_too_large", limit=_size(limit))
    path: str = scope.get("path", "")
    if path.startswith("/v1/"):
        payload = {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "code": "input.body_too_large",
                "param": None,
            }
        }
    else:
        payload = {"error": {"code": "input.body_too_large", "message": message}}
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def security_headers(*, hsts: bool) -> list[tuple[bytes, bytes]]:
    """The headers every response carries."""
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"content-security-policy", CSP.encode()),
    ]
    if hsts:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


def with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    """``send``, adding ``extra`` to the response's headers."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return sending


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, with_headers(send, self.headers))
