"""Hypothesis strategies for well-formed Korean PII (valid check digits) and Korean
administrative filler text, for the masking leak test."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from doum.privacy import checksums as cs

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민진"
GIVEN = "민서지현수영준우연하윤은유진예도주재경성혜정동상승원나아다채소태희선미혁호훈빈린율"
FILLER = [
    "민원",
    "처리",
    "결과를",
    "회신합니다",
    "관련",
    "서류를",
    "제출하였습니다",
    "검토",
    "요청",
    "2024년",
    "3월",
    "15일",
    "행정정보과-1234",
    "제29조",
    "예산",
    "1,234억원",
    "사업",
    "계획",
    "보고",
    "협조",
    "바랍니다",
    "다음과",
    "같이",
    "안내",
    "드립니다",
    "담당",
    "부서",
    "확인",
    "시행",
    "공고",
    "제2024-117호",
    "붙임",
    "1부",
    "끝.",
    "회의",
    "결과",
    "주민",
    "복지",
    "지원",
]
DIGIT = st.integers(0, 9).map(str)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.lists(DIGIT, min_size=n, max_size=n).map("".join)


def _birth(lo: date, hi: date) -> st.SearchStrategy[date]:
    return st.dates(min_value=lo, max_value=hi)


@st.composite
def rrn(draw: st.DrawFn) -> str:
    born = draw(_birth(date(1930, 1, 1), date(2020, 9, 30)))
    gender = draw(st.sampled_from("12" if born.year < 2000 else "34"))
    twelve = born.strftime("%y%m%d") + gender + draw(_digits(5))
    value = twelve + cs.rrn_check_digit(twelve)
    sep = draw(st.sampled_from(["-", "-", ""]))
    return value[:6] + sep + value[6:]


@st.composite
def rrn_new(draw: st.DrawFn) -> str:
    born = draw(_birth(date(2020, 10, 1), date(2025, 6, 30)))
    return born.strftime("%y%m%d") + "-" + draw(st.sampled_from("34")) + draw(_digits(6))


@st.composite
def frn(draw: st.DrawFn) -> str:
    born = draw(_birth(date(1950, 1, 1), date(2015, 12, 31)))
    gender = draw(st.sampled_from("56" if born.year < 2000 else "78"))
    twelve = born.strftime("%y%m%d") + gender + draw(_digits(5))
    value = twelve + cs.frn_check_digit(twelve)
    return value[:6] + "-" + value[6:]


@st.composite
def brn(draw: st.DrawFn) -> str:
    nine = draw(_digits(3)) + draw(st.sampled_from(["81", "86", "01", "12"])) + draw(_digits(4))
    v = nine + cs.brn_check_digit(nine)
    return f"{v[:3]}-{v[3:5]}-{v[5:]}"


@st.composite
def corporate_id(draw: st.DrawFn) -> str:
    twelve = draw(st.sampled_from(["110111", "134511", "284471", "161581"])) + draw(_digits(6))
    v = twelve + cs.corporate_check_digit(twelve)
    return v[:6] + "-" + v[6:]


@st.composite
def card(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from("4595")) + draw(_digits(14))
    v = body + cs.luhn_check_digit(body)
    sep = draw(st.sampled_from(["-", " ", ""]))
    return sep.join(v[i : i + 4] for i in range(0, 16, 4))


@st.composite
def phone(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return "010-" + draw(_digits(4)) + "-" + draw(_digits(4))
    if kind == 1:
        return "010" + draw(_digits(8))
    if kind == 2:
        return "02-" + str(draw(st.integers(200, 9999))) + "-" + draw(_digits(4))
    if kind == 3:
        area = draw(st.sampled_from(["031", "041", "051", "062", "070"]))
        return f"{area}-{draw(st.integers(200, 999))}-{draw(_digits(4))}"
    return draw(st.sampled_from(["1588", "1644", "1899"])) + "-" + draw(_digits(4))


email = st.builds(
    lambda a, b, d: f"{a}{b}@{d}",
    st.sampled_from(["kim", "lee", "park", "hong.gd", "minsu_k"]),
    _digits(3),
    st.sampled_from(["korea.kr", "gmail.com", "naver.com", "gg.go.kr"]),
)
passport = st.one_of(
    st.builds(lambda p, d: p + d, st.sampled_from("MSRO"), _digits(8)),
    st.builds(lambda a, c, b: "M" + a + c + b, _digits(3), st.sampled_from("ABCXYZ"), _digits(4)),
)
licence = st.builds(
    lambda r, y, s, c: f"{r}-{y}-{s}-{c}",
    st.sampled_from([str(n) for n in range(11, 27)] + ["28"]),
    _digits(2),
    _digits(6),
    _digits(2),
)
vehicle = st.builds(
    lambda pre, n, ch, tail: f"{pre}{n}{ch}{tail}",
    st.sampled_from(["", "", "서울", "경기"]),
    st.integers(10, 399).map(str),
    st.sampled_from("가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호배"),
    st.integers(1000, 9999).map(str),
)
ipv4 = st.builds(lambda *o: ".".join(map(str, o)), *[st.integers(1, 254)] * 4)
account = st.builds(
    lambda bank, a, b, c: (bank, f"{a}-{b}-{c}"),
    st.sampled_from(["국민은행", "신한은행", "농협", "카카오뱅크"]),
    _digits(3),
    _digits(3),
    _digits(6),
)
address = st.builds(
    lambda sido, sgg, road, n: f"{sido} {sgg} {road} {n}",
    st.sampled_from(["서울특별시", "경기도", "부산광역시", "충청남도"]),
    st.sampled_from(["종로구", "수원시 팔달구", "해운대구", "홍성군"]),
    st.sampled_from(["세종대로", "효원로", "중앙로", "도청로"]),
    st.integers(1, 400),
)
person = st.builds(
    lambda s, a, b: s + a + b,
    st.sampled_from(SURNAMES),
    st.sampled_from(GIVEN),
    st.sampled_from(GIVEN),
)

# (type, strategy of (value, snippet with context))
SNIPPETS: dict[str, st.SearchStrategy[tuple[str, str]]] = {
    "rrn": rrn().map(lambda v: (v, f"주민등록번호 {v}")),
    "rrn_new": rrn_new().map(lambda v: (v, f"주민등록번호: {v}")),
    "frn": frn().map(lambda v: (v, f"외국인등록번호 {v}")),
    "brn": brn().map(lambda v: (v, f"사업자등록번호 {v}")),
    "corporate_id": corporate_id().map(lambda v: (v, f"법인등록번호 {v}")),
    "card": card().map(lambda v: (v, f"카드번호 {v}")),
    "phone": phone().map(lambda v: (v, f"연락처 {v}")),
    "email": email.map(lambda v: (v, f"이메일 {v}")),
    "passport": passport.map(lambda v: (v, f"여권번호 {v}")),
    "driver_license": licence.map(lambda v: (v, f"운전면허번호 {v}")),
    "vehicle": vehicle.map(lambda v: (v, f"차량 {v}")),
    "ip": ipv4.map(lambda v: (v, f"접속 IP {v}")),
    "account": account.map(lambda ba: (ba[1], f"{ba[0]} {ba[1]}")),
    "address": address.map(lambda v: (v, f"주소 {v}")),
    "person": st.tuples(
        person, st.sampled_from(["{} 주무관", "성명: {}", "{}님", "민원인 {}은"])
    ).map(lambda p: (p[0], p[1].format(p[0]))),
    "birth_date": _birth(date(1940, 1, 1), date(2010, 1, 1)).map(
        lambda d: (f"{d.year}. {d.month}. {d.day}.", f"생년월일 {d.year}. {d.month}. {d.day}.")
    ),
    "health_insurance": _digits(11).map(lambda v: (v, f"건강보험증 번호 {v}")),
}
filler = st.lists(st.sampled_from(FILLER), min_size=0, max_size=8).map(" ".join)
separator = st.sampled_from([" ", ", ", "\n", ". ", " / ", "("])
