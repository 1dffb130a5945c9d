"""The Korean templates shipped with doum, one TOML file each.

They are read from the package (never copied into the database), so an upgrade of doum
updates them everywhere; people copy one to change it.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from doum.drafting.spec import TemplateSpec, parse_definition


@lru_cache(maxsize=1)
def builtin_templates() -> tuple[TemplateSpec, ...]:
    specs = []
    for entry in resources.files(__package__).iterdir():
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        key = str(data.pop("key"))
        specs.append(parse_definition(data, id=key, scope="builtin", source_key=key))
    return tuple(sorted(specs, key=lambda s: (s.order, s.name)))


def builtin(key: str) -> TemplateSpec | None:
    return next((t for t in builtin_templates() if t.id == key), None)
