"""Translation ko ↔ en, zh, vi, ja with terms kept.

Glossary terms (built in, from ``drafting.glossary`` in the settings, and typed by the
official for this run) are swapped for numbered markers before the text goes to the
model and restored afterwards — to the glossary's translation, or unchanged when the
term is to be kept as written — so names of projects, places and institutions survive
exactly. Markers the model drops are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from doum.drafting.calls import ModelCaller
from doum.drafting.errors import DraftingInvalid
from doum.drafting.rewrite import groups
from doum.llm.errors import ModelError
from doum.llm.types import ChatMessage
from doum.messages import message_for

Progress = Callable[[int, int, str], None]
LANGUAGES = {"ko": "한국어", "en": "영어", "zh": "중국어(간체)", "vi": "베트남어", "ja": "일본어"}
ENGLISH_NAMES = {
    "ko": "Korean",
    "en": "English",
    "zh": "Simplified Chinese",
    "vi": "Vietnamese",
    "ja": "Japanese",
}

# Names with an established translation; sites add their own in drafting.glossary.
BUILTIN_GLOSSARY: dict[str, dict[str, str]] = {
    "en": {
        "행정안전부": "Ministry of the Interior and Safety",
        "보건복지부": "Ministry of Health and Welfare",
        "국토교통부": "Ministry of Land, Infrastructure and Transport",
        "행정복지센터": "Community Service Center",
        "주민센터": "Community Service Center",
        "보도자료": "Press Release",
    },
    "zh": {"행정안전부": "行政安全部", "보건복지부": "保健福祉部", "국토교통부": "国土交通部"},
    "ja": {"행정안전부": "行政安全部", "보건복지부": "保健福祉部", "국토교통부": "国土交通部"},
    "vi": {},
}
_MARKER_RE = re.compile(r"\[\[\s*T\s*(\d+)\s*\]\]")


@dataclass(slots=True)
class TranslationResult:
    text: str
    language: str
    terms: dict[str, str]
    missing: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def parse_terms(text: str) -> dict[str, str]:
    """Terms typed one per line: "새만금 = Saemangeum" or just "새만금" (keep as is)."""
    terms: dict[str, str] = {}
    for line in text.splitlines():
        source, sep, target = line.partition("=")
        source = source.strip()
        if source:
            terms[source] = target.strip() if sep else source
    return terms


def glossary(
    language: str, extra: dict[str, dict[str, str]], terms: dict[str, str]
) -> dict[str, str]:
    return {**BUILTIN_GLOSSARY.get(language, {}), **extra.get(language, {}), **terms}


def protect(text: str, terms: dict[str, str]) -> tuple[str, dict[int, str]]:
    """``text`` with each term replaced by ``[[Tn]]``; returns the marker → term map."""
    markers: dict[int, str] = {}
    for term in sorted(terms, key=len, reverse=True):
        if term and term in text:
            n = len(markers) + 1
            markers[n] = term
            text = text.replace(term, f"[[T{n}]]")
    return text, markers


def restore(text: str, markers: dict[int, str], terms: dict[str, str]) -> tuple[str, list[str]]:
    seen: set[int] = set()

    def put(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in markers:
            return match.group(0)
        seen.add(n)
        return terms[markers[n]]

    restored = _MARKER_RE.sub(put, text)
    return restored, [markers[n] for n in markers if n not in seen]


def _messages(text: str, language: str, demo: bool) -> list[ChatMessage]:
    if demo:
        return [
            ChatMessage(
                "system",
                f"Translate the text into {ENGLISH_NAMES[language]}. Output only the translation.",
            ),
            ChatMessage("user", text),
        ]
    system = (
        f"당신은 지방자치단체 문서를 {LANGUAGES[language]}로 옮기는 전문 번역가입니다. "
        "뜻을 정확하게, 공공기관 문서에 맞는 격식으로 옮깁니다. 줄바꿈, 마크다운 기호(#, -, |), "
        "□·○ 표시, 숫자, [1] 같은 출처 번호는 그대로 둡니다. [[T1]]처럼 생긴 표시는 고유 용어이니 "
        "절대 바꾸거나 빼지 말고 그 자리에 그대로 둡니다. 번역문만 출력합니다."
    )
    return [ChatMessage("system", system), ChatMessage("user", text)]


async def translate(
    caller: ModelCaller,
    text: str,
    *,
    language: str,
    terms: dict[str, str] | None = None,
    extra_glossary: dict[str, dict[str, str]] | None = None,
    progress: Progress | None = None,
) -> TranslationResult:
    if language not in LANGUAGES:
        raise DraftingInvalid("drafting.language_unsupported", language=language)
    mapping = glossary(language, extra_glossary or {}, terms or {})
    protected, markers = protect(text, mapping)
    model = caller.model
    count = caller.counter()
    budget = max(64, min((model.context_length - 300) // 3, int(model.max_output_tokens / 2)))
    parts = groups(protected, budget, count)
    out: list[str] = []
    for index, (group, separator) in enumerate(parts, start=1):
        translated = group
        if group.strip():
            try:
                answer = await caller.complete(
                    _messages(group, language, model.demo),
                    max_tokens=int(count(group) * 2) + 64,
                    purpose=f"translate:{language}:{index}",
                )
            except ModelError as error:
                if error.code != "model.context_overflow":
                    raise
                answer = ""
            translated = answer.strip() or group
        out.append(translated + separator)
        if progress:
            progress(index, len(parts), f"{index}/{len(parts)}")
    restored, missing = restore("".join(out), markers, mapping)
    notices = [message_for("drafting.terms_missing", terms=", ".join(missing))] if missing else []
    used = {markers[n]: mapping[markers[n]] for n in markers}
    return TranslationResult(restored, language, used, missing, notices)
