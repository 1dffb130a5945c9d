from __future__ import annotations

from doum.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class AssistantNotFound(NotFound):
    """Also raised for an assistant the user may not see: the two look the same."""

    default_code = "assistant.not_found"


class AssistantForbidden(PermissionDenied):
    default_code = "assistant.manage_forbidden"


class AssistantInvalid(InvalidInput):
    default_code = "input.invalid"


class AssistantConflict(Conflict):
    default_code = "assistant.name_taken"
