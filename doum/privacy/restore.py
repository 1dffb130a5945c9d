"""Put the real values back into what the model wrote: whole texts with
:class:`Restorer`, streamed answers with :class:`StreamingRestorer`, which holds back
only a tail that could still become a placeholder when the next chunk arrives."""

from __future__ import annotations

import re

from doum.privacy.placeholders import holdback_start, tolerant_pattern
from doum.privacy.vault import Vault


class Restorer:
    """Replaces placeholders this conversation's vault knows; leaves any other text
    (including unknown placeholders) unchanged."""

    def __init__(self, vault: Vault | None) -> None:
        self.vault = vault

    def restore(self, text: str) -> str:
        if self.vault is None or not len(self.vault) or not text:
            return text
        return tolerant_pattern().sub(self._replace, text)

    def _replace(self, m: re.Match[str]) -> str:
        assert self.vault is not None
        label = m.group("label") or m.group("bare_label")
        number = int(m.group("n") or m.group("bare_n"))
        value = self.vault.value_for(label, number)
        return value if value is not None else m.group()

    def stream(self) -> StreamingRestorer:
        return StreamingRestorer(self)


class StreamingRestorer:
    """``feed(chunk)`` returns the text that can be shown now; ``flush()`` the rest.

    A placeholder split across chunks ("…<이" + "름_1> 님…") is restored whole. At most
    a short tail (an opening bracket or the start of a label, up to 16 characters) waits
    for the next chunk.
    """

    def __init__(self, restorer: Restorer) -> None:
        self.restorer = restorer
        self._pending = ""

    def feed(self, chunk: str) -> str:
        if self.restorer.vault is None or not len(self.restorer.vault):
            return chunk
        text = self._pending + chunk
        cut = holdback_start(text)
        self._pending = text[cut:]
        return self.restorer.restore(text[:cut])

    def flush(self) -> str:
        text, self._pending = self._pending, ""
        return self.restorer.restore(text)
