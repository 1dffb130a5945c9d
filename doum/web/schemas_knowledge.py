"""Request and response bodies of the knowledge-base, search and assistant APIs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from doum.web.schemas import DataClassField, Strict

ModeField = Literal["hybrid", "lexical", "dense"]


class KnowledgeBaseCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    data_class: DataClassField = "S"
    department_id: int | None = None
    """Owning department; default the creator's. Administrators may pick any."""


class KnowledgeBasePublic(BaseModel):
    id: str
    name: str
    description: str
    data_class: str
    department_id: int
    department: str
    document_count: int
    chunk_count: int
    can_write: bool
    synced_folder: bool = False


class AccessGrant(Strict):
    kind: Literal["department", "group", "user"]
    grantee_id: int
    permission: Literal["read", "write"] = "read"


class AccessPublic(BaseModel):
    id: int
    kind: str
    grantee_id: int
    name: str
    permission: str


class DocumentPublic(BaseModel):
    id: str
    kb_id: str
    title: str
    filename: str
    status: str
    status_label: str
    progress: float
    chunk_count: int
    vector_count: int
    searchable: bool
    error_code: str
    error_message: str


class UploadResult(BaseModel):
    filename: str
    document_id: str | None = None
    status: str = ""
    status_label: str = ""
    unchanged: bool = False
    error: dict[str, str] | None = None


class SyncResult(BaseModel):
    queued: int
    unchanged: int
    removed: int
    message: str


class SearchIn(Strict):
    query: str = Field(min_length=1, max_length=1000)
    mode: ModeField = "hybrid"
    kb_ids: list[str] | None = Field(default=None, max_length=100)
    laws: list[str] = Field(default_factory=list, max_length=20)
    effective_from: str = Field(default="", max_length=10)
    effective_to: str = Field(default="", max_length=10)
    k: int = Field(default=10, ge=1, le=50)


class SearchOut(BaseModel):
    query: str
    mode: str
    data_class: str | None
    notice: str | None
    hits: list[dict[str, Any]]
    timings_ms: dict[str, float]


class AssistantCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    instructions: str = Field(default="", max_length=8000)
    department_id: int | None = None
    data_class: DataClassField = "S"
    kb_ids: list[str] = Field(default_factory=list, max_length=20)
    allowed_models: list[str] = Field(default_factory=list, max_length=20)
    shared_department_ids: list[int] = Field(default_factory=list, max_length=500)
    k: int = Field(default=5, ge=1, le=10)
    sources_first: bool = False
    grant_read: bool = False
    """Also grant the shared departments read access to the knowledge bases."""


class AssistantUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    instructions: str | None = Field(default=None, max_length=8000)
    data_class: DataClassField | None = None
    kb_ids: list[str] | None = Field(default=None, max_length=20)
    allowed_models: list[str] | None = Field(default=None, max_length=20)
    shared_department_ids: list[int] | None = Field(default=None, max_length=500)
    k: int | None = Field(default=None, ge=1, le=10)
    sources_first: bool | None = None
    grant_read: bool = False
