"""What the writers write: a :class:`DocumentDraft` (title, blocks, optional 공문 parts).

A draft reuses the reading model's :class:`~doum.documents.model.Block` so a parsed
document can be re-exported (:meth:`DocumentDraft.from_document`) and the drafting code
builds the same kind of blocks it reads. Builder methods return the draft, so::

    draft = (
        DocumentDraft(title="2025년 민원 처리 현황 보고")
        .heading("추진 배경")
        .bullet("민원 처리 기간 단축 요구 증가", marker="□")
        .bullet("평균 처리 기간 7.2일 → 5일 목표", marker="○", level=1)
        .table([["구분", "건수"], ["전화", "120"]], header_rows=1)
    )

Markers: a block's ``text`` may include its marker ("○ 추진 배경") or not; when
``marker`` is set and the text does not start with it, writers put it in front.

For a 공문 (기안문/시행문) set ``gongmun``: the writers then lay out 두문 (기관명, 수신,
경유) → 제목 → 본문 (the blocks) → 붙임 → "끝." → 결문 (발신명의, 결재란, 시행·접수,
주소·연락처·공개구분).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from doum.documents.model import Block, BlockKind, Document, Table
from doum.documents.tables import table_from_grid


@dataclass(slots=True)
class Signatory:
    """One person in the 결재란: 기안자, 검토자, 협조자 or 결재권자."""

    role: Literal["기안자", "검토자", "협조자", "결재권자"]
    title: str
    """직위/직급, e.g. "주무관", "팀장", "과장"."""
    name: str = ""
    signed_on: str = ""
    """서명 일자 (결재권자 only, optional), e.g. "2025. 10. 14."."""


@dataclass(slots=True)
class Gongmun:
    """Header and footer fields of an official document (기안문·시행문).

    Field names are English; each docstring gives the Korean term used on the form
    (행정 효율과 협업 촉진에 관한 규정 시행규칙 별지 서식).
    """

    organization: str
    """기관명 (행정기관명), e.g. "전북특별자치도"."""
    recipient: str = "내부결재"
    """수신 (수신자), e.g. "국토교통부장관(도심주택공급협력과장)"; "내부결재" for 기안문."""
    via: str = ""
    """경유."""
    attachments: list[str] = field(default_factory=list)
    """붙임 items, e.g. ["추진계획 1부.", "참석자 명단 1부."]."""
    sender: str = ""
    """발신명의, e.g. "전북특별자치도지사"."""
    signatories: list[Signatory] = field(default_factory=list)
    """결재란: 기안자 → 검토자 → 결재권자, then 협조자."""
    document_number: str = ""
    """시행 처리과명-일련번호, e.g. "도시재생과-1234"."""
    enforced_on: str = ""
    """시행 일자, e.g. "2025. 10. 14."."""
    received: str = ""
    """접수 처리과명-일련번호 (접수일), often blank on the draft."""
    postal_code: str = ""
    """우편번호."""
    address: str = ""
    """주소."""
    homepage: str = ""
    phone: str = ""
    """전화."""
    fax: str = ""
    """전송."""
    email: str = ""
    """공무원의 전자우편주소."""
    disclosure: str = "공개"
    """공개구분: "공개", "부분공개(5)", "비공개(6)" …."""
    slogan: str = ""
    """머리표제/캠페인 문구, printed above the 기관명."""
    kind: Literal["기안문", "시행문"] = "시행문"


@dataclass(slots=True)
class Section:
    """A titled group of blocks; :meth:`DocumentDraft.add_section` flattens it."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1


@dataclass(slots=True)
class DocumentDraft:
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    gongmun: Gongmun | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    """author, subject, keywords … written to the package properties."""
    page_numbers: bool = True
    """Print "- N -" page numbers at the bottom centre."""

    # -- builders ---------------------------------------------------------------------
    def heading(self, text: str, *, level: int = 1) -> DocumentDraft:
        self.blocks.append(Block(kind=BlockKind.HEADING, text=text, level=level))
        return self

    def paragraph(self, text: str) -> DocumentDraft:
        self.blocks.append(Block(kind=BlockKind.PARAGRAPH, text=text))
        return self

    def bullet(self, text: str, *, marker: str = "○", level: int = 0) -> DocumentDraft:
        """A 개조식 line: □ (level 0), ○ (1), - (2), · (3) are the usual markers."""
        self.blocks.append(Block(kind=BlockKind.LIST_ITEM, text=text, marker=marker, level=level))
        return self

    def table(
        self, rows: list[list[str]], *, header_rows: int = 1, caption: str = ""
    ) -> DocumentDraft:
        self.blocks.append(
            Block(
                kind=BlockKind.TABLE,
                table=table_from_grid(rows, header_rows=header_rows, caption=caption),
            )
        )
        return self

    def footnote(self, text: str) -> DocumentDraft:
        """A footnote attached to the block written just before it."""
        self.blocks.append(Block(kind=BlockKind.FOOTNOTE, text=text))
        return self

    def add_section(self, section: Section) -> DocumentDraft:
        self.heading(section.title, level=section.level)
        self.blocks.extend(section.blocks)
        return self

    # -- conversions --------------------------------------------------------------------
    @classmethod
    def from_document(cls, document: Document) -> DocumentDraft:
        """A draft that re-exports a parsed document (structure kept, format dropped)."""
        blocks = [
            b
            for b in document.blocks
            if b.kind is not BlockKind.IMAGE and (b.text.strip() or b.table is not None)
        ]
        title = document.title
        if blocks and blocks[0].kind is BlockKind.TITLE:
            title = title or blocks[0].text
            blocks = blocks[1:]
        elif title and blocks and blocks[0].text.strip() == title.strip():
            blocks = blocks[1:]
        metadata = {
            k: v for k, v in document.metadata.items() if isinstance(v, str) and k != "preview_text"
        }
        return cls(title=title, blocks=[_copy(b) for b in blocks], metadata=metadata)

    def body_blocks(self) -> list[Block]:
        """The blocks with markers put in front of text that lacks them."""
        return [with_marker(b) for b in self.blocks]

    def plain_text(self) -> str:
        parts = [self.title] if self.title else []
        parts.extend(t for b in self.body_blocks() if (t := b.plain_text()))
        return "\n".join(parts)


def with_marker(block: Block) -> Block:
    if block.marker and block.table is None and not block.text.lstrip().startswith(block.marker):
        return _copy(block, text=f"{block.marker} {block.text}")
    return block


def _copy(block: Block, **changes: Any) -> Block:
    from dataclasses import replace

    table = block.table
    if table is not None:
        table = Table(
            rows=[list(r) for r in table.rows],
            cells=list(table.cells),
            header_rows=table.header_rows,
            caption=table.caption,
        )
    return replace(block, table=table, attrs=dict(block.attrs), path=list(block.path), **changes)
