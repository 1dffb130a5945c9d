from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.llm.types import ChatChunk, ChatRequest


@runtime_checkable
class ChatModel(Protocol):
    """A chat model behind one backend. Implementations: ``embedded`` (llama.cpp in
    process), ``openai_compat`` (vLLM, Ollama, llama.cpp server, commercial APIs).

    ``stream`` yields text chunks; it raises :class:`doum.llm.errors.ModelError` if the
    model cannot answer. Cancelling the iterator (``aclose``) must stop generation.
    """

    config: ModelConfig
    backend: str

    def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]: ...

    async def check_health(self) -> bool: ...

    async def aclose(self) -> None: ...


class ChatModelFactory(Protocol):
    def __call__(self, config: ModelConfig, settings: Settings) -> ChatModel: ...
