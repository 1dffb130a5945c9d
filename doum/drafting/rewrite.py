"""Proofreading (맞춤법·띄어쓰기·어색한 문장·공문서 표현) and plain-language rewriting
(쉬운 말), proposed as a diff the official accepts or rejects change by change.

The deterministic rules of :mod:`doum.drafting.rules` run first; the model then works
paragraph group by paragraph group. A model answer that strays too far from its input
(another language, a summary, an invented paragraph) is dropped for that group and
reported, so only edits — never a different text — are proposed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from doum.drafting.calls import ModelCaller
from doum.drafting.diff import hunks, similarity
from doum.drafting.rules import apply_rules, label_hunks, plain_rules, proofread_rules
from doum.llm.errors import ModelError
from doum.llm.types import ChatMessage
from doum.messages import message_for

Progress = Callable[[int, int, str], None]

PROOFREAD_KO = (
    "당신은 행정 문서 교정 담당자입니다. 글의 뜻, 사실, 숫자, 줄바꿈, 마크다운 기호와 □·○·- 표시는 "
    "그대로 두고, 맞춤법·띄어쓰기·어색한 문장·공문서 표현만 고칩니다. "
    "고친 글 전체만 출력하고 설명은 쓰지 않습니다."
)
PLAIN_KO = (
    "당신은 공공기관 글을 주민이 읽기 쉬운 말로 다듬는 담당자입니다. 어려운 한자어와 외래어는 쉬운 "
    "우리말로, 긴 문장은 짧게 나누고, 사실·숫자·날짜·기관명과 줄바꿈, 마크다운·□·○ 표시는 그대로 "
    "둡니다. 다듬은 글 전체만 출력하고 설명은 쓰지 않습니다."
)
SYSTEM_DEMO = "Correct spelling and grammar of the text. Output only the corrected text."
MIN_SIMILARITY = {"proofread": 0.6, "plain": 0.35}


@dataclass(slots=True)
class RewriteResult:
    proposed: str
    hunks: list[dict[str, Any]]
    rule_changes: int
    rejected_groups: int
    notices: list[str] = field(default_factory=list)


def groups(text: str, budget: int, count: Callable[[str], int]) -> list[tuple[str, str]]:
    """``text`` as (paragraphs, separator) groups that fit ``budget`` tokens; joining
    every group and separator gives ``text`` back exactly."""
    pieces = re.split(r"(\n\s*\n)", text)
    paragraphs = [
        (pieces[i], pieces[i + 1] if i + 1 < len(pieces) else "") for i in range(0, len(pieces), 2)
    ]
    out: list[list[str]] = []
    size = 0
    for paragraph, separator in paragraphs:
        cost = count(paragraph)
        if out and size + cost <= budget:
            out[-1][0] += out[-1][1] + paragraph
            out[-1][1] = separator
            size += cost
        else:
            out.append([paragraph, separator])
            size = cost
    return [(g, s) for g, s in out]


def _clean(answer: str, original: str) -> str:
    text = answer.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text.split("\n", 1)[1].rsplit("```", 1)[0] if "\n" in text else ""
    leading = original[: len(original) - len(original.lstrip())]
    trailing = original[len(original.rstrip()) :]
    return leading + text.strip() + trailing


async def rewrite(
    caller: ModelCaller, text: str, *, mode: str, progress: Progress | None = None
) -> RewriteResult:
    rules = proofread_rules() if mode == "proofread" else proofread_rules() + plain_rules()
    ruled = apply_rules(text, rules)
    model = caller.model
    count = caller.counter()
    system = SYSTEM_DEMO if model.demo else (PROOFREAD_KO if mode == "proofread" else PLAIN_KO)
    budget = max(64, (model.context_length - count(system) - 64) // 2 - 32)
    budget = min(budget, int(model.max_output_tokens / 1.3))
    parts = groups(ruled, budget, count)
    out: list[str] = []
    rejected = 0
    for index, (group, separator) in enumerate(parts, start=1):
        if group.strip():
            try:
                answer = await caller.complete(
                    [ChatMessage("system", system), ChatMessage("user", group)],
                    max_tokens=int(count(group) * 1.3) + 32,
                    purpose=f"{mode}:{index}",
                )
            except ModelError as error:
                if error.code != "model.context_overflow":
                    raise
                answer = ""
            candidate = _clean(answer, group)
            if answer.strip() and similarity(group, candidate) >= MIN_SIMILARITY[mode]:
                group = candidate
            else:
                rejected += 1
        out.append(group + separator)
        if progress:
            progress(index, len(parts), f"{index}/{len(parts)}")
    proposed = "".join(out)
    changes = hunks(text, proposed)
    label_hunks(changes, text, rules)
    notices = []
    if rejected and text.strip():
        notices.append(message_for("drafting.model_output_rejected", count=rejected))
    return RewriteResult(
        proposed=proposed,
        hunks=changes,
        rule_changes=sum(1 for h in changes if h["source"] == "rule"),
        rejected_groups=rejected,
        notices=notices,
    )
