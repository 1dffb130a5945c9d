from __future__ import annotations

from doum.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class KnowledgeBaseNotFound(NotFound):
    """Also raised for a knowledge base that exists but the user may not read: the two
    cases must be indistinguishable."""

    default_code = "kb.not_found"


class DocumentNotFound(NotFound):
    default_code = "kb.document_not_found"


class KnowledgeBaseConflict(Conflict):
    default_code = "kb.name_taken"


class KnowledgeInvalid(InvalidInput):
    default_code = "input.invalid"


class KnowledgeForbidden(PermissionDenied):
    default_code = "kb.write_forbidden"
