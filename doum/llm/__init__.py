"""The model gateway: one ``ChatModel`` protocol, backends as plugins, and a router that
picks an allowed model and endpoint for each request."""

from doum.llm.types import ChatChunk, ChatMessage, ChatRequest, ChatResult, Usage

__all__ = ["ChatChunk", "ChatMessage", "ChatRequest", "ChatResult", "Usage"]
