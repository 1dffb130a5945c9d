"""HWP vs HWPX agreement on the hwpjs fixture pairs in ../shared, and the gongmun samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from doum.documents.api import parse_in_process
from doum.documents.errors import DistributionProtected, EncryptedDocument
from doum.documents.model import Document
from tests.conftest import SHARED_DIR, shared_path
from tests.documents.agreement import char_f1, normalise, preview_segments

pytestmark = pytest.mark.shared
HWPJS = SHARED_DIR / "fixtures" / "hwp" / "hwpjs"
# password-12345 has no readable text by design (tested below)
EXCLUDED = {"password-12345"}


def _pairs() -> list[str]:
    if not HWPJS.is_dir():
        return []
    return sorted(
        p.stem
        for p in HWPJS.glob("*.hwp")
        if p.with_suffix(".hwpx").exists() and p.stem not in EXCLUDED
    )


PAIRS = _pairs()


def _read(path: Path) -> Document:
    return parse_in_process(path.read_bytes(), filename=path.name)


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[Document, Document]]:
    shared_path("fixtures", "hwp", "hwpjs")
    return {stem: (_read(HWPJS / f"{stem}.hwp"), _read(HWPJS / f"{stem}.hwpx")) for stem in PAIRS}


def test_fixture_set_is_there() -> None:
    shared_path("fixtures", "hwp", "hwpjs")
    assert len(PAIRS) >= 40


@pytest.mark.parametrize("stem", PAIRS)
def test_text_agrees(parsed: dict[str, tuple[Document, Document]], stem: str) -> None:
    hwp, hwpx = parsed[stem]
    assert char_f1(hwp.text(), hwpx.text()) >= 0.98


@pytest.mark.parametrize("stem", PAIRS)
def test_tables_agree(parsed: dict[str, tuple[Document, Document]], stem: str) -> None:
    hwp, hwpx = parsed[stem]
    assert [t.cell_count for t in hwp.tables()] == [t.cell_count for t in hwpx.tables()]
    assert [len(t.rows) for t in hwp.tables()] == [len(t.rows) for t in hwpx.tables()]


@pytest.mark.parametrize("stem", PAIRS)
def test_preview_text_is_found(parsed: dict[str, tuple[Document, Document]], stem: str) -> None:
    for document in parsed[stem]:
        text = normalise(document.text())
        segments = preview_segments(str(document.metadata.get("preview_text", "")))
        missing = [s for s in segments if s not in text]
        assert not missing, missing[:3]


def test_agreement_summary(parsed: dict[str, tuple[Document, Document]]) -> None:
    scores = [char_f1(a.text(), b.text()) for a, b in parsed.values()]
    assert min(scores) >= 0.98
    assert sum(scores) / len(scores) >= 0.99
    # the pairs are not trivially empty: most have real text and several have tables
    assert sum(1 for a, _ in parsed.values() if len(normalise(a.text())) > 20) >= 30
    assert sum(1 for a, _ in parsed.values() if a.tables()) >= 8


def test_password_files_are_reported() -> None:
    for name in ("password-12345.hwp", "password-12345.hwpx"):
        with pytest.raises(EncryptedDocument) as caught:
            _read(shared_path("fixtures", "hwp", "hwpjs", name))
        assert caught.value.code == "document.encrypted"


def test_distribution_file_is_reported() -> None:
    with pytest.raises(DistributionProtected) as caught:
        _read(shared_path("fixtures", "hwp", "hwpjs", "distribution.hwp"))
    assert caught.value.code == "document.distribution_protected"


def test_structure_details() -> None:
    footnotes = _read(shared_path("fixtures", "hwp", "hwpjs", "footnote-endnote.hwp"))
    notes = [b for b in footnotes.blocks if b.kind.value == "footnote"]
    assert [b.attrs["note"] for b in notes] == ["footnote", "footnote", "endnote", "endnote"]
    headers = _read(shared_path("fixtures", "hwp", "hwpjs", "headerfooter.hwpx"))
    assert [b.kind.value for b in headers.blocks] == ["paragraph", "header", "footer"]
    outline = _read(shared_path("fixtures", "hwp", "hwpjs", "outline.hwp"))
    assert outline.blocks[0].kind.value == "heading"
    summary = _read(shared_path("fixtures", "hwp", "hwpjs", "page.hwp"))
    assert summary.title == "제목입니다." and summary.metadata["author"] == "지은이입니다."
    table = _read(shared_path("fixtures", "hwp", "hwpjs", "table.hwp")).tables()[0]
    spans = sorted((c.row, c.col, c.row_span, c.col_span) for c in table.cells)
    assert spans == [(0, 0, 1, 1), (0, 1, 1, 1), (0, 2, 2, 1), (1, 0, 1, 2)]


@pytest.mark.parametrize(
    "name",
    ["seoul_sihaengmun", "mpm_recruitment_notice", "mfds_admin_notice", "public_official_table"],
)
def test_gongmun_examples_parse(name: str) -> None:
    document = _read(shared_path("fixtures", "hwp", "gongmun", f"{name}.hwpx"))
    assert len(normalise(document.text())) > 100
    assert document.tables()


def test_seoul_sihaengmun_parts() -> None:
    document = _read(shared_path("fixtures", "hwp", "gongmun", "seoul_sihaengmun.hwpx"))
    text = document.text()
    for part in (
        "수신",
        "국토교통부장관(도심주택공급협력과장)",
        "제목",
        "붙임",
        "끝.",
        "서 울 특 별 시 장",
    ):
        assert part in text
