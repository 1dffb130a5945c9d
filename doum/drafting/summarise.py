"""Summarising a document of any length to a ratio (≈ 1/3 by default) or a length.

Map-reduce over the document's structure:

1. **plan** — the markdown is cut at its headings; short neighbouring sections under
   the same parent are merged and sections too long for one call are split at
   paragraph boundaries, so each *unit* fits the model's context and its output budget;
2. **map** — each unit is summarised on its own (concurrently), to its share of the
   target length, keeping facts, numbers and article numbers;
3. **reduce** — the unit summaries are condensed into a short overview, hierarchically
   when they do not fit one call.

The result keeps the document's headings (doum writes them, not the model), cites the
original section of every summary, and covers every section: a unit the model fails
on falls back to its first sentences and is reported.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from doum.drafting.calls import ModelCaller
from doum.drafting.structure import Section, split_sections
from doum.drafting.tokens import Counter
from doum.llm.errors import ModelError
from doum.llm.types import ChatMessage
from doum.messages import message_for

logger = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]

SYSTEM_KO = (
    "당신은 지방자치단체 공무원을 위해 긴 문서를 요약하는 '도움'입니다. "
    "원문에 있는 사실만 쓰고, 숫자·날짜·조문 번호·기관명은 원문 그대로 옮깁니다. "
    "개조식(○, -)으로 쓰고 항목은 '~함·~임'으로 끝냅니다. 제목이나 머리말은 쓰지 않습니다."
)
SYSTEM_DEMO = "Summarise the text below in a few short bullet points. Keep numbers exactly."
_OVERHEAD_TEXT = "x" * 400


@dataclass(slots=True)
class Unit:
    sections: list[Section]
    text: str
    part: tuple[int, int] | None = None
    summary: str = ""
    extractive: bool = False

    @property
    def first(self) -> Section:
        return self.sections[0]

    @property
    def label(self) -> str:
        if len(self.sections) == 1:
            label = self.first.label
        else:
            label = f"{self.first.label} ~ {self.sections[-1].heading or '(본문)'}"
        return f"{label} ({self.part[0]}/{self.part[1]})" if self.part else label


@dataclass(slots=True)
class SummaryResult:
    markdown: str
    source_chars: int
    summary_chars: int
    sections: int
    units: int
    extractive: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.summary_chars / self.source_chars if self.source_chars else 0.0


def _chars(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def _unit_text(sections: Sequence[Section]) -> str:
    pieces = []
    for section in sections:
        if len(sections) > 1 and section.heading:
            pieces.append(f"【{section.heading}】")
        pieces.append(section.body)
    return "\n".join(p for p in pieces if p.strip())


def plan_units(
    sections: Sequence[Section], *, budget_tokens: int, count: Counter, min_chars: int
) -> list[Unit]:
    """Units of work, in document order (see the module docstring). Token counts add
    up section by section, so planning stays linear in the document's length."""
    units: list[Unit] = []
    spent: list[int] = []
    for section in sections:
        if not section.body.strip():
            continue
        cost = count(section.body)
        last = units[-1] if units else None
        if (
            last is not None
            and last.part is None
            and last.first.path == section.path
            and (_chars(last.text) < min_chars or _chars(section.body) < min_chars)
            and spent[-1] + cost <= budget_tokens
        ):
            last.sections.append(section)
            last.text = _unit_text(last.sections)
            spent[-1] += cost
            continue
        if cost <= budget_tokens:
            units.append(Unit([section], _unit_text([section])))
            spent.append(cost)
            continue
        pieces = _split(section.body, budget_tokens, count)
        for i, piece in enumerate(pieces, start=1):
            units.append(Unit([section], piece, part=(i, len(pieces))))
            spent.append(budget_tokens)
    return units


def _split(text: str, budget: int, count: Counter) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        cost = count(line)
        while cost > budget:
            cut = max(50, int(len(line) * budget / cost * 0.9))
            if current:
                pieces.append("\n".join(current))
                current, size = [], 0
            pieces.append(line[:cut])
            line = line[cut:]
            cost = count(line)
        if current and size + cost > budget:
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += cost
    if any(c.strip() for c in current):
        pieces.append("\n".join(current))
    return [p for p in pieces if p.strip()]


def extractive(text: str, target_chars: int) -> str:
    """The first sentences of ``text`` up to ``target_chars`` (the fallback)."""
    sentences = re.split(r"(?<=[.!?다함임])\s+|\n+", text)
    out: list[str] = []
    size = 0
    for sentence in sentences:
        sentence = sentence.strip().lstrip("-○□·• ").strip()
        if not sentence or sentence.startswith("【"):
            continue
        out.append(f"- {sentence}")
        size += len(sentence)
        if size >= target_chars:
            break
    return "\n".join(out)


class Summariser:
    """Summarises markdown with the routed model of ``caller``."""

    def __init__(
        self,
        caller: ModelCaller,
        *,
        ratio: float,
        min_section_chars: int = 400,
        concurrency: int = 4,
        progress: Progress | None = None,
    ) -> None:
        self.caller = caller
        self.ratio = ratio
        self.min_section_chars = min_section_chars
        self.concurrency = concurrency
        self.progress = progress
        self.model = caller.model
        self.count = caller.counter()
        self.demo = self.model.demo

    # --- budgets ------------------------------------------------------------------------

    def unit_budget(self) -> int:
        """Input tokens per unit: what fits the context beside the prompt and the
        output, and whose summary at ``ratio`` fits the output limit."""
        model = self.model
        prompt = self.count(SYSTEM_KO + _OVERHEAD_TEXT)
        fits = model.context_length - model.max_output_tokens - prompt - 64
        summary_fits = int(model.max_output_tokens / max(self.ratio, 0.05) * 0.8)
        return max(128, min(fits, summary_fits))

    def _max_tokens(self, text: str, target_chars: int) -> int:
        ratio = self.count(text) / max(1, len(text))
        return min(self.model.max_output_tokens, int(target_chars * ratio * 1.6) + 64)

    # --- prompts ------------------------------------------------------------------------

    def _map_messages(self, unit: Unit, target: int) -> list[ChatMessage]:
        if self.demo:
            return [ChatMessage("system", SYSTEM_DEMO), ChatMessage("user", unit.text)]
        where = unit.label
        user = (
            f"다음은 「{where}」 부분의 원문입니다. 공백을 빼고 약 {target:,}자로 요약하세요.\n"
            "빠진 사실이 없도록 중요한 결정·기준·수치·기한을 우선합니다.\n\n"
            f"[원문]\n{unit.text}"
        )
        return [ChatMessage("system", SYSTEM_KO), ChatMessage("user", user)]

    def _reduce_messages(self, text: str, target: int, title: str) -> list[ChatMessage]:
        if self.demo:
            return [ChatMessage("system", SYSTEM_DEMO), ChatMessage("user", text)]
        user = (
            f"다음은 「{title}」의 부분별 요약입니다. 문서 전체의 핵심을 공백을 빼고 약 {target:,}자로 "
            "정리하세요. 목적·주요 내용·숫자·일정을 빠뜨리지 말고, 부분 이름을 괄호로 밝히세요.\n\n"
            f"[부분별 요약]\n{text}"
        )
        return [ChatMessage("system", SYSTEM_KO), ChatMessage("user", user)]

    # --- map ----------------------------------------------------------------------------

    async def _summarise_unit(self, unit: Unit, semaphore: asyncio.Semaphore) -> None:
        target = max(40, int(_chars(unit.text) * self.ratio * 0.9))
        async with semaphore:
            try:
                text = await self.caller.complete(
                    self._map_messages(unit, target),
                    max_tokens=self._max_tokens(unit.text, target),
                    purpose=f"map:{unit.label}",
                )
            except ModelError as error:
                if error.code != "model.context_overflow":
                    raise
                logger.warning("unit too long for the model", extra={"unit": unit.label})
                text = ""
        text = _clean(text)
        if not text:
            unit.summary, unit.extractive = extractive(unit.text, target), True
        else:
            unit.summary = text

    # --- reduce -------------------------------------------------------------------------

    def reduce_budget(self) -> int:
        """Input tokens of one reduce call (its output is short)."""
        model = self.model
        prompt = self.count(SYSTEM_KO + _OVERHEAD_TEXT)
        return max(128, model.context_length - model.max_output_tokens - prompt - 64)

    async def _condense(self, text: str, target: int, title: str, level: int) -> str:
        answer = await self.caller.complete(
            self._reduce_messages(text, target, title),
            max_tokens=self._max_tokens(text, target),
            purpose=f"reduce:{level}",
        )
        return _clean(answer) or extractive(text, target)

    async def _overview(self, summaries: list[str], title: str) -> str:
        """Condense the unit summaries into one overview; when they do not fit one
        call, condense batches first (each to a third of its size) until they do."""
        budget = self.reduce_budget()
        total = sum(_chars(s) for s in summaries)
        target = max(150, min(1500, int(total * 0.15)))
        level = 0
        while len(summaries) > 1 and self.count("\n\n".join(summaries)) > budget:
            level += 1
            batches: list[list[str]] = [[]]
            for summary in summaries:
                if batches[-1] and self.count("\n\n".join([*batches[-1], summary])) > budget:
                    batches.append([])
                batches[-1].append(summary)
            condensed = []
            for batch in batches:
                text = "\n\n".join(batch)
                if self.count(text) > budget:  # one summary alone too long: cut it
                    text = text[: max(200, int(len(text) * budget / self.count(text)))]
                condensed.append(
                    await self._condense(
                        text, max(100, min(target, _chars(text) // 3)), title, level
                    )
                )
            summaries = condensed
        joined = "\n\n".join(summaries)
        if self.count(joined) > budget:
            joined = joined[: max(200, int(len(joined) * budget / self.count(joined)))]
        return await self._condense(joined, target, title, 0)

    # --- the whole document -------------------------------------------------------------

    async def summarise(self, markdown: str, *, title: str = "") -> SummaryResult:
        sections = split_sections(markdown)
        if not title:
            title = next((s.heading for s in sections if s.level == 1 and s.heading), "") or "문서"
        units = plan_units(
            sections,
            budget_tokens=self.unit_budget(),
            count=self.count,
            min_chars=self.min_section_chars,
        )
        semaphore = asyncio.Semaphore(max(1, self.concurrency))
        done = 0
        total = len(units) + 1

        async def run(unit: Unit) -> None:
            nonlocal done
            await self._summarise_unit(unit, semaphore)
            done += 1
            if self.progress:
                self.progress(done, total, unit.label)

        await asyncio.gather(*(run(u) for u in units))
        overview = (
            await self._overview([f"({u.label})\n{u.summary}" for u in units], title)
            if units
            else ""
        )
        if self.progress:
            self.progress(total, total, "핵심 요약")
        body = assemble(title, overview, sections, units)
        source_chars = _chars("\n".join(s.body for s in sections))
        fallbacks = [u.label for u in units if u.extractive]
        notices = (
            [message_for("drafting.summary_extractive", count=len(fallbacks))] if fallbacks else []
        )
        summary_chars = _chars("\n".join([overview, *(u.summary for u in units)]))
        return SummaryResult(
            markdown=body,
            source_chars=source_chars,
            summary_chars=summary_chars,
            sections=sum(1 for s in sections if s.heading),
            units=len(units),
            extractive=fallbacks,
            notices=notices,
        )


def _clean(text: str) -> str:
    """Model output without headings of its own or code fences (doum writes the
    headings)."""
    lines = []
    for line in text.strip().strip("`").split("\n"):
        if re.match(r"^\s*#{1,6}\s", line):
            line = re.sub(r"^\s*#{1,6}\s*", "", line).strip()
            line = f"**{line}**" if line else ""
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


def assemble(title: str, overview: str, sections: Sequence[Section], units: Sequence[Unit]) -> str:
    """The summary: overview, then every heading of the original in order with the
    summaries of its units and where they come from."""
    out = [f"# {title} 요약", ""]
    if overview:
        out += ["## 핵심 요약", "", overview, ""]
    out += ["## 부분별 요약", ""]
    by_section: dict[int, list[Unit]] = {}
    for unit in units:
        by_section.setdefault(unit.first.index, []).append(unit)
    merged = {s.index for u in units for s in u.sections[1:]}
    top = min((s.level for s in sections if s.heading), default=1)
    for section in sections:
        if section.index in merged:
            continue
        group = by_section.get(section.index, [])
        if section.heading:
            level = min(6, 3 + section.level - top)
            names = [section.heading]
            if group and len(group[0].sections) > 1:
                names = [s.heading or "(본문)" for s in group[0].sections]
            out += [f"{'#' * level} {' · '.join(names)}", ""]
        for unit in group:
            out += [unit.summary, "", f"〔원문: {unit.label}〕", ""]
    return "\n".join(out).strip() + "\n"
