"""Privacy core: Korean PII detection, reversible masking, data classes and routing,
content filters.

The chat gateway uses :class:`PrivacyGuard` (see :mod:`doum.privacy.guard` for the
interface); the retrieval layer uses :func:`quote_as_data`; the citizen channel uses
:class:`ProfanityFilter`. Type names and placeholders are documented in ``docs/privacy.md``.

Import what you need from here; the submodules are implementation detail. Nothing heavy
is loaded at import time (the kiwipiepy analyser loads on first use of the full path).
"""

from __future__ import annotations

from doum.privacy.classes import DataClass, highest
from doum.privacy.detector import PiiDetector
from doum.privacy.errors import PolicyInvalid, PrivacyError, RoutingRefused, VaultError
from doum.privacy.filters import (
    InjectionFlag,
    ProfanityFilter,
    ProfanityMatch,
    QuotedText,
    quote_as_data,
    scan_injection,
)
from doum.privacy.guard import PreparedRequest, PrivacyGuard
from doum.privacy.masking import MaskedText, Masker, MaskingSummary
from doum.privacy.policy import RoutingDecision, RoutingPolicy
from doum.privacy.policy_store import get_policy, update_policy
from doum.privacy.restore import Restorer, StreamingRestorer
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType
from doum.privacy.vault import Vault, VaultCipher
from doum.privacy.vault_store import DatabaseVaultStore, MemoryVaultStore, VaultStore

__all__ = [
    "DataClass",
    "DatabaseVaultStore",
    "InjectionFlag",
    "MaskedText",
    "Masker",
    "MaskingSummary",
    "MemoryVaultStore",
    "PiiDetector",
    "PiiSpan",
    "PiiType",
    "PolicyInvalid",
    "PreparedRequest",
    "PrivacyError",
    "PrivacyGuard",
    "ProfanityFilter",
    "ProfanityMatch",
    "QuotedText",
    "Restorer",
    "RoutingDecision",
    "RoutingPolicy",
    "RoutingRefused",
    "StreamingRestorer",
    "Vault",
    "VaultCipher",
    "VaultError",
    "VaultStore",
    "get_policy",
    "highest",
    "quote_as_data",
    "scan_injection",
    "update_policy",
]
