from __future__ import annotations

from dataclasses import dataclass, field

from doum.accounts.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: what every permission check and every filtered query receives.

    Built once per request from the session or API token; never from client input.
    """

    user_id: int
    username: str
    department_id: int | None = None
    group_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""

    def has_role(self, *roles: Role) -> bool:
        return any(r.value in self.roles for r in roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN.value in self.roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR.value in self.roles

    @property
    def is_department_manager(self) -> bool:
        return Role.DEPARTMENT_MANAGER.value in self.roles
