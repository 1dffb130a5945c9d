"""Request and response bodies of the JSON API (Create/Update/Public families)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DataClassField = Literal["C", "S", "O"]
RoleField = Literal["staff", "department_manager", "admin", "auditor", "citizen_reviewer"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class SetupIn(Strict):
    token: str = Field(min_length=1, max_length=200)
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(default="", max_length=100)


class PasswordChangeIn(Strict):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class UserPublic(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    position: str
    department_id: int | None
    department: str
    roles: list[str]
    is_active: bool
    locked: bool
    last_login_at: str | None


class UserCreate(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(default="", max_length=100)
    department: str = Field(default="", max_length=100)
    roles: list[RoleField] = Field(default_factory=lambda: ["staff"])
    email: str = Field(default="", max_length=200)
    position: str = Field(default="", max_length=50)


class UserUpdate(Strict):
    display_name: str | None = Field(default=None, max_length=100)
    department: str | None = Field(default=None, max_length=100)
    roles: list[RoleField] | None = None
    is_active: bool | None = None
    email: str | None = Field(default=None, max_length=200)
    position: str | None = Field(default=None, max_length=50)


class PasswordResetIn(Strict):
    password: str = Field(min_length=1, max_length=1024)


class DepartmentCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    code: str = Field(default="", max_length=32)
    parent: str = Field(default="", max_length=100)


class DepartmentPublic(BaseModel):
    id: int
    name: str
    code: str
    parent_id: int | None
    members: int


class GroupCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    members: list[str] = Field(default_factory=list)


class GroupPublic(BaseModel):
    id: int
    name: str
    description: str


class TokenCreate(Strict):
    name: str = Field(min_length=1, max_length=64)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    expires_at: str | None
    revoked: bool


class ConversationCreate(Strict):
    title: str = Field(default="", max_length=200)
    model: str = Field(default="", max_length=64)
    data_class: DataClassField | None = None


class ConversationUpdate(Strict):
    title: str | None = Field(default=None, max_length=200)
    data_class: DataClassField | None = None


class ConversationPublic(BaseModel):
    id: str
    title: str
    model: str
    data_class: str
    created_at: str
    updated_at: str


class ChatSend(Strict):
    text: str = Field(default="", max_length=100_000)
    conversation_id: str | None = Field(default=None, max_length=32)
    model: str | None = Field(default=None, max_length=64)
    data_class: DataClassField | None = None
    regenerate: bool = False
    kb_ids: list[str] | None = Field(default=None, max_length=100)
    """Answer from these knowledge bases (``["*"]``: all the user may read)."""
    assistant_id: str | None = Field(default=None, max_length=32)
    """Chat with a department assistant: its knowledge bases, instructions and models."""
    sources_first: bool = False
    """Show the best passages as the answer instead of asking a model."""


class ModelPublic(BaseModel):
    name: str
    label: str
    backend: str
    location: str
    allowed_classes: list[str]
    demo: bool
    context_length: int
