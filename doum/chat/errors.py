from __future__ import annotations

from doum.errors import DoumError, InvalidInput, NotFound


class ChatError(DoumError):
    default_code = "chat.error"
    http_status = 400


class ConversationNotFound(NotFound):
    default_code = "chat.conversation_unknown"


class InvalidMessage(InvalidInput):
    default_code = "chat.empty_message"
