"""Identifiers that do not start with a digit run: 이메일, 국제전화(+82), IPv6. (여권번호,
a letter and digits, is found by the digit scan of :mod:`.numbers`.)

Each pattern runs only when a cheap literal test says it can match (``@``, ``+82``, two
colons), so most texts cost three searches for a literal and nothing else.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from doum.privacy.recognisers.base import HYPHEN, is_ascii_alnum
from doum.privacy.span import PiiSpan
from doum.privacy.types import PiiType

# E-mail, found from each "@": the local part is matched backwards from it (anchored at
# the "@", so ordinary digits and words cost nothing), the domain forwards.
_LOCAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}$")
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9])"
)
INTL_PHONE = re.compile(
    rf"\+82[ {HYPHEN[1:-1]}]?\(?0?\)?(?:1[016789]|2|[3-6][1-5]|70)"
    rf"(?:[ {HYPHEN[1:-1]}]?\d{{3,4}})[ {HYPHEN[1:-1]}]?\d{{4}}(?!\d)"
)
IPV6 = re.compile(r"[0-9A-Fa-f:]{7,39}")  # a candidate run; ipaddress decides


# Cheap test before the IPv6 pattern: two colons with at most four hex digits between
# them ("::" or ":db8:"), which every address of three or more groups has. It starts with
# a literal, so the regex engine skips to each colon in C.
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{0,4}:")


class IdentifierRecogniser:
    name = "identifiers"
    types = frozenset({PiiType.EMAIL, PiiType.PHONE, PiiType.IP})

    def find(self, text: str) -> Iterator[PiiSpan]:
        at = text.find("@")
        while at != -1:
            local = _LOCAL.search(text, max(0, at - 64), at)
            domain = _DOMAIN.match(text, at + 1) if local else None
            if local and domain:
                s, e = local.start(), domain.end()
                if not (s and (text[s - 1] in "._%+-" or is_ascii_alnum(text[s - 1]))):
                    yield PiiSpan(PiiType.EMAIL, s, e, text[s:e], 0.95, "이메일 형식", self.name)
            at = text.find("@", at + 1)
        if "+82" in text:
            for m in INTL_PHONE.finditer(text):
                s, e = m.span()
                yield PiiSpan(PiiType.PHONE, s, e, m.group(), 0.95, "국제전화(+82) 형식", self.name)
        if ":" in text and _IPV6_HINT.search(text):
            for m in IPV6.finditer(text):
                value = m.group()
                s = m.start()
                if s and is_ascii_alnum(text[s - 1]):
                    continue
                if value.count(":") < 2 or sum(1 for g in value.split(":") if g) < 3:
                    continue
                try:
                    ipaddress.IPv6Address(value)
                except ValueError:
                    continue
                s, e = m.span()
                yield PiiSpan(PiiType.IP, s, e, value, 0.85, "IPv6 형식", self.name)
