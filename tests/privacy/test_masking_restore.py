from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doum.privacy.masking import Masker, MaskingSummary
from doum.privacy.placeholders import holdback_start
from doum.privacy.restore import Restorer
from doum.privacy.types import PiiType
from doum.privacy.vault import Vault

MASKER = Masker()


def test_typed_placeholders_and_summary_without_values() -> None:
    vault = Vault("c1")
    result = MASKER.mask("홍길동 주무관(010-1234-5678)의 주민등록번호는 900101-1234568", vault)
    assert result.text == "<이름_1> 주무관(<전화번호_1>)의 주민등록번호는 <주민번호_1>"
    summary = result.summary.to_dict()
    assert summary["total"] == 3
    assert {t["type"] for t in summary["types"]} == {"person", "phone", "rrn"}  # type: ignore[union-attr]
    assert "홍길동" not in str(summary) and "010" not in str(summary)


def test_same_value_same_placeholder_across_turns_and_forms() -> None:
    vault = Vault("c1")
    MASKER.mask("홍길동 주무관 010-1234-5678", vault)
    second = MASKER.mask("김영희 과장과 홍길동에게 01012345678로 연락", vault)
    assert second.text == "<이름_2> 과장과 <이름_1>에게 <전화번호_1>로 연락"


def test_known_values_are_masked_without_context() -> None:
    vault = Vault("c1")
    MASKER.mask("성명: 박민수", vault)
    assert MASKER.mask("박민수가 어제 왔다", vault).text == "<이름_1>가 어제 왔다"


def test_restore_tolerates_mangled_placeholders() -> None:
    vault = Vault("c1")
    MASKER.mask("홍길동 주무관 010-1234-5678", vault)
    restorer = Restorer(vault)
    for mangled in ("<이름_1>", "< 이름_1 >", "＜이름_1＞", "<이름 _ 1>", "이름_1", "《이름＿1》"):
        assert restorer.restore(f"{mangled} 님") == "홍길동 님"
    assert restorer.restore("<이름_7> 과 <주소_1>") == "<이름_7> 과 <주소_1>"  # unknown: kept
    assert restorer.restore("파일이름_1.txt") == "파일이름_1.txt"  # glued to a word: kept


def _stream(restorer: Restorer, chunks: list[str]) -> str:
    stream = restorer.stream()
    return "".join(stream.feed(c) for c in chunks) + stream.flush()


def test_streaming_restores_placeholders_split_anywhere() -> None:
    vault = Vault("c1")
    MASKER.mask("홍길동 주무관 010-1234-5678 주민등록번호 900101-1234568", vault)
    restorer = Restorer(vault)
    answer = "<이름_1> 님(<전화번호_1>)의 번호 ＜주민번호_1＞ 확인. 이름_1 씨 <이름_9>"
    whole = restorer.restore(answer)
    assert "홍길동 님(010-1234-5678)" in whole
    for cut in range(len(answer) + 1):
        assert _stream(restorer, [answer[:cut], answer[cut:]]) == whole
    assert _stream(restorer, list(answer)) == whole


@given(st.lists(st.integers(1, 6), min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_streaming_equals_whole_for_any_chunking(sizes: list[int]) -> None:
    vault = Vault("c1")
    MASKER.mask("김영희 과장 hong@korea.kr", vault)
    answer = "요청하신 <이름_1> 과장님 메일 <이메일_1> 입니다. 이름_1님께 전달."
    chunks, i = [], 0
    for size in sizes * 10:
        if i >= len(answer):
            break
        chunks.append(answer[i : i + size])
        i += size
    chunks.append(answer[i:])
    assert _stream(Restorer(vault), chunks) == Restorer(vault).restore(answer)


def test_stream_holds_back_only_a_possible_placeholder_start() -> None:
    vault = Vault("c1")
    MASKER.mask("홍길동 주무관", vault)
    stream = Restorer(vault).stream()
    assert stream.feed("안녕하세요. 반갑습니다") == "안녕하세요. 반갑습니다"
    assert stream.feed(" 담당은 <이") == " 담당은 "
    assert stream.feed("름_1> 입니다") == "홍길동 입니다"
    assert stream.flush() == ""


@pytest.mark.parametrize(
    ("text", "held"),
    [("abc <", 1), ("abc <이름_1", 5), ("abc", 0), ("abc <이름_1>", 0), ("abc 이름_12", 5)],
)
def test_holdback(text: str, held: int) -> None:
    assert len(text) - holdback_start(text) == held


def test_no_vault_is_a_pass_through() -> None:
    stream = Restorer(None).stream()
    assert stream.feed("<이") == "<이"
    assert Restorer(Vault("x")).restore("<이름_1>") == "<이름_1>"


def test_summary_merge() -> None:
    a = MaskingSummary({PiiType.PERSON: 1}, 1)
    b = MaskingSummary({PiiType.PERSON: 2, PiiType.PHONE: 1}, 3)
    merged = a.merge(b)
    assert merged.counts == {PiiType.PERSON: 3, PiiType.PHONE: 1}
    assert merged.total == 4 and bool(merged) and not MaskingSummary()


def test_restore_shows_the_latest_writing_of_a_value() -> None:
    vault = Vault("c1")
    MASKER.mask("연락처 010-1234-5678", vault)
    assert MASKER.mask("연락처 01012345678", vault).text == "연락처 <전화번호_1>"
    assert Restorer(vault).restore("<전화번호_1>") == "01012345678"
    MASKER.mask("다시 010-1234-5678", vault)
    assert Restorer(vault).restore("<전화번호_1>") == "010-1234-5678"
