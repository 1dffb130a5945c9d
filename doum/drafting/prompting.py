"""The prompts of the drafting studio (Korean for real models; short English for the
packaged demo model, which follows nothing else)."""

from __future__ import annotations

from collections.abc import Sequence

from doum.config.llm import ModelConfig
from doum.drafting.knowledge import Passage
from doum.drafting.skeleton import render_instructions, render_skeleton
from doum.drafting.spec import TemplateSpec, target_chars
from doum.llm.types import ChatMessage

SYSTEM_KO = (
    "당신은 지방자치단체 공무원의 문서 작성을 돕는 '도움'입니다. "
    "행정안전부 공문서 작성 기준과 한글 맞춤법에 맞게, 정확하고 간결한 한국어로 씁니다. "
    "입력 항목과 참고 자료에 있는 사실만 쓰고, 없는 사실·숫자·이름·날짜는 지어내지 않습니다. "
    "확인이 필요한 곳은 '(확인 필요)'로 표시합니다. 참고 자료에서 가져온 사실과 숫자 뒤에는 "
    "[1]처럼 자료 번호를 붙입니다. 결과는 마크다운으로, 요청한 골격만 출력합니다."
)
SYSTEM_DEMO = (
    "You are a writing assistant for a city government. Fill in the outline with short, "
    "factual sentences using only the facts given. Keep the outline's headings and markers."
)
RULES_KO = (
    "- 출력 골격의 순서와 제목(#, □, ○ 표시 포함)을 그대로 지키고, 괄호로 된 안내문은 실제 내용으로 바꿉니다.\n"
    "- 골격 밖의 설명이나 인사말, 코드 블록 표시(```)는 쓰지 않습니다.\n"
    "- 날짜는 '2025. 3. 5.', 시각은 '14:00', 금액은 '10억 원'처럼 씁니다.\n"
    "- 참고 자료의 숫자를 쓸 때는 자료와 똑같이 옮기고 [번호]를 붙입니다."
)


def field_lines(spec: TemplateSpec | None, values: dict[str, str]) -> str:
    lines = []
    if spec is not None:
        for field in spec.fields:
            value = values.get(field.key, "").strip()
            if value:
                lines.append(f"- {field.display}: {_indent(value)}")
    extra = [k for k in values if spec is None or spec.field(k) is None]
    lines.extend(f"- {k}: {_indent(values[k])}" for k in extra if values[k].strip())
    return "\n".join(lines) or "- (입력 없음)"


def _indent(value: str) -> str:
    return value if "\n" not in value else "\n  " + value.replace("\n", "\n  ")


def source_block(passages: Sequence[Passage]) -> str:
    return "\n\n".join(f"[{n}] {p.label}\n{p.text.strip()}" for n, p in enumerate(passages, 1))


def variant_count(spec: TemplateSpec, values: dict[str, str], default: int) -> int:
    for section in spec.sections:
        if section.count_field:
            raw = values.get(section.count_field, "")
            digits = "".join(ch for ch in raw if ch.isdigit())
            return max(1, min(int(digits), 10)) if digits else default
    return 1


def generation_messages(
    spec: TemplateSpec,
    values: dict[str, str],
    passages: Sequence[Passage],
    model: ModelConfig,
    *,
    title: str = "",
    request: str = "",
    variants: int = 1,
) -> list[ChatMessage]:
    """The request that writes a draft of ``spec`` from the form and the sources."""
    skeleton = render_skeleton(spec, values)
    if model.demo:
        facts = field_lines(spec, values)
        parts = [f"Document type: {spec.name}", f"Facts:\n{facts}"]
        if passages:
            parts.append("Sources:\n" + source_block(passages))
        parts.append(f"Outline:\n{skeleton}")
        if request:
            parts.append(f"Request: {request}")
        return [ChatMessage("system", SYSTEM_DEMO), ChatMessage("user", "\n\n".join(parts))]
    parts = [f"[문서 종류] {spec.name} ({spec.doc_type_label})"]
    if title:
        parts.append(f"[제목 후보] {title}")
    parts.append("[작성 지침]\n" + render_instructions(spec, values))
    parts.append("[입력 항목]\n" + field_lines(spec, values))
    if passages:
        parts.append(
            "[참고 자료] (사실과 숫자는 여기에서만 가져오고 [번호]로 밝히세요)\n"
            + source_block(passages)
        )
    else:
        parts.append("[참고 자료] 없음 — 입력 항목에 없는 사실과 숫자는 '(확인 필요)'로 남기세요.")
    if request:
        parts.append(f"[추가 요청] {request}")
    target = target_chars(spec, values)
    if target:
        parts.append(f"[분량] 공백을 빼고 약 {target:,}자")
    if variants > 1:
        parts.append(
            f"[여러 안] 서로 다른 안 {variants}개를 '## 안 1'부터 '## 안 {variants}'까지 차례로 씁니다."
        )
    parts.append("[출력 골격]\n" + skeleton)
    parts.append("[규칙]\n" + RULES_KO)
    return [ChatMessage("system", SYSTEM_KO), ChatMessage("user", "\n\n".join(parts))]
