"""A ChatModel that answers from a script, for tests that are not about the model.

register_backend("scripted", ScriptedChatModel)
ScriptedChatModel.script = lambda request: "고정된 답변"
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import ClassVar

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.llm.errors import ModelError
from doum.llm.types import ChatChunk, ChatRequest, Usage

Script = Callable[[ChatRequest], str]


def _echo(request: ChatRequest) -> str:
    return "scripted: " + request.messages[-1].content


class ScriptedChatModel:
    backend = "scripted"
    script: ClassVar[Script] = staticmethod(_echo)  # type: ignore[assignment]
    calls: ClassVar[list[ChatRequest]] = []
    fail_with: ClassVar[str] = ""
    delay: ClassVar[float] = 0.0

    def __init__(self, config: ModelConfig, settings: Settings) -> None:
        self.config = config

    @classmethod
    def reset(cls) -> None:
        cls.script = staticmethod(_echo)  # type: ignore[assignment]
        cls.calls = []
        cls.fail_with = ""
        cls.delay = 0.0

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        type(self).calls.append(request)
        if self.fail_with:
            raise ModelError(self.fail_with, model=self.config.name)
        text = type(self).script(request)
        words = text.split(" ")
        first = True
        for i, word in enumerate(words):
            if self.delay:
                await asyncio.sleep(self.delay)
            piece = word if i == len(words) - 1 else word + " "
            yield ChatChunk(text=piece, endpoint="scripted" if first else "")
            first = False
        yield ChatChunk(
            finish_reason="stop",
            usage=Usage(
                prompt_tokens=sum(len(m.content) for m in request.messages),
                completion_tokens=len(words),
            ),
        )

    async def check_health(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None
