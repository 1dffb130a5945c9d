"""Log in, ask, see the streamed answer, reload: the conversation is still there."""

from __future__ import annotations

import pytest

from doum.testing.scripted import ScriptedChatModel
from tests.webtools import PASSWORD, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_login_ask_stream_reload(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    ScriptedChatModel.script = lambda request: (
        "## 답변\n\n- **첫째** 항목\n- 둘째 항목\n\n| 구분 | 값 |\n|---|---|\n| 기한 | 7일 |"
    )
    ScriptedChatModel.delay = 0.02
    page.goto(live_server.url + "/")
    assert "/login" in page.url
    page.get_by_label("아이디").fill("admin")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_label("메시지").fill("민원 처리 기한을 알려 주세요")
    page.keyboard.press("Enter")
    answer = page.locator(".msg.assistant .bubble").last
    try:
        answer.locator("table").wait_for()
    except Exception as error:  # say what the page showed instead
        raise AssertionError(page.locator("main").inner_text()) from error
    assert answer.locator("h3").inner_text() == "답변"
    assert answer.locator("strong").inner_text() == "첫째"
    assert answer.locator("td").nth(1).inner_text() == "7일"
    page.wait_for_url("**/c/*")
    conversation_url = page.url
    page.locator(".msg.assistant .meta", has_text="토큰").wait_for()
    assert "민원 처리 기한을 알려 주세요" in page.locator("#conv-list li a").first.inner_text()

    page.reload()
    assert page.url == conversation_url
    page.locator(".msg.user .bubble", has_text="민원 처리 기한을 알려 주세요").wait_for()
    assert page.locator(".msg.assistant .bubble table").count() == 1


def test_stop_generation(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    ScriptedChatModel.script = lambda request: " ".join(["단어"] * 400)
    ScriptedChatModel.delay = 0.02
    page.goto(live_server.url + "/login")
    page.get_by_label("아이디").fill("admin")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_label("메시지").fill("길게 써 줘")
    page.get_by_role("button", name="보내기").click()
    page.locator(".msg.assistant .bubble", has_text="단어 단어").wait_for()
    page.keyboard.press("Escape")
    page.locator(".msg.assistant .meta", has_text="생성 중지됨").wait_for()
    assert page.get_by_role("button", name="보내기").is_enabled()
