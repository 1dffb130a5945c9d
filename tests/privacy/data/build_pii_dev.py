"""Builds ``pii_dev.jsonl``, the labelled PII dev set (synthetic; fixed seed).

Run once after changing the templates: ``.venv/bin/python tests/privacy/data/build_pii_dev.py``.
The output is committed as data; tests read it and never regenerate it. Values are fake
but well-formed: registration, business and corporate numbers carry valid check digits,
card numbers pass Luhn. Labels come from where each value was inserted, not from any
detector. Negative sentences hold look-alikes (dates, document and order numbers, statute
numbers, amounts, numbers with a wrong check digit and no context).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from doum.privacy import checksums as cs

R = random.Random(20261121)
OUT = Path(__file__).with_name("pii_dev.jsonl")

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민진"
GIVEN = "민서지현수영준우연하윤은유진예도시주재경성혜정동상승원나아다채소태희선미혁호훈빈린율"
TITLES = [
    "주무관",
    "과장",
    "팀장",
    "씨",
    "님",
    "사무관",
    "계장",
    "국장",
    "선생님",
    "위원장",
    "대리",
]
LABELS = ["성명", "신청인", "민원인", "담당자", "작성자", "대표자", "보호자", "예금주", "참석자"]
DOMAINS = ["korea.kr", "gmail.com", "naver.com", "daum.net", "gyeonggi.go.kr", "seoul.go.kr"]
ROMAN = ["kim", "lee", "park", "choi", "jung", "kang", "hong", "yoon", "minsu", "jiyoung", "hana"]
BANKS = ["국민은행", "신한은행", "우리은행", "하나은행", "농협", "기업은행", "카카오뱅크", "우체국"]
SIDO = [
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "경기도",
    "강원특별자치도",
    "충청남도",
    "전라남도",
    "경상북도",
    "제주특별자치도",
    "세종특별자치시",
]
SGG = [
    "종로구",
    "수원시 팔달구",
    "해운대구",
    "중구",
    "남동구",
    "춘천시",
    "홍성군",
    "순천시",
    "포항시 북구",
    "제주시",
    "성남시 분당구",
    "고양시 일산동구",
]
ROADS = [
    "세종대로",
    "효원로",
    "중앙로",
    "테헤란로",
    "충남대로",
    "도청로",
    "시청로",
    "번영로",
    "중앙로12번길",
    "문화로",
    "동문로",
    "한누리대로",
]
DONGS = ["역삼동", "신월동", "우동", "연동", "봉명동", "화정동"]
PLATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자하허호배"


def name() -> str:
    return R.choice(SURNAMES) + R.choice(GIVEN) + R.choice(GIVEN)


def birth(lo: date = date(1940, 1, 1), hi: date = date(2019, 12, 31)) -> date:
    return lo + timedelta(days=R.randrange((hi - lo).days))


def digits(n: int) -> str:
    return "".join(R.choice("0123456789") for _ in range(n))


def rrn(hyphen: bool = True) -> str:
    d = birth()
    g = R.choice("12") if d.year < 2000 else R.choice("34")
    twelve = d.strftime("%y%m%d") + g + digits(5)
    v = twelve + cs.rrn_check_digit(twelve)
    return f"{v[:6]}-{v[6:]}" if hyphen else v


def rrn_new() -> str:
    d = birth(date(2020, 10, 2), date(2025, 6, 30))
    return d.strftime("%y%m%d") + "-" + R.choice("34") + digits(6)


def rrn_bad() -> str:
    v = rrn(False)
    bad = str((int(v[12]) + R.randint(1, 9)) % 10)
    return f"{v[:6]}-{v[6:12]}{bad}"


def frn() -> str:
    d = birth(date(1960, 1, 1), date(2015, 12, 31))
    g = R.choice("56") if d.year < 2000 else R.choice("78")
    twelve = d.strftime("%y%m%d") + g + digits(5)
    v = twelve + cs.frn_check_digit(twelve)
    return f"{v[:6]}-{v[6:]}"


def corp() -> str:
    while True:
        twelve = (
            R.choice(["1101", "1345", "2841", "1615", "2001"])
            + R.choice(["11", "71", "81"])
            + digits(6)
        )
        v = twelve + cs.corporate_check_digit(twelve)
        # keep only numbers that cannot also be read as a resident number with its check digit
        if not (cs.birth_date_of(v) and cs.rrn_checksum_ok(v)):
            return f"{v[:6]}-{v[6:]}"


def brn(hyphen: bool = True) -> str:
    nine = digits(3) + R.choice(["81", "86", "01", "12", "23"]) + digits(4)
    v = nine + cs.brn_check_digit(nine)
    return f"{v[:3]}-{v[3:5]}-{v[5:]}" if hyphen else v


def card(style: str = "-") -> str:
    prefix = R.choice(["4", "5", "9", "4", "5"])
    body = prefix + digits(14)
    v = body + cs.luhn_check_digit(body)
    return style.join(v[i : i + 4] for i in range(0, 16, 4))


def phone() -> str:
    kind = R.random()
    if kind < 0.55:
        return f"010-{R.randint(1000, 9999)}-{digits(4)}"
    if kind < 0.65:
        return f"010{R.randint(1000, 9999)}{digits(4)}"
    if kind < 0.75:
        return f"02-{R.randint(100, 9999)}-{digits(4)}"
    if kind < 0.88:
        return f"0{R.choice(['31', '33', '41', '43', '51', '55', '61', '64'])}-{R.randint(100, 999)}-{digits(4)}"
    if kind < 0.94:
        return f"{R.choice(['1588', '1577', '1644', '1899'])}-{digits(4)}"
    return f"010.{R.randint(1000, 9999)}.{digits(4)}"


def email() -> str:
    local = R.choice(ROMAN) + R.choice(["", ".", "_"]) + R.choice([*ROMAN, digits(3)])
    return f"{local}@{R.choice(DOMAINS)}"


def passport() -> str:
    if R.random() < 0.5:
        return R.choice("MMMSRO") + digits(8)
    return "M" + digits(3) + R.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + digits(4)


def licence() -> str:
    region = R.choice([str(n) for n in range(11, 27)] + ["28"])
    return f"{region}-{R.randint(0, 99):02d}-{digits(6)}-{digits(2)}"


def account() -> tuple[str, str]:
    layout = R.choice([(6, 2, 6), (3, 3, 6), (4, 3, 6), (3, 6, 5), (4, 2, 7), (3, 4, 4, 2)])
    return R.choice(BANKS), "-".join(digits(n) for n in layout)


def vehicle() -> str:
    num = R.choice([f"{R.randint(10, 99)}", f"{R.randint(100, 399)}"])
    prefix = R.choice(["", "", "", "서울", "경기", "부산"])
    return f"{prefix}{num}{R.choice(PLATE)}{R.randint(1000, 9999)}"


def ip() -> str:
    if R.random() < 0.85:
        return ".".join(str(R.randint(1, 254)) for _ in range(4))
    return "2001:db8:" + ":".join(f"{R.randint(0, 65535):x}" for _ in range(3)) + "::1"


def address() -> str:
    if R.random() < 0.75:
        a = f"{R.choice(SIDO)} {R.choice(SGG)} {R.choice(ROADS)} {R.randint(1, 300)}"
        if R.random() < 0.3:
            a += f", {R.randint(101, 120)}동 {R.randint(101, 2004)}호"
        return a
    return f"{R.choice(SIDO)} {R.choice(SGG)} {R.choice(DONGS)} {R.randint(1, 999)}-{R.randint(1, 99)}번지"


def birth_text() -> str:
    d = birth()
    return R.choice(
        [
            f"{d.year}. {d.month}. {d.day}.",
            f"{d.year}-{d.month:02d}-{d.day:02d}",
            f"{d.year}년 {d.month}월 {d.day}일",
            d.strftime("%y%m%d"),
        ]
    )


# (template, {slot: (type, generator)}). Slots are written {slot}.
P = {
    "name": ("person", name),
    "rrn": ("rrn", rrn),
    "rrn_bare": ("rrn", lambda: rrn(False)),
    "rrn_new": ("rrn", rrn_new),
    "frn": ("frn", frn),
    "corp": ("corporate_id", corp),
    "brn": ("brn", brn),
    "card": ("card", card),
    "card_sp": ("card", lambda: card(" ")),
    "phone": ("phone", phone),
    "email": ("email", email),
    "passport": ("passport", passport),
    "licence": ("driver_license", licence),
    "vehicle": ("vehicle", vehicle),
    "ip": ("ip", ip),
    "addr": ("address", address),
    "birth": ("birth_date", birth_text),
    "health": ("health_insurance", lambda: digits(11)),
}
POSITIVE = [
    "{name} 주무관에게 문의하시기 바랍니다(☎ {phone}).",
    "민원인 {name}은 {addr}에 거주하고 있습니다.",
    "신청인 성명: {name}, 주민등록번호: {rrn}, 연락처: {phone}",
    "주민등록번호 {rrn} 확인 결과 본인으로 확인되었습니다.",
    "{name} 님의 주민등록번호({rrn_bare})가 잘못 입력되었습니다.",
    "출생신고된 아동의 주민등록번호는 {rrn_new}입니다.",
    "외국인등록번호 {frn} 소지자는 체류지 변경 신고를 해야 합니다.",
    "법인등록번호 {corp}인 (주)도움소프트의 사업자등록번호는 {brn}입니다.",
    "사업자등록번호 {brn}로 세금계산서를 발행해 주십시오.",
    "환급금은 {bank} {account} (예금주 {name})로 입금됩니다.",
    "수수료는 {bank} 계좌 {account}로 이체하여 주시기 바랍니다.",
    "결제 카드번호 {card}의 승인이 거절되었습니다.",
    "카드 {card_sp} 로 결제한 내역을 확인했습니다.",
    "담당자 이메일 {email}로 서류를 보내 주세요.",
    "자세한 내용은 {email} 또는 {phone}으로 문의 바랍니다.",
    "여권번호 {passport}로 출입국 사실을 조회하였습니다.",
    "운전면허번호 {licence}의 적성검사 기간이 만료되었습니다.",
    "차량번호 {vehicle} 차량이 불법 주정차로 단속되었습니다.",
    "{vehicle} 차량 소유자 {name} 씨에게 과태료를 부과합니다.",
    "접속 IP {ip}에서 비정상 로그인이 탐지되었습니다.",
    "서버 주소는 {ip}이며 방화벽 예외를 신청합니다.",
    "사업장 소재지: {addr}",
    "주소지를 {addr}(으)로 변경 신고하였습니다.",
    "생년월일: {birth}, 성명: {name}",
    "{name} 과장({phone})이 회의를 주재하였습니다.",
    "참석자: {name}, {name}, {name}",
    "작성자 {name} / 검토자 {name}",
    "건강보험증 번호 {health}로 자격을 확인하였습니다.",
    "보호자 {name}({phone})에게 결과를 통보하였습니다.",
    "{name} 팀장은 {addr} 현장을 점검하였다.",
    "대표자 {name}, 사업자등록번호 {brn}, 소재지 {addr}",
    "수신: {name} 귀하 ({email})",
    "위 사람({name}, 생년월일 {birth})은 본 기관에 재직 중임을 증명합니다.",
    "{name}씨의 휴대전화 {phone}로 인증번호를 보냈습니다.",
    "민원 회신: {name} 님께서 요청하신 자료를 {email}로 송부합니다.",
    "외국인 근로자(외국인등록번호 {frn}, 여권번호 {passport})의 고용 허가를 신청합니다.",
    "주차위반 차량 {vehicle}의 소유자에게 사전통지서를 발송하였습니다.",
    "{name} 사무관이 {ip} 단말기에서 자료를 내려받았습니다.",
    "법인 대표 {name}의 주민등록번호 {rrn}와 법인등록번호 {corp}를 제출받았습니다.",
    "응급 연락처: {phone} (보호자 {name})",
    "계좌번호: {account} ({bank}, 예금주: {name})",
    "{name} 위원장은 {addr}에서 간담회를 개최하였다.",
    "신고인 {name}({birth}생)의 진술을 청취하였다.",
    "성명 {name} 주민등록번호 {rrn_bare} 주소 {addr}",
    "홈페이지 문의 게시판 작성자 {name}, 이메일 {email}",
    "운전자 {name}(면허번호 {licence})가 사고를 신고하였다.",
    "{name} 계장에게 카드 {card} 분실 신고가 접수되었다.",
    "문의처: 민원실 {phone}, {email}",
    "임차인 {name}은 {addr} 소재 주택의 보증금을 반환받지 못했다고 진정하였다.",
    "피해자 {name}의 연락처는 {phone}입니다.",
]
NEGATIVE = [
    "2024년 3월 15일 행정정보과-1234 문서로 시행하였습니다.",
    "「개인정보 보호법」 제29조 및 같은 법 시행령 제30조에 따라 안전조치를 하여야 한다.",
    "지방자치법 제227조의2에 따른 협의회를 구성한다.",
    "예산은 전년 대비 3.2% 증가한 1,234억원으로 편성되었다.",
    "사업 기간은 2024. 1. 1. ~ 2024. 12. 31.입니다.",
    "주문번호 2024-0315-000123의 배송이 지연되고 있습니다.",
    "접수번호 20240315-00042로 민원이 접수되었습니다.",
    "공고 제2024-117호 입찰 참가자격을 확인하시기 바랍니다.",
    "사건번호 2023가합12345 판결에 따라 처리한다.",
    "회의는 14:30부터 16:00까지 대회의실에서 열린다.",
    "우편번호 03154로 발송하였습니다.",
    "물품 코드 4111-2222-33은 재고가 없습니다.",
    "시스템 버전 1.2.3 업데이트를 완료하였다.",
    "1588번 버스가 운행 시간을 변경합니다.",
    "총 2,345명이 참여하여 만족도는 87.5점이었다.",
    "정원은 12명이며 현원은 11명이다.",
    "2023년 기준 인구는 1,234,567명이다.",
    "관리번호 900101-1234567은 시험용 번호입니다.",
    "조례 제1234호 일부개정조례안을 입법예고합니다.",
    "도로 1곳과 교량 2개소를 보수하였다.",
    "기준으로 3건이 처리되었다.",
    "시발점은 도청 앞 광장이며 종점은 시청이다.",
    "예산서 12쪽 3번 항목을 참고하십시오.",
    "문서번호 기획예산과-5678(2024.05.02.)을 참조하시기 바랍니다.",
    "제3회 추가경정예산안을 2024년 6월 10일 제출하였다.",
    "영수증 번호 0012-3456-7890을 확인해 주세요.",
    "시설물 관리번호 23-45-678901은 교체 대상입니다.",
    "이번 과장 회의는 연기되었습니다.",
    "정책과 과장이 보고하였다.",
    "민원실 주무관이 안내하였다.",
    "고객님께서 요청하신 자료입니다.",
    "홍천군 주민을 대상으로 설명회를 개최한다.",
    "각 부서장은 소관 사업을 점검하기 바랍니다.",
    "전년 동기 대비 12.5% 감소하였다.",
    "법령 개정(2023. 12. 26.)으로 서식이 바뀌었다.",
    "제출 기한은 2024-07-31까지입니다.",
    "사무실 내선번호는 1234번입니다.",
    "시행일: 2025. 1. 1.",
    "3층 대회의실에서 12시에 점심을 제공합니다.",
    "공모 선정 사업은 총 15건, 사업비는 30억 원이다.",
    "교육 인원 40명, 교육 시간 3시간, 장소 2층 교육장.",
    "평가 점수가 85점 이상인 경우 우수로 분류한다.",
    "붙임 1부. 끝.",
    "2025년도 본예산 4조 5,678억원 중 복지 분야가 32%를 차지한다.",
    "계획 수립(3월) → 공모(4월) → 선정(5월) → 협약(6월)",
    "전화 상담은 평일 09:00~18:00에 가능합니다.",
    "상기 사항을 확인하였음.",
    "다음 회의는 5월 둘째 주에 열린다.",
    "국가 R&D 과제번호 RS-2024-00123456을 부여받았다.",
    "건축허가번호 2024-건축과-신축허가-123",
    "주민센터에서 등본을 발급받으세요.",
    "사업자등록증 사본 1부를 제출하십시오.",
    "계좌 개설 절차를 안내합니다.",
    "카드 발급 신청서 양식을 배부하였다.",
    "여권 발급 수수료는 53,000원이다.",
    "주민등록번호 뒷자리는 가려서 제출하시기 바랍니다.",
    "ISBN 978-89-1234-567-8 도서를 구입하였다.",
    "통계표 2-3-1을 참조.",
    "제1조(목적) 이 조례는 주민의 복리 증진을 목적으로 한다.",
    "회계연도 2024, 세출예산 과목 201-01.",
    "사업비 1억2천만원을 교부한다.",
    "현재 대기 인원은 120명입니다.",
    "신청은 www.gov.kr 에서 할 수 있습니다.",
    "자료는 행정정보과 공유폴더에 있습니다.",
    "서울 지역 미세먼지 농도는 35㎍/㎥이다.",
    "평균 처리 기간은 7.4일로 단축되었다.",
    "오류 코드 E-1024가 표시되면 재시작하세요.",
    "제2024-3호 안건을 원안 가결하였다.",
    "시간당 강수량 50mm 이상 시 비상 근무에 들어간다.",
    "민원 처리 기한은 접수일로부터 7일이다.",
    "카드뉴스 3종과 보도자료 2건을 배포하였다.",
    "2024.03.15. 14:00 도청 대회의실",
    "계약번호 20240315123456은 해지되었다.",
    "연면적 12,345.67㎡ 규모의 청사를 신축한다.",
    "인구 10만 명당 의사 수는 250명이다.",
    "보조금 관리 시스템 e나라도움에 등록하였다.",
    "주요 일정: 6.10.(월) 보고회, 6.12.(수) 현장 점검",
    "전화번호부 개정판을 배포하였습니다.",
    "이메일 주소 변경은 인사과에 문의하십시오.",
]


def render(template: str) -> dict[str, object]:
    text, spans = "", []
    bank, acct = account()
    i = 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            slot = template[i + 1 : j]
            if slot == "bank":
                value, typ = bank, None
            elif slot == "account":
                value, typ = acct, "account"
            else:
                typ, gen = P[slot]
                value = gen()
            if typ is not None:
                spans.append(
                    {"type": typ, "start": len(text), "end": len(text) + len(value), "text": value}
                )
            text += value
            i = j + 1
        else:
            text += template[i]
            i += 1
    return {"text": text, "spans": spans}


# Held-out phrasing, written after the recognisers and not tuned against: colloquial
# labels, spacing variants, names without titles, addresses without 시·도.
CHALLENGE = [
    "핸드폰 {phone} 으로 문자 주세요",
    "제 폰번호는 {phone} 이고 이메일은 <{email}> 입니다",
    "어제 {name}이 민원실에 와서 한참 이야기하고 갔다.",
    "{name}, {name} 두 분이 면담을 신청했습니다.",
    "외국인 등록 번호: {frn}",
    "주민 번호 앞자리만 말씀드리면 {birth} 입니다.",
    "신청자 본인 {name} (주민등록번호 {rrn})",
    "송금은 {bank}으로 해 주세요. {account} 입니다.",
    "{addr} 근처에서 사고가 났습니다.",
    "우리 집 주소는 {addr}이에요",
    "차 번호 {vehicle} 견인 요청",
    "카드 번호 {card_sp} 유효기간 12/27",
    "접속 기록: {ip} (2024-03-15 14:22)",
    "사업자번호 {brn} 으로 조회해 보니 휴업 상태였다.",
    "담당 {name} 선생님께 전화({phone}) 드렸습니다.",
    "{name} 어르신의 생신은 {birth}입니다.",
    "여권 번호 {passport} 만료 예정",
    "면허증 번호 {licence}",
    "{name}({phone}, {email})",
    "주민등록번호 {rrn_bare} 로 조회 시 결과 없음",
]


def challenge() -> None:
    global R
    R = random.Random(4242)
    rows = [render(t) for _ in range(2) for t in CHALLENGE]
    out = OUT.with_name("pii_challenge.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for n, row in enumerate(rows, 1):
            f.write(json.dumps({"id": f"ch-{n:03d}", **row}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences → {out}")


def main() -> None:
    rows = []
    for k in range(5):
        for t in POSITIVE:
            rows.append(render(t))
        if k < 2:
            rows.extend({"text": t, "spans": []} for t in NEGATIVE)
    # numbers with a wrong check digit and no context: look-alikes, not PII
    for _ in range(10):
        rows.append({"text": f"시험 데이터 {rrn_bad()} 항목은 삭제 예정이다.", "spans": []})
    R.shuffle(rows)
    with OUT.open("w", encoding="utf-8") as out:
        for n, row in enumerate(rows, 1):
            out.write(json.dumps({"id": f"dev-{n:04d}", **row}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences → {OUT}")
    challenge()


if __name__ == "__main__":
    main()
