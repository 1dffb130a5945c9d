"""The seam to knowledge-base search (``doum.retrieval``), so drafting works with or
without it.

:func:`knowledge_for` returns the installation's :class:`KnowledgeSearch`: the one a
site or a test put in ``runtime.extras["drafting.knowledge"]``, else the retrieval
package's search when it is installed, else ``None`` (drafts are then grounded on
attached files only, and the UI says so).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from doum.accounts.principal import Principal
from doum.runtime import Runtime

logger = logging.getLogger(__name__)
EXTRA_KEY = "drafting.knowledge"


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of source text a draft may cite as [n]."""

    kind: str
    """``field`` (the form), ``attachment`` or ``knowledge``."""
    label: str
    text: str
    data_class: str = "S"
    ref: dict[str, Any] = field(default_factory=dict)
    """attachment_id / document_id, chunk_id, kb_id, anchor …"""
    notes: tuple[str, ...] = ()
    """Warnings to show with the citation (e.g. an article not yet in force)."""


@dataclass(frozen=True, slots=True)
class KnowledgeBaseChoice:
    id: str
    name: str
    data_class: str
    description: str = ""


@runtime_checkable
class KnowledgeSearch(Protocol):
    def knowledge_bases(self, principal: Principal) -> list[KnowledgeBaseChoice]: ...

    def search(
        self, principal: Principal, query: str, *, kb_ids: Sequence[str], k: int
    ) -> list[Passage]: ...


class RetrievalKnowledge:
    """:class:`KnowledgeSearch` over ``doum.retrieval`` (hybrid search with ACL)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def knowledge_bases(self, principal: Principal) -> list[KnowledgeBaseChoice]:
        from doum.knowledge.service import list_knowledge_bases

        with self.runtime.database.reader() as session:
            return [
                KnowledgeBaseChoice(kb.id, kb.name, kb.data_class, kb.description)
                for kb in list_knowledge_bases(session, principal)
            ]

    def search(
        self, principal: Principal, query: str, *, kb_ids: Sequence[str], k: int
    ) -> list[Passage]:
        from doum.retrieval.search import search

        backend = self.runtime.extras.get("retrieval.backend")
        hits = search(
            principal,
            query[:1000],
            kb_ids=list(kb_ids) or None,
            k=k,
            database=self.runtime.database,
            backend=backend,  # type: ignore[arg-type]
        )
        return [
            Passage(
                kind="knowledge",
                label=hit.citation.label or hit.citation.title,
                text=hit.text,
                data_class=hit.data_class,
                ref={
                    "document_id": hit.citation.document_id,
                    "chunk_id": hit.chunk_id,
                    "kb_id": hit.citation.kb_id,
                    "anchor": hit.citation.anchor,
                    "title": hit.citation.title,
                },
                notes=tuple(hit.citation.flag_messages),
            )
            for hit in hits
        ]


def knowledge_for(runtime: Runtime) -> KnowledgeSearch | None:
    override = runtime.extras.get(EXTRA_KEY)
    if isinstance(override, KnowledgeSearch):
        return override
    if importlib.util.find_spec("doum.retrieval.search") is None:
        return None
    return RetrievalKnowledge(runtime)
