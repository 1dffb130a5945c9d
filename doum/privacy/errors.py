"""Exceptions of :mod:`doum.privacy` (codes and Korean messages in :mod:`doum.messages`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doum.errors import ConfigurationError, DoumError, InvalidInput

if TYPE_CHECKING:
    from doum.privacy.policy import RoutingDecision


class PrivacyError(DoumError):
    default_code = "privacy.error"
    http_status = 500


class RoutingRefused(PrivacyError):
    """The request may not go to the chosen model, and no allowed model was found (or
    rerouting was not allowed). Nothing was sent."""

    default_code = "privacy.class_refused"
    http_status = 403

    def __init__(self, decision: RoutingDecision, **params: Any) -> None:
        self.decision = decision
        super().__init__(decision.code or self.default_code, **{**decision.params, **params})


class VaultError(PrivacyError):
    """A vault could not be decrypted (wrong key or tampered ciphertext)."""

    default_code = "privacy.vault_unreadable"


class VaultKeyMissing(ConfigurationError):
    default_code = "privacy.vault_key_missing"


class VaultFileInvalid(InvalidInput):
    """A vault file (``doum pii restore --vault``) is not one, was written with another
    installation's key, or was altered."""

    default_code = "privacy.vault_file_invalid"


class PolicyInvalid(InvalidInput):
    default_code = "privacy.policy_invalid"
