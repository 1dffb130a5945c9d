"""Exceptions of the drafting studio; each code has its Korean message in
:mod:`doum.messages` (``# --- drafting ---``)."""

from __future__ import annotations

from doum.errors import Conflict, DoumError, InvalidInput, NotFound, PermissionDenied


class DraftingError(DoumError):
    default_code = "drafting.error"
    http_status = 400


class DraftingInvalid(InvalidInput):
    default_code = "drafting.invalid"


class DraftingNotFound(NotFound):
    """Also raised for things that exist but the caller may not see: indistinguishable."""

    default_code = "drafting.draft_not_found"


class DraftingForbidden(PermissionDenied):
    default_code = "drafting.template_forbidden"


class DraftingConflict(Conflict):
    default_code = "drafting.busy"


class RelayedError(DoumError):
    """An error reported as an event (code, message, status) raised again as an
    exception by a caller that does not stream."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(code)
        self._message = message
        self.http_status = status  # type: ignore[misc]

    @property
    def message(self) -> str:
        return self._message
