"""In a real browser: create a knowledge base, upload a statute and watch its progress bar
reach 완료, ask about an article in chat with that knowledge base selected, see the cited
article in the sources panel, and open the document at that article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doum.accounts.roles import Role
from doum.config import Settings
from doum.testing.scripted import ScriptedChatModel
from tests.conftest import make_settings
from tests.knowledge_web.conftest import HASHING, STATUTE
from tests.webtools import PASSWORD, Accounts, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def app_settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, retrieval={"embedding": HASHING})


def test_upload_statute_ask_and_open_the_cited_article(  # type: ignore[no-untyped-def]
    page, live_server: LiveServer, accounts: Accounts
) -> None:
    accounts.add("clerk", Role.STAFF, department="민원과")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(live_server.url + "/login?next=/knowledge")
    page.get_by_label("아이디").fill("admin")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/knowledge")

    # a new knowledge base
    page.get_by_role("button", name="＋ 새 지식베이스").click()
    page.get_by_label("이름").fill("법령")
    page.get_by_label("소유 부서").select_option(label="민원과")
    page.get_by_role("button", name="만들기").click()
    page.locator("#kb-name", has_text="법령").wait_for()

    # upload: one progress bar per file, up to 완료
    page.set_input_files(
        "#file-input",
        files=[{"name": "주민등록법.md", "mimeType": "text/markdown", "buffer": STATUTE.encode()}],
    )
    item = page.locator(".upload-item", has_text="주민등록법.md")
    item.locator(".status", has_text="완료").wait_for(timeout=60_000)
    assert item.locator("progress").get_attribute("value") == "100"
    page.locator("#doc-rows tr", has_text="주민등록법").locator(
        ".status", has_text="완료"
    ).wait_for()

    # ask in chat with this knowledge base selected
    page.get_by_role("link", name="이 지식베이스로 질문").click()
    page.wait_for_url("**/?kb=*")
    expect(page.locator("#ground-select")).to_have_value(re.compile(r"^kb:[0-9a-f]{32}$"))
    ScriptedChatModel.script = lambda request: (
        "등본을 받으려면 읍ㆍ면ㆍ동장에게 신청할 수 있습니다 [1]. 전국 어디서나 신청할 수 있습니다 [1]."
    )
    page.get_by_label("메시지").fill("주민등록표 등본은 어디에 신청하나요?")
    page.keyboard.press("Enter")

    answer = page.locator(".msg.assistant").last
    source = answer.locator(".sources .source").first
    link = source.locator("a.source-link")
    link.wait_for()
    assert link.inner_text() == "주민등록법 제29조(열람 또는 등ㆍ초본의 교부)"
    assert source.locator("mark").count() >= 1
    assert "시행 2024-01-01" in source.inner_text()
    answer.locator(".bubble a.cite", has_text="[1]").first.wait_for()
    answer.locator(".meta", has_text="토큰").wait_for()

    # open the document at the cited article
    with page.expect_popup() as popup_info:
        link.click()
    document = popup_info.value
    document.wait_for_load_state()
    assert "/knowledge/documents/" in document.url and "#chunk-" in document.url
    cited = document.locator(".doc-section.cited")
    cited.wait_for()
    assert "주민등록표를 열람하거나" in cited.inner_text()
    assert document.locator("h3.doc-heading", has_text="제29조").count() == 1
    assert errors == [], errors
