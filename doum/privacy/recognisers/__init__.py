"""PII recognisers. Each implements :class:`~doum.privacy.recognisers.base.Recogniser`.

The rules path is one scan over every digit run (:class:`NumberRecogniser`, which also
anchors addresses and passports), literal searches for ``@``/``+82``/``::``
(:class:`IdentifierRecogniser`), names near a title or label (:class:`PersonRecogniser`,
anchored on the titles and labels) and birth dates after a birth word or before "생"
(:class:`BirthDateRecogniser`); then names without a title, in a counted list
(:class:`CountedNamesRecogniser`) or next to a phone number or e-mail address found
before (:class:`ContactNameRecogniser`, a :class:`ContextRecogniser`). The full path adds
the kiwipiepy proper-noun aid.
"""

from __future__ import annotations

from doum.privacy.recognisers.base import ContextRecogniser, Recogniser
from doum.privacy.recognisers.birth import BirthDateRecogniser
from doum.privacy.recognisers.identifiers import IdentifierRecogniser
from doum.privacy.recognisers.kiwi_person import KiwiPersonRecogniser
from doum.privacy.recognisers.numbers import NumberRecogniser
from doum.privacy.recognisers.person import PersonRecogniser
from doum.privacy.recognisers.person_context import (
    ContactNameRecogniser,
    CountedNamesRecogniser,
)


def rule_recognisers() -> list[Recogniser]:
    """The rules path: regular expressions, check digits, word lists (no model)."""
    return [
        NumberRecogniser(),
        IdentifierRecogniser(),
        PersonRecogniser(),
        BirthDateRecogniser(),
        CountedNamesRecogniser(),
        ContactNameRecogniser(),
    ]


def full_recognisers() -> list[Recogniser]:
    """Rules plus the kiwipiepy recall aid for names (run last: it skips what the rules
    decided)."""
    return [*rule_recognisers(), KiwiPersonRecogniser()]


__all__ = [
    "BirthDateRecogniser",
    "ContactNameRecogniser",
    "ContextRecogniser",
    "CountedNamesRecogniser",
    "IdentifierRecogniser",
    "KiwiPersonRecogniser",
    "NumberRecogniser",
    "PersonRecogniser",
    "Recogniser",
    "full_recognisers",
    "rule_recognisers",
]
