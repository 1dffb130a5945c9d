from __future__ import annotations

from doum.errors import DoumError


class AccountError(DoumError):
    default_code = "input.invalid"
    http_status = 400


class AuthenticationFailed(DoumError):
    default_code = "auth.invalid_credentials"
    http_status = 401


class AccountLocked(DoumError):
    default_code = "auth.locked"
    http_status = 423
