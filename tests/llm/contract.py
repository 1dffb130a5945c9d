"""The contract every ChatModel backend must keep. Each backend's test class inherits
:class:`ChatModelContract` and provides a ``model`` fixture."""

from __future__ import annotations

import asyncio

from doum.llm.protocol import ChatModel
from doum.llm.types import ChatChunk, ChatMessage, ChatRequest


def collect(model: ChatModel, request: ChatRequest) -> list[ChatChunk]:
    async def run() -> list[ChatChunk]:
        return [chunk async for chunk in model.stream(request)]

    return asyncio.run(run())


def ask(text: str, **options: object) -> ChatRequest:
    return ChatRequest(
        messages=[ChatMessage("system", "You are terse."), ChatMessage("user", text)],
        **options,  # type: ignore[arg-type]
    )


class ChatModelContract:
    def test_is_a_chat_model(self, model: ChatModel) -> None:
        assert isinstance(model, ChatModel)
        assert model.backend and model.config.name

    def test_streams_text_then_finishes(self, model: ChatModel) -> None:
        chunks = collect(model, ask("Say hello.", max_tokens=16))
        text = "".join(c.text for c in chunks)
        assert text.strip(), "a model must produce some text"
        assert chunks[0].endpoint, "the first chunk says which endpoint answered"
        finals = [c for c in chunks if c.finish_reason]
        assert finals and finals[-1].finish_reason in {"stop", "length"}

    def test_reports_usage(self, model: ChatModel) -> None:
        chunks = collect(model, ask("Count to three.", max_tokens=16))
        usages = [c.usage for c in chunks if c.usage]
        assert usages and usages[-1].completion_tokens > 0 and usages[-1].prompt_tokens > 0

    def test_closing_the_stream_early_is_clean(self, model: ChatModel) -> None:
        async def run() -> str:
            stream = model.stream(ask("Write a long story.", max_tokens=64))
            first = await anext(stream)
            await stream.aclose()
            return first.text

        assert isinstance(asyncio.run(run()), str)

    def test_health(self, model: ChatModel) -> None:
        assert asyncio.run(model.check_health()) is True
