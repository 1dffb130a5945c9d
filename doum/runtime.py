"""What a running doum process holds: settings, database, audit log, model gateway.

Built once by the web app's lifespan, the CLI or a worker — never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from doum.accounts.token_cache import TokenCache
from doum.audit.batch import AuditWriter
from doum.audit.log import AuditLog
from doum.config import Settings
from doum.config.secrets import derive_key
from doum.db import Database
from doum.llm.gateway import ModelGateway
from doum.privacy.gateway import GatewayPrivacyGuard


@dataclass
class Runtime:
    settings: Settings
    database: Database
    audit: AuditLog
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, *, database: Database | None = None) -> Runtime:
        database = database or Database.from_settings(settings)
        return cls(
            settings=settings,
            database=database,
            audit=AuditLog(derive_key(settings, "audit-chain")),
        )

    @cached_property
    def privacy(self) -> GatewayPrivacyGuard:
        return GatewayPrivacyGuard(self.database, self.settings)

    @cached_property
    def gateway(self) -> ModelGateway:
        """Routes with the administrator's class policy and masks through the privacy
        guard, so no request can bypass either."""
        privacy = self.privacy
        return ModelGateway(
            self.settings,
            policy=privacy.may_receive,
            guard=privacy,
            allow_reroute=lambda: privacy.policy().allow_reroute,
        )

    @cached_property
    def token_cache(self) -> TokenCache:
        """API tokens checked recently (see :mod:`doum.accounts.token_cache`)."""
        return TokenCache(self.settings.security.api_token_cache_seconds)

    @cached_property
    def audit_writer(self) -> AuditWriter:
        """Group-commit writer for the chat/API hot path."""
        return AuditWriter(self.database, self.audit)

    @property
    def audit_key(self) -> bytes:
        return derive_key(self.settings, "audit-chain")

    async def aclose(self) -> None:
        if "gateway" in self.__dict__:
            await self.gateway.aclose()
        if "audit_writer" in self.__dict__:
            self.audit_writer.close()
        self.database.dispose()
