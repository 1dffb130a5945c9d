"""The 공문 (기안문·시행문) layout, shared by the HWPX and DOCX writers.

:func:`layout` turns a draft with :class:`~doum.documents.draft.Gongmun` fields into an
ordered list of blocks, each with ``attrs["role"]`` saying how it is set (centred
기관명, bold 제목, small 결문 lines, …). The order follows the official form:
두문 (기관명, 수신, 경유) → 제목 → 본문 → 붙임 → "끝." → 결문 (발신명의, 결재란,
시행·접수, 우편번호·주소·홈페이지, 전화·전송·전자우편·공개구분).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from doum.documents.draft import DocumentDraft, Gongmun
from doum.documents.model import Block, BlockKind

END_MARK = "끝."
ROLES = (
    "slogan",
    "organization",
    "recipient",
    "via",
    "subject",
    "attachment",
    "sender",
    "signatories",
    "enforcement",
    "address",
    "contact",
)


def _line(text: str, role: str) -> Block:
    return Block(kind=BlockKind.PARAGRAPH, text=text, attrs={"role": role})


def layout(draft: DocumentDraft) -> list[Block]:
    g = draft.gongmun
    if g is None:
        raise ValueError("draft has no gongmun fields")
    out: list[Block] = []
    if g.slogan:
        out.append(_line(g.slogan, "slogan"))
    out.append(_line(g.organization, "organization"))
    out.append(_line(f"수신\t{g.recipient or '내부결재'}", "recipient"))
    out.append(_line(f"(경유)\t{g.via}", "via"))
    out.append(_line(f"제목\t{draft.title}", "subject"))
    body = draft.body_blocks()
    out.extend(body)
    _end_mark(out, g, body_count=len(body))
    if g.sender:
        out.append(_line(g.sender, "sender"))
    out.extend(_signatory_lines(g))
    enforcement = f"시행\t{g.document_number}" + (f" ({g.enforced_on})" if g.enforced_on else "")
    enforcement += f"\t접수\t{g.received}"
    out.append(_line(enforcement, "enforcement"))
    address = " ".join(p for p in (f"우 {g.postal_code}" if g.postal_code else "", g.address) if p)
    if g.homepage:
        address = f"{address} / {g.homepage}" if address else g.homepage
    out.append(_line(address, "address"))
    contact = [f"전화 {g.phone}" if g.phone else "", f"전송 {g.fax}" if g.fax else ""]
    parts = [" ".join(p for p in contact if p), g.email, g.disclosure]
    out.append(_line(" / ".join(p for p in parts if p), "contact"))
    return [b for b in out if b.text.strip() or b.table is not None]


def _end_mark(out: list[Block], g: Gongmun, *, body_count: int) -> None:
    """붙임 lines, and "끝." two spaces after the last line of 붙임 (or of the body)."""
    if g.attachments:
        if len(g.attachments) == 1:
            out.append(_line(f"붙임\t{g.attachments[0]}  {END_MARK}", "attachment"))
        else:
            for i, item in enumerate(g.attachments, 1):
                label = "붙임\t" if i == 1 else "\t"
                end = f"  {END_MARK}" if i == len(g.attachments) else ""
                out.append(_line(f"{label}{i}. {item}{end}", "attachment"))
        return
    last = (
        next((b for b in reversed(out[len(out) - body_count :]) if b.table is None), None)
        if body_count
        else None
    )
    if last is not None and not last.text.rstrip().endswith(END_MARK):
        last.text = f"{last.text.rstrip()}  {END_MARK}"
    elif last is None:
        out.append(_line(END_MARK, "attachment"))


def _signatory_lines(g: Gongmun) -> list[Block]:
    order = {"기안자": 0, "검토자": 1, "결재권자": 2, "협조자": 3}
    main = [s for s in g.signatories if s.role != "협조자"]
    helpers = [s for s in g.signatories if s.role == "협조자"]
    main.sort(key=lambda s: order.get(s.role, 9))

    def fmt(s: Any) -> str:
        text = f"{s.role} {s.title} {s.name}".strip()
        return f"{text} {s.signed_on}".strip()

    lines = []
    if main:
        lines.append(_line("   ".join(fmt(s) for s in main), "signatories"))
    if helpers:
        lines.append(_line("   ".join(fmt(s) for s in helpers), "signatories"))
    return lines


def write(draft: DocumentDraft, section: Any, write_block: Callable[[Any, Block], None]) -> None:
    """Render :func:`layout` into a HWPX section (see :mod:`.hwpx`)."""
    from doum.documents.writers import hwpx_header as hh

    formats = {
        "slogan": (hh.PARA_CENTER, hh.CHAR_SMALL),
        "organization": (hh.PARA_CENTER, hh.CHAR_TITLE),
        "recipient": (hh.PARA_BODY, hh.CHAR_BODY),
        "via": (hh.PARA_BODY, hh.CHAR_BODY),
        "subject": (hh.PARA_BODY, hh.CHAR_BOLD),
        "attachment": (hh.PARA_BODY, hh.CHAR_BODY),
        "sender": (hh.PARA_CENTER, hh.CHAR_SENDER),
        "signatories": (hh.PARA_BODY, hh.CHAR_SMALL),
        "enforcement": (hh.PARA_BODY, hh.CHAR_SMALL),
        "address": (hh.PARA_BODY, hh.CHAR_SMALL),
        "contact": (hh.PARA_BODY, hh.CHAR_SMALL),
    }
    for block in layout(draft):
        role = block.attrs.get("role")
        if role in formats:
            para, char = formats[role]
            section.paragraph(block.text, para=para, char=char)
        else:
            write_block(section, block)
