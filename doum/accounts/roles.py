from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    DEPARTMENT_MANAGER = "department_manager"
    ADMIN = "admin"
    AUDITOR = "auditor"
    CITIZEN_REVIEWER = "citizen_reviewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.STAFF: "직원",
    Role.DEPARTMENT_MANAGER: "부서 관리자",
    Role.ADMIN: "시스템 관리자",
    Role.AUDITOR: "감사 담당자",
    Role.CITIZEN_REVIEWER: "민원 답변 검토자",
}


def parse_role(value: str) -> Role:
    from doum.accounts.errors import AccountError

    normalized = value.strip().lower().replace("-", "_")
    aliases = {
        "manager": Role.DEPARTMENT_MANAGER,
        "administrator": Role.ADMIN,
        "reviewer": Role.CITIZEN_REVIEWER,
    }
    if normalized in aliases:
        return aliases[normalized]
    for role in Role:
        if normalized in (role.value, role.label):
            return role
    raise AccountError("account.role_invalid", role=value)
