"""Deterministic corrections that need no model: common misspellings, 공문서 notation
(dates, times) and the administrative terms the government asks to replace with plain
words (행정안전부·국립국어원 행정용어 순화). They run before the model, so they work
with any model — and each carries the reason shown in the diff view.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    replacement: Replacement
    reason: str


_PARTICLES = (("으로", "로"), ("을", "를"), ("은", "는"), ("이", "가"), ("과", "와"))
_PARTICLE_RE = "(으로|로|을|를|은|는|이|가|과|와)?"


def _final(syllable: str) -> int:
    """The final consonant index of a Hangul syllable (0: none, 8: ㄹ), -1 otherwise."""
    code = ord(syllable) - 0xAC00
    return code % 28 if 0 <= code < 11172 else -1


def particle_for(word: str, particle: str) -> str:
    """The form of ``particle`` (조사) that agrees with ``word``'s last syllable:
    매뉴얼을 → 지침서를, 로드맵이 → 이행안이."""
    final = _final(word[-1]) if word else -1
    if final < 0:
        return particle
    for with_final, without in _PARTICLES:
        if particle in (with_final, without):
            if with_final == "으로":
                return without if final in (0, 8) else with_final
            return with_final if final else without
    return particle


def _word_rule(wrong: str, right: str, reason: str, *, boundary: bool) -> Rule:
    def replace(match: re.Match[str]) -> str:
        particle = match.group(1) or ""
        return right + (particle_for(right, particle) if particle else "")

    start = r"(?<![가-힣])" if boundary else ""
    return Rule(re.compile(start + re.escape(wrong) + _PARTICLE_RE), replace, reason)


def _words(pairs: dict[str, str], reason: str, *, boundary: bool = True) -> list[Rule]:
    """Whole-word replacements (``boundary``: not inside a longer word)."""
    return [
        _word_rule(wrong, right, reason.format(right=right), boundary=boundary)
        for wrong, right in pairs.items()
    ]


def _pm(match: re.Match[str]) -> str:
    hour = int(match.group(1)) + (12 if int(match.group(1)) < 12 else 0)
    minute = int(match.group(3) or 0)
    return f"{hour}:{minute:02d}"


def _am(match: re.Match[str]) -> str:
    return f"{int(match.group(1)):02d}:{int(match.group(3) or 0):02d}"


SPELLING: dict[str, str] = {
    "몇일": "며칠",
    "몇 일": "며칠",
    "금새": "금세",
    "역활": "역할",
    "희안하": "희한하",
    "일일히": "일일이",
    "틈틈히": "틈틈이",
    "깨끗히": "깨끗이",
    "곰곰히": "곰곰이",
    "오랫만": "오랜만",
    "왠만하면": "웬만하면",
    "구지 ": "굳이 ",
    "할께요": "할게요",
    "할께": "할게",
    "되요": "돼요",
    "바램": "바람",
    "어떻해": "어떡해",
    "설겆이": "설거지",
    "문안하": "무난하",
    "감사드립니다만": "감사합니다만",
}
SPACING: dict[str, str] = {
    "할수 있": "할 수 있",
    "할수있": "할 수 있",
    "될수 있": "될 수 있",
    "될수있": "될 수 있",
    "할수 없": "할 수 없",
    "할수없": "할 수 없",
    "볼수 있": "볼 수 있",
    "볼수있": "볼 수 있",
    "것 으로": "것으로",
}
GONGMUN: dict[str, str] = {
    "첨부파일": "붙임 파일",
    "익일": "다음 날",
    "금일": "오늘",
    "명일": "내일",
    "익월": "다음 달",
    "금번": "이번",
}
PLAIN: dict[str, str] = {
    "내방객": "방문객",
    "내방": "방문",
    "가료": "치료",
    "시건장치": "잠금장치",
    "불요불급한": "급하지 않은",
    "구비서류": "갖출 서류",
    "불입": "납부",
    "수범사례": "모범 사례",
    "적의 조치": "알맞게 조치",
    "징구": "받음",
    "게첨": "게시",
    "지득한": "알게 된",
    "기히": "이미",
    "감안하여": "고려하여",
    "노력을 경주": "노력을 기울",
    "만전을 기하": "빈틈없이 준비하",
    "로드맵": "단계별 이행안",
    "거버넌스": "민관 협력",
    "인프라": "기반 시설",
    "니즈": "요구",
    "컨트롤타워": "총괄 조정 기구",
    "가이드라인": "지침",
    "태스크포스": "전담팀",
    "원스톱": "한자리",
    "매뉴얼": "지침서",
    "홈페이지": "누리집",
}


def proofread_rules() -> list[Rule]:
    rules = _words(SPELLING, "맞춤법: '{right}'이(가) 표준어입니다", boundary=False)
    rules.append(
        Rule(
            re.compile(r"(있|없|했|였|됐|겠|갔|왔|었|았|였)슴(?![가-힣])"),
            r"\1음",
            "맞춤법: 명사형 어미는 '-음'으로 씁니다 (있음, 없음)",
        )
    )
    rules += _words(SPACING, "띄어쓰기: 의존 명사는 띄어 씁니다", boundary=False)
    rules += [
        Rule(
            re.compile(r"(?<![\d.])(\d{4})\.(\d{1,2})\.(\d{1,2})\.?(?![\d.])"),
            lambda m: f"{m.group(1)}. {int(m.group(2))}. {int(m.group(3))}.",
            "공문서 날짜 표기: '2025. 3. 5.'처럼 씁니다",
        ),
        Rule(
            re.compile(r"오후\s*(\d{1,2})시(\s*(\d{1,2})분)?"),
            _pm,
            "공문서 시각 표기: 24시각제 '14:00'으로 씁니다",
        ),
        Rule(
            re.compile(r"오전\s*(\d{1,2})시(\s*(\d{1,2})분)?"),
            _am,
            "공문서 시각 표기: 24시각제 '09:00'으로 씁니다",
        ),
    ]
    rules += _words(GONGMUN, "공문서 표현: 쉬운 우리말 '{right}'(으)로 씁니다")
    rules += [
        Rule(
            re.compile(r"(?<![가-힣])상기(?=(?:와|의|\s+내용|\s+사항))"),
            "위",
            "공문서 표현: '위'로 씁니다",
        ),
        Rule(
            re.compile(r"(?<![가-힣])하기(?=(?:와|의)\s)"), "아래", "공문서 표현: '아래'로 씁니다"
        ),
    ]
    return rules


def plain_rules() -> list[Rule]:
    return _words(PLAIN, "쉬운 말: '{right}'(으)로 바꿉니다 (행정용어 순화)") + _words(
        GONGMUN, "쉬운 말: '{right}'(으)로 바꿉니다"
    )


def apply_rules(text: str, rules: list[Rule]) -> str:
    """``text`` with every rule applied."""
    for rule in rules:
        text = rule.pattern.sub(rule.replacement, text)
    return text


def label_hunks(hunks: list[dict[str, Any]], original: str, rules: list[Rule]) -> None:
    """Set each hunk's ``reason`` to the rule that explains it ("모델 제안" otherwise)."""
    for hunk in hunks:
        start, end = hunk["start"], hunk["end"]
        window = original[max(0, start - 12) : end + 12]
        hunk["reason"] = "모델 제안"
        hunk["source"] = "model"
        for rule in rules:
            if not rule.pattern.search(window):
                continue
            if hunk["after"].strip() and hunk["after"].strip() in rule.pattern.sub(
                rule.replacement, window
            ):
                hunk["reason"] = rule.reason
                hunk["source"] = "rule"
                break
