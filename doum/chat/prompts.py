"""System prompts and context fitting for chat turns."""

from __future__ import annotations

from doum.config.llm import ModelConfig
from doum.llm.types import ChatMessage

SYSTEM_PROMPT_KO = (
    "당신은 지방자치단체 공무원의 업무를 돕는 AI 비서 '도움'입니다. "
    "한국어로 정확하고 간결하게 답하고, 모르는 내용은 추측하지 말고 모른다고 말하세요. "
    "법령이나 규정을 언급할 때는 근거 조문을 밝히고, 근거가 없으면 그렇다고 말하세요. "
    "공문서 표현이 필요하면 행정안전부 공문서 작성 기준을 따르세요. "
    "답변은 마크다운으로 작성할 수 있습니다."
)

# The packaged demo model only follows English instructions.
SYSTEM_PROMPT_DEMO = "You are a helpful assistant. Answer briefly."


def system_prompt(model: ModelConfig) -> str:
    return SYSTEM_PROMPT_DEMO if model.demo else SYSTEM_PROMPT_KO


def estimate_tokens(text: str) -> int:
    """A conservative token estimate (Hangul ≈ 1 token per syllable, Latin ≈ 4 chars)."""
    return len(text.encode("utf-8")) // 3 + 4


def fit_context(
    model: ModelConfig, history: list[ChatMessage], *, system: str | None = None
) -> list[ChatMessage]:
    """System prompt + as many recent turns as fit in the model's context window.

    The newest message is always kept; older ones are dropped first.
    """
    system_message = ChatMessage("system", system if system is not None else system_prompt(model))
    budget = (
        model.context_length - model.max_output_tokens - estimate_tokens(system_message.content)
    )
    kept: list[ChatMessage] = []
    for message in reversed(history):
        cost = estimate_tokens(message.content)
        if kept and cost > budget:
            break
        kept.append(message)
        budget -= cost
    kept.reverse()
    # A conversation sent to a model must not start with an assistant turn.
    while len(kept) > 1 and kept[0].role == "assistant":
        kept.pop(0)
    return [system_message, *kept]
