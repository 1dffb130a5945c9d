"""Filling a template's skeleton, instructions and section fills with field values.

Placeholders are ``{key}`` (the value on one line), ``{key:lines}`` (one output line per
line of the value, each with the text around the placeholder) and ``{key:table}`` (the
value as a markdown table). A line whose placeholders are all empty is left out, so
optional fields simply disappear from the outline.
"""

from __future__ import annotations

import re

from doum.drafting.spec import TemplateSpec

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z가-힣_·][0-9A-Za-z가-힣_·]{0,39})(?::(lines|table))?\}")


def _one_line(value: str) -> str:
    return ", ".join(part.strip() for part in value.splitlines() if part.strip())


def table_markdown(value: str) -> str:
    """A table typed as ``a | b | c`` rows, or as ``label: value`` lines."""
    rows = [line.strip() for line in value.splitlines() if line.strip()]
    if not rows:
        return ""
    if all("|" in row for row in rows):
        grid = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
        grid = [r for r in grid if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]
    else:
        grid = [["구분", "내용"]]
        for row in rows:
            label, sep, rest = row.partition(":")
            grid.append([label.strip(), rest.strip()] if sep else ["", row])
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
    return "\n".join(lines)


def fill(text: str, values: dict[str, str], *, keep_empty_lines: bool = False) -> str:
    """``text`` with its placeholders filled (see the module docstring)."""
    out: list[str] = []
    for line in text.split("\n"):
        found = list(_PLACEHOLDER_RE.finditer(line))
        if not found:
            out.append(line)
            continue
        present = [m for m in found if values.get(m.group(1), "").strip()]
        if not present and not keep_empty_lines:
            continue
        lines_mode = next((m for m in present if m.group(2) == "lines"), None)
        table_mode = next((m for m in present if m.group(2) == "table"), None)
        if table_mode is not None:
            out.append(table_markdown(values[table_mode.group(1)]))
            continue
        if lines_mode is not None:
            prefix, suffix = line[: lines_mode.start()], line[lines_mode.end() :]
            for item in values[lines_mode.group(1)].splitlines():
                item = item.strip().lstrip("-•·○□ ").strip()
                if item:
                    out.append(_substitute(prefix + item + suffix, values))
            continue
        filled = _substitute(line, values)
        out.append(filled if line[:1].isspace() else filled.lstrip())
    return "\n".join(out)


def _substitute(line: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: _one_line(values.get(m.group(1), "")), line)


def placeholders(text: str) -> set[str]:
    return {m.group(1) for m in _PLACEHOLDER_RE.finditer(text)}


def render_skeleton(spec: TemplateSpec, values: dict[str, str]) -> str:
    return fill(spec.skeleton, values).strip()


def render_instructions(spec: TemplateSpec, values: dict[str, str]) -> str:
    return fill(spec.instructions, values).strip()
