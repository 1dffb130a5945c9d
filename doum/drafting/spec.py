"""What a drafting template is: document type, fields, model instructions, an output
skeleton, the sections a good draft must have, and a default data class.

The same definition is read from the shipped TOML files, from a template row's JSON
and from an uploaded TOML (``doum templates import``); :func:`parse_definition`
validates all three the same way.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from doum.drafting.errors import DraftingInvalid

DOC_TYPES: dict[str, str] = {
    "press_release": "보도자료",
    "speech": "인사말·연설문",
    "report": "보고서",
    "gongmun": "기안문·시행문",
    "meeting": "회의자료",
    "result_report": "결과보고",
    "weekly": "주간업무보고",
    "sns": "SNS·카드뉴스",
    "ideas": "기획·아이디어",
    "summary": "요약",
    "free": "자유 형식",
}
FIELD_KINDS = ("text", "textarea", "date", "number", "list", "table", "choice")
STYLES = ("prose", "gaejosik", "gongmun", "variants")
DATA_CLASSES = ("C", "S", "O")
MAX_FIELD_CHARS = 20_000
_KEY_RE = re.compile(r"^[0-9A-Za-z가-힣_·]{1,40}$")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    """Also the project-fact name it is filled from first, e.g. "추진배경"."""
    label: str = ""
    kind: str = "text"
    required: bool = False
    placeholder: str = ""
    help: str = ""
    choices: tuple[str, ...] = ()
    default: str = ""
    facts: tuple[str, ...] = ()
    """Other project-fact names that may fill this field, in order of preference."""

    @property
    def display(self) -> str:
        return self.label or self.key

    @property
    def fact_keys(self) -> tuple[str, ...]:
        return (self.key, *[f for f in self.facts if f != self.key])


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A part every draft of the template must contain, found by a line pattern."""

    name: str
    pattern: str
    """A regular expression searched line by line (``re.MULTILINE``)."""
    fill: str = ""
    """When the section is missing and this text's placeholders can all be filled from
    the fields, it is appended (e.g. ``"문의: {문의처}"``)."""
    count_field: str = ""
    """The section must occur as many times as this field says (variants)."""

    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.MULTILINE)


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    id: str
    name: str
    doc_type: str
    description: str = ""
    data_class: str = "S"
    style: str = "prose"
    fields: tuple[FieldSpec, ...] = ()
    instructions: str = ""
    skeleton: str = ""
    sections: tuple[SectionSpec, ...] = ()
    target_chars_field: str = ""
    """A choice field whose value names the length, e.g. "3분 (약 1,000자)"."""
    scope: str = "builtin"
    """builtin | organisation | department | personal"""
    department_id: int | None = None
    owner_id: int | None = None
    source_key: str = ""
    order: int = 100

    @property
    def builtin(self) -> bool:
        return self.scope == "builtin"

    @property
    def doc_type_label(self) -> str:
        return DOC_TYPES.get(self.doc_type, self.doc_type)

    def field(self, key: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.key == key), None)

    def definition(self) -> dict[str, Any]:
        """The JSON stored in a template row (everything but identity and scope)."""
        data = asdict(self)
        for key in ("id", "name", "doc_type", "description", "data_class", "scope"):
            data.pop(key)
        for key in ("department_id", "owner_id", "source_key", "order"):
            data.pop(key)
        return data

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "builtin": self.builtin, "doc_type_label": self.doc_type_label}


def _text(data: dict[str, Any], key: str, default: str = "", *, limit: int = 20_000) -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise DraftingInvalid("drafting.template_invalid", detail=f"{key} 는 문자열이어야 합니다")
    if len(value) > limit:
        raise DraftingInvalid("drafting.template_invalid", detail=f"{key} 가 너무 깁니다")
    return value


def _field(raw: Any) -> FieldSpec:
    if not isinstance(raw, dict):
        raise DraftingInvalid("drafting.template_invalid", detail="fields 항목은 표여야 합니다")
    key = _text(raw, "key").strip()
    if not _KEY_RE.match(key):
        raise DraftingInvalid(
            "drafting.template_invalid", detail=f"항목 키가 올바르지 않습니다: {key!r}"
        )
    kind = _text(raw, "kind", "text")
    if kind not in FIELD_KINDS:
        raise DraftingInvalid("drafting.template_invalid", detail=f"항목 종류: {kind}")
    choices = tuple(str(c) for c in raw.get("choices") or ())
    facts = tuple(str(f) for f in raw.get("facts") or ())
    return FieldSpec(
        key=key,
        label=_text(raw, "label", key, limit=100),
        kind=kind,
        required=bool(raw.get("required", False)),
        placeholder=_text(raw, "placeholder", limit=500),
        help=_text(raw, "help", limit=500),
        choices=choices,
        default=_text(raw, "default", limit=2000),
        facts=facts,
    )


def _section(raw: Any) -> SectionSpec:
    if not isinstance(raw, dict) or not raw.get("name") or not raw.get("pattern"):
        raise DraftingInvalid(
            "drafting.template_invalid", detail="sections 에는 name 과 pattern 이 필요합니다"
        )
    spec = SectionSpec(
        name=_text(raw, "name", limit=100),
        pattern=_text(raw, "pattern", limit=500),
        fill=_text(raw, "fill", limit=2000),
        count_field=_text(raw, "count_field", limit=40),
    )
    try:
        spec.regex()
    except re.error as error:
        raise DraftingInvalid(
            "drafting.template_invalid", detail=f"{spec.name} 의 pattern: {error}"
        ) from error
    return spec


def parse_definition(
    data: dict[str, Any],
    *,
    id: str,
    scope: str = "builtin",
    department_id: int | None = None,
    owner_id: int | None = None,
    source_key: str = "",
) -> TemplateSpec:
    """Validate a template definition (TOML table or stored JSON) into a spec."""
    name = _text(data, "name", limit=100).strip()
    if not name:
        raise DraftingInvalid("drafting.template_invalid", detail="이름(name)이 필요합니다")
    doc_type = _text(data, "doc_type", "free")
    if doc_type not in DOC_TYPES:
        raise DraftingInvalid("drafting.template_invalid", detail=f"문서 종류: {doc_type}")
    data_class = _text(data, "data_class", "S")
    if data_class not in DATA_CLASSES:
        raise DraftingInvalid("drafting.template_invalid", detail=f"보안 등급: {data_class}")
    style = _text(data, "style", "prose")
    if style not in STYLES:
        raise DraftingInvalid("drafting.template_invalid", detail=f"문체: {style}")
    fields = tuple(_field(f) for f in data.get("fields") or ())
    keys = [f.key for f in fields]
    if len(keys) != len(set(keys)):
        raise DraftingInvalid("drafting.template_invalid", detail="항목 키가 중복됩니다")
    sections = tuple(_section(s) for s in data.get("sections") or ())
    return TemplateSpec(
        id=id,
        name=name,
        doc_type=doc_type,
        description=_text(data, "description", limit=2000),
        data_class=data_class,
        style=style,
        fields=fields,
        instructions=_text(data, "instructions"),
        skeleton=_text(data, "skeleton"),
        sections=sections,
        target_chars_field=_text(data, "target_chars_field", limit=40),
        scope=scope,
        department_id=department_id,
        owner_id=owner_id,
        source_key=source_key,
        order=int(data.get("order", 100)),
    )


def validate_values(spec: TemplateSpec, values: dict[str, Any]) -> dict[str, str]:
    """Field values as strings, known keys only, within length limits."""
    clean: dict[str, str] = {}
    for key, value in values.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else _stringify(value)
        if len(text) > MAX_FIELD_CHARS:
            raise DraftingInvalid("drafting.field_too_long", field=key, limit=MAX_FIELD_CHARS)
        clean[str(key)] = text.strip()
    return clean


def _stringify(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_stringify(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_stringify(v)}" for k, v in value.items())
    return str(value)


def missing_required(spec: TemplateSpec, values: dict[str, str]) -> list[str]:
    return [f.display for f in spec.fields if f.required and not values.get(f.key, "").strip()]


def target_chars(spec: TemplateSpec, values: dict[str, str]) -> int | None:
    """The length asked for, from a value such as "3분 (약 1,000자)"."""
    if not spec.target_chars_field:
        return None
    match = re.search(r"([\d,]+)\s*자", values.get(spec.target_chars_field, ""))
    return int(match.group(1).replace(",", "")) if match else None
