from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from doum.config.core import (
    AuditSettings,
    DatabaseSettings,
    JobsSettings,
    SecuritySettings,
    ServerSettings,
)
from doum.config.documents import DocumentSettings
from doum.config.drafting import DraftingSettings
from doum.config.llm import LlmSettings
from doum.config.privacy import PrivacySettings
from doum.config.retrieval import RetrievalSettings

CONFIG_ENV = "DOUM_CONFIG"
DEFAULT_CONFIG_FILE = "doum.toml"


def config_file_path() -> Path | None:
    """The TOML file to read, if any: ``$DOUM_CONFIG`` or ``./doum.toml``."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


class Settings(BaseSettings):
    """The whole configuration of one doum installation."""

    model_config = SettingsConfigDict(
        env_prefix="DOUM_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    mode: Literal["development", "production"] = "development"
    organisation: str = Field(default="도움 시범 기관", description="기관명 (UI 머리글, 공문 두문)")
    data_dir: Path = Path("var")

    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    security: SecuritySettings = SecuritySettings()
    audit: AuditSettings = AuditSettings()
    jobs: JobsSettings = JobsSettings()
    llm: LlmSettings = LlmSettings()
    documents: DocumentSettings = DocumentSettings()
    privacy: PrivacySettings = PrivacySettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    drafting: DraftingSettings = DraftingSettings()

    @model_validator(mode="before")
    @classmethod
    def _database_url_alias(cls, data: Any) -> Any:
        url = os.environ.get("DATABASE_URL")
        if url and isinstance(data, dict) and not os.environ.get("DOUM_DATABASE__URL"):
            database = dict(data.get("database") or {})
            database.setdefault("url", url)
            data = {**data, "database": database}
        return data

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file_path()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
