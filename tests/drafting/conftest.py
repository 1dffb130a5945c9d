"""Fixtures for the drafting studio: a scripted model that writes like a diligent
clerk (it follows the outline it is given), people in departments, and helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from doum.accounts.principal import Principal
from doum.accounts.roles import Role
from doum.accounts.service import Auditing, get_user, principal_for
from doum.audit.log import AuditContext
from doum.llm.types import ChatRequest
from doum.runtime import Runtime
from doum.testing.scripted import ScriptedChatModel
from tests.webtools import Accounts

PROJECT_FACTS = {
    "사업명": "2025년 스마트 경로당 조성사업",
    "사업기간": "2025. 3. ~ 2026. 12.",
    "사업비": "총 30억 원(도비 15억 원, 시군비 15억 원)",
    "추진배경": "도내 65세 이상 인구 비율 25.3%로 초고령사회 진입, 경로당 이용 어르신의 건강관리 수요 증가",
    "주요내용": "경로당 200곳에 원격 건강관리 기기와 화상 프로그램 설치, 어르신 디지털 교육 운영",
    "추진실적": "시군 수요조사 완료, 시범 경로당 20곳 선정",
    "향후계획": "2025. 4. 사업자 선정, 2025. 6. 설치 착수, 2025. 12. 1단계 완료",
    "기대효과": "어르신 건강 관리 사각지대 해소, 경로당 이용률 10% 향상",
    "투자계획": "2025년: 12억 원\n2026년: 18억 원",
    "대상": "도내 경로당 200곳 이용 어르신",
    "일시": "2025. 3. 20.(목) 14:00",
    "장소": "도청 대회의실",
    "주관": "노인복지과",
    "담당부서": "노인복지과",
    "담당자": "주무관 김도움",
    "문의처": "노인복지과 김도움 주무관 063-280-1234",
    "관련근거": "노인복지법 제37조",
    "행사명": "스마트 경로당 개소식",
    "발언자": "전북특별자치도지사",
}

_SECTION_RE = re.compile(r"^\[([^\]\d][^\]]*)\]\s?(.*)$", re.MULTILINE)


def prompt_parts(request: ChatRequest) -> dict[str, str]:
    """The bracketed parts of a drafting prompt: {"출력 골격": "...", ...}."""
    user = request.messages[-1].content
    parts: dict[str, str] = {}
    matches = list(_SECTION_RE.finditer(user))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(user)
        parts[match.group(1)] = (match.group(2) + user[match.end() : end]).strip()
    return parts


def clerk(request: ChatRequest) -> str:
    """Writes the outline it was given, replacing every (guidance) with a line made
    from the form's values, and repeats it for each variant asked for."""
    parts = prompt_parts(request)
    skeleton = parts.get("출력 골격", "")
    facts = [
        line.split(":", 1)[1].strip()
        for line in parts.get("입력 항목", "").splitlines()
        if line.startswith("- ") and ":" in line
    ]
    filler = iter(facts * 20 or ["내용"] * 100)

    def fill(match: re.Match[str]) -> str:
        text = next(filler)
        return f"{text} 추진함" if match.group(0).startswith("(") else text

    body = re.sub(r"\((?!확인)[^()\n\d]{4,}\)", fill, skeleton)
    variants = re.search(r"서로 다른 안 (\d+)개", parts.get("여러 안", ""))
    if variants:
        count = int(variants.group(1))
        first = re.split(r"^## 안 2", body, flags=re.MULTILINE)[0]
        body = "\n\n".join(re.sub(r"안 1", f"안 {i}", first, count=1) for i in range(1, count + 1))
    return body


@pytest.fixture
def scripted(scripted_backend: type[ScriptedChatModel]) -> type[ScriptedChatModel]:
    scripted_backend.script = staticmethod(clerk)  # type: ignore[assignment]
    return scripted_backend


@dataclass
class People:
    runtime: Runtime
    accounts: Accounts

    def add(self, username: str, *roles: Role, department: str | None = "노인복지과") -> Principal:
        self.accounts.add(username, *roles, department=department)
        return self.principal(username)

    def principal(self, username: str) -> Principal:
        with self.runtime.database.session() as session:
            user = get_user(session, username)
            assert user is not None
            return principal_for(session, user)


@pytest.fixture
def people(runtime: Runtime, accounts: Accounts) -> People:
    return People(runtime, accounts)


@pytest.fixture
def auditing(runtime: Runtime) -> Auditing:
    return Auditing(runtime.audit, AuditContext.system("test"))


Script = Callable[[ChatRequest], str]
