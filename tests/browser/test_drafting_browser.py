"""In a real browser: pick 보도자료, fill the form, generate, edit, export HWPX and
download it; proofread with the accept/reject diff view."""

from __future__ import annotations

from pathlib import Path

import pytest

from doum.documents import read_document
from doum.testing.scripted import ScriptedChatModel
from tests.drafting.conftest import clerk
from tests.webtools import PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sign_in(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/login?next=/drafts")
    page.get_by_label("아이디").fill("admin")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(live_server.url + "/drafts")


def test_press_release_generate_edit_export(page, live_server: LiveServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ScriptedChatModel.script = staticmethod(clerk)  # type: ignore[assignment]
    ScriptedChatModel.delay = 0.01
    sign_in(page, live_server)
    page.locator("a[data-template='press-release']").click()
    page.wait_for_url("**/drafts/new?template=press-release")
    page.get_by_label("사업·행사명").fill("2025년 스마트 경로당 조성사업")
    page.get_by_label("핵심 내용").fill(
        "경로당 200곳에 원격 건강관리 기기를 설치하고 어르신 디지털 교육을 운영"
    )
    page.get_by_label("추진배경").fill(
        "도내 65세 이상 인구 비율이 25.3%에 이르러 건강관리 수요가 늘어남"
    )
    page.get_by_label("인용 발언자").fill("전북특별자치도지사")
    page.get_by_label("문의처").fill("노인복지과 김도움 주무관 063-280-1234")
    page.get_by_role("button", name="초안 생성").click()

    page.wait_for_url("**/drafts/*")
    page.locator("#save-state", has_text="생성 완료").wait_for()
    content = page.get_by_label("본문 (마크다운)")
    assert "문의: 노인복지과 김도움 주무관 063-280-1234" in content.input_value()
    preview = page.locator("#preview")
    assert preview.locator("h2").count() >= 1  # the title, rendered
    page.locator("#checks li.ok", has_text="문의처").wait_for()
    page.locator("#sources").wait_for()

    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n덧붙인 문장입니다. 참여 어르신은 1,200명입니다.")
    page.locator("#save-state", has_text="저장됨").wait_for()
    preview.locator("text=덧붙인 문장입니다").wait_for()
    preview.locator("mark.num-unverified", has_text="1,200명").wait_for()  # no source says so

    with page.expect_download() as info:
        page.get_by_role("link", name="HWPX").click()
    download = info.value
    assert download.suggested_filename.endswith(".hwpx")
    target = tmp_path / "draft.hwpx"
    download.save_as(target)
    document = read_document(target, isolated=False)
    assert document.format == "hwpx"
    text = document.text()
    assert "덧붙인 문장입니다. 참여 어르신은 1,200명입니다." in text
    assert "문의: 노인복지과 김도움 주무관 063-280-1234" in text


def test_proofread_accept_and_reject(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    ScriptedChatModel.script = staticmethod(lambda request: request.messages[-1].content)  # type: ignore[assignment]
    sign_in(page, live_server)
    page.goto(live_server.url + "/drafts/new")
    page.get_by_label("초안 제목").fill("회의 결과")
    content = page.get_by_label("본문 (마크다운)")
    content.fill("□ 결과\n  ○ 몇일 안에 배포할수 있도록 함\n  ○ 2025.3.5 회의 개최")
    page.wait_for_url("**/drafts/*")
    page.locator("#save-state", has_text="저장됨").wait_for()
    page.get_by_role("button", name="교정").click()
    diff = page.locator("#diff-pane")
    diff.wait_for()
    hunks = diff.locator(".hunk")
    assert hunks.count() == 3
    assert "며칠" in hunks.nth(0).inner_text()
    page.locator("#diff-body").focus()
    page.keyboard.press("j")  # to the second change (배포할 수)
    page.keyboard.press("r")  # reject it
    assert "rejected" in (hunks.nth(1).get_attribute("class") or "")
    page.keyboard.press("Enter")  # apply the rest
    diff.wait_for(state="hidden")
    page.wait_for_function("document.getElementById('content').value.includes('며칠')")
    value = content.input_value()
    assert "며칠 안에 배포할수 있도록 함" in value and "2025. 3. 5. 회의 개최" in value
