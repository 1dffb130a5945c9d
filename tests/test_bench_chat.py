"""The chat benchmark's lean harness speaks enough HTTP for doum's backend, and the
benchmark runs end to end (small)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bench.lean_http import FakeChatBackend, stream_chat
from doum.config import Settings
from doum.config.llm import EndpointConfig, ModelConfig
from doum.llm.openai_compat import OpenAICompatChatModel
from doum.llm.types import ChatMessage, ChatRequest


def test_lean_fake_and_client() -> None:
    async def run() -> tuple[dict, dict, list[str], FakeChatBackend]:
        backend = await FakeChatBackend(tokens=5, interval=0.002).start()
        body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "q"}]}
        streamed = await stream_chat("127.0.0.1", backend.port, "/v1/chat/completions", body, {}, 0)
        missing = await stream_chat("127.0.0.1", backend.port, "/nowhere", body, {}, 0)
        # doum's own backend, keep-alive and usage included.
        model = OpenAICompatChatModel(
            ModelConfig(
                name="fake",
                backend="openai_compat",
                endpoints=[EndpointConfig(base_url=f"http://127.0.0.1:{backend.port}/v1")],
            ),
            Settings(),
        )
        texts = []
        for _ in range(2):
            chunks = [c async for c in model.stream(ChatRequest([ChatMessage("user", "q")]))]
            texts.append("".join(c.text for c in chunks))
            assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5
        assert await model.check_health()
        await model.aclose()
        return streamed, missing, texts, backend

    streamed, missing, texts, backend = asyncio.run(run())
    assert streamed["ok"] and streamed["pieces"] == 5 and streamed["ttft"] < streamed["total"]
    assert not missing["ok"] and missing["error"] == "HTTP 404"
    assert texts == ["tok " * 5] * 2
    assert backend.requests == 3


@pytest.mark.slow
def test_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    from bench.chat import main

    out = tmp_path / "chat.json"
    args = ["--concurrency", "4", "--tokens", "3", "--interval", "0.005", "--ramp", "0.1"]
    args += ["--rounds", "2"]
    assert main([*args, "--skip-embedded", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["through_doum"]["errors"] == 0 and results["direct"]["errors"] == 0
    assert results["through_doum"]["tokens_per_stream"] == 3.0
    assert results["through_doum"]["requests"] == 8, "two rounds of four, pooled"
    assert len(results["added_ttft_p95_ms_by_round"]) == 2
    assert results["server_peak_rss_mib"] > 0
