"""With the packaged demo model (SmolLM2, English only): a draft is produced, saved and
exported, and the UI is told plainly that only the demo model is connected."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest

from doum.config import Settings
from doum.documents import read_bytes
from doum.drafting.drafts import create_draft, get_draft
from doum.drafting.export import render
from doum.drafting.generate import DraftFinished, DraftGeneration
from doum.runtime import Runtime
from tests.conftest import TEST_SECRET
from tests.drafting.conftest import PROJECT_FACTS

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture
def demo_runtime(tmp_path: Path) -> Any:
    settings = Settings(
        data_dir=tmp_path / "data",
        database={"url": f"sqlite:///{tmp_path / 'doum.sqlite3'}"},
        security={"secret_key": TEST_SECRET},
        llm={"health_check_seconds": 0},
    )
    runtime = Runtime.create(settings)
    runtime.database.upgrade()
    yield runtime
    asyncio.run(runtime.aclose())


def test_demo_model_writes_and_exports_a_draft(demo_runtime: Runtime) -> None:
    from doum.accounts.service import Auditing, create_user, get_user, principal_for
    from doum.audit.log import AuditContext

    auditing = Auditing(demo_runtime.audit, AuditContext.system("test"))
    with demo_runtime.database.session() as session:
        create_user(session, auditing=auditing, username="kim", password="correct-horse-battery")
        kim = principal_for(session, get_user(session, "kim"))
        draft_id = create_draft(
            session, kim, auditing, template_id="press-release", fields=PROJECT_FACTS
        ).id
    assert demo_runtime.gateway.only_demo

    async def run() -> list[Any]:
        return [
            e
            async for e in DraftGeneration(demo_runtime, principal=kim, draft_id=draft_id).events()
        ]

    events = asyncio.run(run())
    start, done = events[0], events[-1]
    assert start.demo and any("시험용 소형 모델" in n for n in start.notices)
    assert isinstance(done, DraftFinished), done
    assert done.model == "smollm2-demo" and done.completion_tokens > 0 and done.content.strip()
    with demo_runtime.database.reader() as session:
        draft = get_draft(session, kim, draft_id)
        assert draft.content == done.content
        exported = render(draft, "hwpx", organisation="도움 시범 기관")
    back = read_bytes(exported.data, filename=exported.filename, isolated=False)
    assert back.format == "hwpx" and back.text().strip()
    assert "문의" in back.text()  # the 문의처 line is there, written or repaired from the form
    assert io.BytesIO(exported.data).read(2) == b"PK"
