"""The root of doum's exception tree.

Every layer raises its own subclass of :class:`DoumError` with a stable ``code``
(``"<area>.<reason>"``). The web layer, the CLI and the OpenAI-compatible API translate
it once, at the boundary, into the Korean message from :mod:`doum.messages` and the code.
"""

from __future__ import annotations

from typing import Any, ClassVar

from doum.messages import message_for


class DoumError(Exception):
    """Base class. ``code`` is stable for programs; ``message`` is Korean for people."""

    default_code: ClassVar[str] = "internal.error"
    http_status: ClassVar[int] = 500

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.default_code
        self.params = params
        super().__init__(self.code)

    @property
    def message(self) -> str:
        return message_for(self.code, **self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidInput(DoumError):
    default_code = "input.invalid"
    http_status = 400


class NotFound(DoumError):
    default_code = "resource.not_found"
    http_status = 404


class Conflict(DoumError):
    default_code = "resource.conflict"
    http_status = 409


class PermissionDenied(DoumError):
    default_code = "auth.forbidden"
    http_status = 403


class Unauthenticated(DoumError):
    default_code = "auth.required"
    http_status = 401


class TooManyRequests(DoumError):
    default_code = "rate.limited"
    http_status = 429


class ConfigurationError(DoumError):
    default_code = "config.invalid"
    http_status = 500
