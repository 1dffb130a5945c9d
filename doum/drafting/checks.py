"""What doum checks in a draft after the model writes it (and after every edit):

* the template's sections are all there — those the form can fill (문의처, 발언자)
  are added when missing (:func:`repair`), the others are reported;
* style: 개조식 items end in "~함·~임", not "~다."; the length asked for is kept;
* numbers agree with the sources they came from (:mod:`doum.drafting.numbers`).
"""

from __future__ import annotations

import re
from typing import Any

from doum.drafting.numbers import check_numbers
from doum.drafting.skeleton import fill, placeholders
from doum.drafting.spec import SectionSpec, TemplateSpec, target_chars
from doum.messages import message_for

_GAEJO_LINE_RE = re.compile(r"^\s*(?:[○◦\-·ㆍ]|\d+\)|[가-하]\))\s+(.+?)\s*$")
_SENTENCE_END_RE = re.compile(r"(?:다|요)\.\s*(?:\[\d+\])*$")


def _pattern(section: SectionSpec, values: dict[str, str]) -> re.Pattern[str] | None:
    keys = placeholders(section.pattern)
    if not keys:
        return section.regex()
    if any(not values.get(k, "").strip() for k in keys):
        return None  # depends on a field left empty: nothing to look for
    escaped = {k: re.escape(values[k].strip()) for k in keys}
    return re.compile(fill(section.pattern, escaped), re.MULTILINE)


def _expected_count(section: SectionSpec, values: dict[str, str]) -> int:
    if not section.count_field:
        return 1
    match = re.search(r"\d+", values.get(section.count_field, ""))
    return max(1, min(int(match.group(0)), 10)) if match else 1


def section_report(
    spec: TemplateSpec, content: str, values: dict[str, str]
) -> list[dict[str, Any]]:
    report = []
    for section in spec.sections:
        pattern = _pattern(section, values)
        if pattern is None:
            continue
        found = len(pattern.findall(content))
        expected = _expected_count(section, values)
        report.append(
            {"name": section.name, "found": found, "expected": expected, "ok": found >= expected}
        )
    return report


def repair(spec: TemplateSpec, content: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Append the missing sections the form can fill; returns (content, repaired names)."""
    repaired: list[str] = []
    for section in spec.sections:
        pattern = _pattern(section, values)
        if not section.fill or pattern is None or pattern.search(content):
            continue
        keys = placeholders(section.fill)
        if any(not values.get(k, "").strip() for k in keys):
            continue
        content = content.rstrip() + "\n\n" + fill(section.fill, values).strip() + "\n"
        repaired.append(section.name)
    return content, repaired


def style_report(spec: TemplateSpec, content: str, values: dict[str, str]) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    if spec.style == "gaejosik":
        lines = [
            i
            for i, line in enumerate(content.split("\n"), start=1)
            if (m := _GAEJO_LINE_RE.match(line)) and _SENTENCE_END_RE.search(m.group(1))
        ]
        if lines:
            notes.append(
                {
                    "code": "drafting.style_sentence",
                    "message": message_for("drafting.style_sentence", count=len(lines)),
                    "lines": lines,
                }
            )
    target = target_chars(spec, values)
    if target:
        actual = len(re.sub(r"\s+", "", content))
        if not 0.7 * target <= actual <= 1.3 * target:
            notes.append(
                {
                    "code": "drafting.length_target",
                    "message": message_for("drafting.length_target", target=target, actual=actual),
                    "lines": [],
                }
            )
    return notes


def check_draft(
    spec: TemplateSpec | None,
    content: str,
    values: dict[str, str],
    sources: list[dict[str, Any]],
) -> dict[str, Any]:
    """Everything the editor shows next to a draft."""
    sections = section_report(spec, content, values) if spec else []
    notes = style_report(spec, content, values) if spec else []
    for item in sections:
        if not item["ok"]:
            notes.append(
                {
                    "code": "drafting.section_missing",
                    "message": message_for("drafting.section_missing", section=item["name"]),
                    "lines": [],
                }
            )
    numbers = check_numbers(content, sources, values)
    for item in numbers["numbers"]:
        if item["status"] == "mismatch":
            notes.append(
                {
                    "code": "drafting.number_mismatch",
                    "message": message_for(
                        "drafting.number_mismatch",
                        number=item["text"],
                        source=item["source"] if item["source"] else "입력 항목",
                        expected=item["expected"],
                    ),
                    "lines": [item["line"]],
                }
            )
    return {"sections": sections, "notes": notes, **numbers}
