"""Names without a title or label, and birth dates introduced by other words: what the
context rules find, and the look-alikes they must leave alone (places, offices, titles,
event dates). Written for development; the held-out check is pii_challenge.jsonl."""

from __future__ import annotations

import pytest

from doum.privacy.detector import PiiDetector
from doum.privacy.recognisers import ContactNameRecogniser, ContextRecogniser
from doum.privacy.recognisers.person_context import full_name

DETECTOR = PiiDetector()

# (type, text, every value of that type that must be found — [] when none may be)
CASES: list[tuple[str, str, list[str]]] = [
    # a name next to a contact found by the rules
    ("person", "접수자 명단: 김하준(010-3344-5566), 이서연(010-7788-9900)", ["김하준", "이서연"]),
    ("person", "문의는 박지호(jiho.park@korea.kr)에게 해 주십시오", ["박지호"]),
    ("person", "홍민준 010-2345-6789 로 연락 바람", ["홍민준"]),
    ("person", "현장 대응: 010-1234-5678(남궁성훈)", ["남궁성훈"]),
    ("person", "작성 류하람 / 031-555-0101", ["류하람"]),
    # …and offices, places and titles next to a contact are not names
    ("person", "주민센터(02-123-4567)로 오세요", []),
    ("person", "우체국(1588-1300) 고객센터", []),
    ("person", "한의원(031-123-4567) 예약", []),
    ("person", "세무서(031-250-0200)와 협의", []),
    ("person", "도서관 031-777-1234", []),
    ("person", "강남구(02-3423-5114)", []),
    ("person", "부시장 010-2222-3333 보고", []),
    ("person", "유선(02-123-4567)으로 안내", []),
    ("person", "연락처(010-1234-5678)", []),
    # a list of names counted as people
    ("person", "최수빈, 정예준 두 명이 현장에 나갔다.", ["최수빈", "정예준"]),
    ("person", "윤서아·강도윤 2명 참석", ["윤서아", "강도윤"]),
    ("person", "오지안, 서태윤 및 문가온 세 분께서 서명함", ["오지안", "서태윤", "문가온"]),
    ("person", "서울, 대전 두 곳에서 개최", []),
    ("person", "교육, 홍보 두 분야에 배정", []),
    ("person", "시장, 군수 두 명이 협의", []),
    ("person", "강남구, 서초구 두 곳", []),
    ("person", "보건소, 우체국 2곳과 협약", []),
    ("person", "정책과, 예산과 두 부서", []),
    # compounds that end in a title are not a name + title; real names still are
    ("person", "부설주차장 및 노상주차장 설치", []),
    ("person", "감염병환자 신고와 위촉위원의 임기", []),
    ("person", "부위원장 1명을 둔다", []),
    ("person", "새로 임명된 위원의 임기", []),
    ("person", "홍길동과장님께 보고드립니다", ["홍길동"]),
    ("person", "김민수님, 이지은씨 확인 바랍니다", ["김민수", "이지은"]),
    ("person", "연면적 및 높이의 10분의 1 범위", []),
    # birth dates introduced by other words
    ("birth_date", "할머니 생신은 1941. 4. 7.이라고 들었습니다", ["1941. 4. 7."]),
    ("birth_date", "출생연월일 1999-12-03", ["1999-12-03"]),
    ("birth_date", "출생일: 2003. 8. 14.", ["2003. 8. 14."]),
    ("birth_date", "생년월일은 1960년 5월 5일입니다", ["1960년 5월 5일"]),
    ("birth_date", "주민번호 앞자리는 670228 입니다", ["670228"]),
    ("birth_date", "주민등록번호 앞 6자리: 990101", ["990101"]),
    ("birth_date", "대상자(1950. 3. 1.생)는 경로우대 대상", ["1950. 3. 1."]),
    ("birth_date", "2012년 2월 29일에 태어난 아동", ["2012년 2월 29일"]),
    ("birth_date", "1988.10.9 출생", ["1988.10.9"]),
    # …and the dates of events are not
    ("birth_date", "사고 발생일: 2024. 3. 1.", []),
    ("birth_date", "공고일 2024. 5. 2. 시행일 2024. 6. 1.", []),
    ("birth_date", "개최일 2023. 10. 9. 장소 대강당", []),
    ("birth_date", "출생아 수는 2023년 12월 31일 기준이다", []),
    ("birth_date", "출생신고일 2024. 1. 5.", []),
    ("birth_date", "2020. 1. 1. 생산된 제품", []),
    ("birth_date", "1998. 4. 11. 생활폐기물 수거일", []),
    ("birth_date", "주민번호 앞자리 확인 후 2024. 3. 1. 처리", []),  # a future-proof: no 6 digits
]


@pytest.mark.parametrize(("pii_type", "text", "expected"), CASES, ids=[t for _, t, _ in CASES])
def test_context_table(pii_type: str, text: str, expected: list[str]) -> None:
    found = [s.text for s in DETECTOR.detect(text) if s.type.value == pii_type]
    assert found == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("김하준", True),
        ("남궁성훈", True),
        ("김지원", True),  # 원 ends many given names
        ("보건소", False),  # 보건 + 소
        ("우체국", False),
        ("서초구", False),
        ("이사장", False),
        ("기관명", False),
        ("정보과", False),
        ("김현", False),  # two syllables: too weak without a title
    ],
)
def test_full_name(word: str, expected: bool) -> None:
    assert full_name(word) is expected


def test_contact_names_are_a_context_recogniser() -> None:
    recogniser = ContactNameRecogniser()
    assert isinstance(recogniser, ContextRecogniser)
    assert list(recogniser.find("홍민준 010-2345-6789")) == []  # only with other spans
    found = DETECTOR.detect("홍민준 010-2345-6789")
    assert [(s.type.value, s.recogniser) for s in found] == [
        ("person", "contact_name"),
        ("phone", "numbers"),
    ]
    # the context is read before type filtering: names only, still next to the phone
    names_only = PiiDetector(types=["person"]).detect("홍민준 010-2345-6789")
    assert [s.text for s in names_only] == ["홍민준"]
