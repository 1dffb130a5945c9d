"""Docs that run: the README's quick start is two commands and CI runs the second; every
``doum …`` command the README mentions exists."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the quick start has a shell block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands() -> None:
    assert quick_start_commands() == ["make serve", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    commands = [
        line.strip()
        for line in ci.splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert commands == [quick_start_commands()[1]]


def test_every_cli_command_in_the_readme_exists() -> None:
    mentioned = set(re.findall(r"`doum ([a-z]+)(?: ([a-z-]+))?", README))
    assert mentioned, "the README mentions CLI commands"
    for group, sub in sorted(mentioned):
        args = [group, sub, "--help"] if sub and not sub.startswith("-") else [group, "--help"]
        result = subprocess.run(
            [sys.executable, "-m", "doum", *args], capture_output=True, text=True
        )
        assert result.returncode == 0, (args, result.stderr)
