"""Data classes of the national public-sector AI guideline: C (기밀) > S (민감) > O (공개).

A request's class is the highest class of everything it includes (attachments, retrieved
chunks, the assistant, earlier turns): :func:`highest`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

_RANK = {"O": 0, "S": 1, "C": 2}


class DataClass(StrEnum):
    """Ordered by sensitivity: ``DataClass.C > DataClass.S > DataClass.O``."""

    C = "C"
    S = "S"
    O = "O"  # noqa: E741

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    @property
    def korean(self) -> str:
        return {"C": "기밀", "S": "민감", "O": "공개"}[self.value]

    @classmethod
    def of(cls, value: DataClass | str) -> DataClass:
        if isinstance(value, DataClass):
            return value
        try:
            return cls(str(value).strip().upper())
        except ValueError:
            raise ValueError(f"unknown data class {value!r} (expected C, S or O)") from None

    def _cmp(self, other: Any) -> int | None:
        if isinstance(other, DataClass):
            return self.rank - other.rank
        return None

    def __lt__(self, other: object) -> bool:
        diff = self._cmp(other)
        return NotImplemented if diff is None else diff < 0

    def __le__(self, other: object) -> bool:
        diff = self._cmp(other)
        return NotImplemented if diff is None else diff <= 0

    def __gt__(self, other: object) -> bool:
        diff = self._cmp(other)
        return NotImplemented if diff is None else diff > 0

    def __ge__(self, other: object) -> bool:
        diff = self._cmp(other)
        return NotImplemented if diff is None else diff >= 0

    def __str__(self) -> str:
        return self.value


def highest(*classes: DataClass | str | None, default: DataClass | str | None = None) -> DataClass:
    """The most sensitive of ``classes`` (``None`` entries are ignored). With nothing given,
    ``default``; without a default, :class:`ValueError`."""
    present = [DataClass.of(c) for c in classes if c is not None]
    if not present:
        if default is None:
            raise ValueError("highest() needs at least one data class or a default")
        return DataClass.of(default)
    return max(present, key=lambda c: c.rank)


def default_class() -> DataClass:
    """The class of anything that has none set (``privacy.default_class``, S by default)."""
    from doum.config import get_settings

    return DataClass.of(get_settings().privacy.default_class)
