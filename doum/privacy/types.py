"""The PII types doum recognises, with their Korean names and placeholder labels.

Type ids are stable (they appear in the CLI's JSON, the audit log and the UI); the
placeholder label is what an external model sees, e.g. ``<주민번호_1>``.
"""

from __future__ import annotations

from enum import StrEnum


class PiiType(StrEnum):
    RRN = "rrn"
    FRN = "frn"
    PASSPORT = "passport"
    DRIVER_LICENSE = "driver_license"
    PHONE = "phone"
    EMAIL = "email"
    ACCOUNT = "account"
    CARD = "card"
    BRN = "brn"
    CORPORATE_ID = "corporate_id"
    HEALTH_INSURANCE = "health_insurance"
    VEHICLE = "vehicle"
    IP = "ip"
    ADDRESS = "address"
    PERSON = "person"
    BIRTH_DATE = "birth_date"

    @property
    def korean(self) -> str:
        """Korean name shown to people (UI, docs, summaries)."""
        return _KOREAN[self]

    @property
    def label(self) -> str:
        """Placeholder label: ``<{label}_{n}>``."""
        return _LABELS[self]


_KOREAN: dict[PiiType, str] = {
    PiiType.RRN: "주민등록번호",
    PiiType.FRN: "외국인등록번호",
    PiiType.PASSPORT: "여권번호",
    PiiType.DRIVER_LICENSE: "운전면허번호",
    PiiType.PHONE: "전화번호",
    PiiType.EMAIL: "이메일",
    PiiType.ACCOUNT: "계좌번호",
    PiiType.CARD: "카드번호",
    PiiType.BRN: "사업자등록번호",
    PiiType.CORPORATE_ID: "법인등록번호",
    PiiType.HEALTH_INSURANCE: "건강보험증번호",
    PiiType.VEHICLE: "차량번호",
    PiiType.IP: "IP 주소",
    PiiType.ADDRESS: "주소",
    PiiType.PERSON: "사람 이름",
    PiiType.BIRTH_DATE: "생년월일",
}

_LABELS: dict[PiiType, str] = {
    PiiType.RRN: "주민번호",
    PiiType.FRN: "외국인번호",
    PiiType.PASSPORT: "여권번호",
    PiiType.DRIVER_LICENSE: "면허번호",
    PiiType.PHONE: "전화번호",
    PiiType.EMAIL: "이메일",
    PiiType.ACCOUNT: "계좌번호",
    PiiType.CARD: "카드번호",
    PiiType.BRN: "사업자번호",
    PiiType.CORPORATE_ID: "법인번호",
    PiiType.HEALTH_INSURANCE: "건보번호",
    PiiType.VEHICLE: "차량번호",
    PiiType.IP: "IP",
    PiiType.ADDRESS: "주소",
    PiiType.PERSON: "이름",
    PiiType.BIRTH_DATE: "생년월일",
}

TYPE_BY_LABEL: dict[str, PiiType] = {label: t for t, label in _LABELS.items()}
