"""Content filters: abusive language on the citizen channel, prompt injection inside
retrieved documents."""

from __future__ import annotations

from doum.privacy.filters.injection import (
    InjectionFlag,
    QuotedText,
    quote_as_data,
    scan_injection,
)
from doum.privacy.filters.profanity import ProfanityFilter, ProfanityMatch

__all__ = [
    "InjectionFlag",
    "ProfanityFilter",
    "ProfanityMatch",
    "QuotedText",
    "quote_as_data",
    "scan_injection",
]
