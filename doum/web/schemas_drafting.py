"""Request bodies of the drafting studio and the library (JSON API)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

DataClass = Literal["C", "S", "O"]


class TemplateWrite(BaseModel):
    """A template as a definition object, or as the TOML of ``doum templates show``."""

    definition: dict[str, Any] | None = None
    toml: str | None = Field(default=None, max_length=100_000)
    scope: Literal["personal", "department", "organisation"] = "personal"
    department_id: int | None = None


class TemplateCopy(BaseModel):
    scope: Literal["personal", "department", "organisation"] = "personal"
    name: str | None = Field(default=None, max_length=100)


class TemplateFill(BaseModel):
    fact_set_id: str | None = None
    facts: dict[str, Any] | None = None
    fields: dict[str, Any] | None = None


class FactSetWrite(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    facts: dict[str, Any] = {}
    data_class: DataClass = "S"
    shared: bool = False


class DraftCreate(BaseModel):
    template_id: str | None = None
    title: str = Field(default="", max_length=300)
    fields: dict[str, Any] = {}
    fact_set_id: str | None = None
    data_class: DataClass | None = None
    model: str = Field(default="", max_length=64)
    knowledge_base_ids: list[str] = []
    content: str = ""


class DraftUpdate(BaseModel):
    title: str | None = Field(default=None, max_length=300)
    content: str | None = None
    fields: dict[str, Any] | None = None
    data_class: DataClass | None = None
    model: str | None = Field(default=None, max_length=64)
    knowledge_base_ids: list[str] | None = None


class DraftGenerate(BaseModel):
    model: str | None = Field(default=None, max_length=64)
    request: str = Field(default="", max_length=2000)


class ToolRequest(BaseModel):
    source: str = Field(default="content", max_length=80)
    ratio: float | None = Field(default=None, ge=0.05, le=0.9)
    target_chars: int | None = Field(default=None, ge=50, le=200_000)
    language: Literal["ko", "en", "zh", "vi", "ja"] = "en"
    terms: str = Field(default="", max_length=5000)
    model: str | None = Field(default=None, max_length=64)


class SuggestionApply(BaseModel):
    accept: list[int] | None = None
    mode: Literal["replace", "new"] = "replace"


class LibraryWrite(BaseModel):
    kind: Literal["prompt", "template", "case"] = "prompt"
    category: str = Field(max_length=16)
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=50_000)
    tags: list[str] | str = []
    visibility: Literal["private", "department", "organisation"] = "department"
    data_class: DataClass = "O"
    template_id: str | None = None


class LibraryUpdate(BaseModel):
    category: str | None = Field(default=None, max_length=16)
    title: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=2000)
    body: str | None = Field(default=None, max_length=50_000)
    tags: list[str] | str | None = None
    visibility: Literal["private", "department", "organisation"] | None = None
    data_class: DataClass | None = None


class LikeWrite(BaseModel):
    liked: bool = True
