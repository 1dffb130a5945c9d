"""Backend plugins. Built-in backends register through the same entry-point group a
third-party package would use (``doum.chat_backends``); tests and sites may also call
:func:`register_backend` directly."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from doum.llm.errors import ModelError
from doum.llm.protocol import ChatModelFactory

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "doum.chat_backends"

_registered: dict[str, ChatModelFactory] = {}


def register_backend(name: str, factory: ChatModelFactory) -> None:
    _registered[name] = factory


def unregister_backend(name: str) -> None:
    _registered.pop(name, None)


def backend_factory(name: str) -> ChatModelFactory:
    if name in _registered:
        return _registered[name]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            factory: ChatModelFactory = entry.load()
            _registered[name] = factory
            return factory
    raise ModelError("model.backend_unknown", backend=name)


def available_backends() -> list[str]:
    names = set(_registered) | {e.name for e in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(names)
