from __future__ import annotations

from doum.errors import DoumError


class ModelError(DoumError):
    default_code = "model.unavailable"
    http_status = 503

    @property
    def retryable(self) -> bool:
        """Worth trying another endpoint or model (nothing was sent to the user yet)."""
        return self.code in {"model.unavailable", "model.timeout", "model.upstream_error"}


class UnknownModel(ModelError):
    default_code = "model.unknown"
    http_status = 404


class ModelNotAllowed(ModelError):
    default_code = "model.not_allowed"
    http_status = 403
