from __future__ import annotations

from doum.errors import DoumError, InvalidInput


class RetrievalError(DoumError):
    default_code = "retrieval.index_failed"
    http_status = 500


class InvalidQuery(InvalidInput):
    default_code = "retrieval.query_empty"


class StoreUnavailable(RetrievalError):
    default_code = "retrieval.store_unavailable"
    http_status = 503


class EmbeddingUnavailable(RetrievalError):
    default_code = "retrieval.embedding_unavailable"
    http_status = 503


class IngestionFailed(RetrievalError):
    """A document could not be indexed; ``code`` says why (shown on the document)."""

    default_code = "retrieval.index_failed"
    http_status = 422
