"""Imports every module that declares tables, so ``Base.metadata`` is complete.

Used by Alembic (autogenerate and the migration-vs-models test). Add a package's
``models`` module here when it declares tables.
"""

from __future__ import annotations

import importlib

from doum.db.base import Base

MODEL_MODULES = (
    "doum.accounts.models",
    "doum.audit.models",
    "doum.chat.models",
    "doum.privacy.models",
    "doum.knowledge.models",
    "doum.drafting.models",
    "doum.assistants.models",
)


def load_all_models() -> type[Base]:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base
