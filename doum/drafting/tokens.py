"""How many tokens a text costs on a given model, to size prompts and map-reduce units.

The embedded (llama.cpp) models are counted exactly with their own vocabulary (loaded
alone, without weights); the packaged demo model's English vocabulary spends about 2.5×
more tokens on Korean than a Korean-capable model. Other models are estimated with the
chat layer's conservative rule plus a safety margin.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import lru_cache

from doum.chat.prompts import estimate_tokens
from doum.config.llm import ModelConfig

logger = logging.getLogger(__name__)

Counter = Callable[[str], int]
SAFETY = 1.15
_lock = threading.Lock()


def estimated(text: str) -> int:
    return int(estimate_tokens(text) * SAFETY)


@lru_cache(maxsize=4)
def _vocabulary(path: str) -> object:
    from llama_cpp import Llama

    with _lock:
        return Llama(model_path=path, vocab_only=True, verbose=False)


def token_counter(model: ModelConfig) -> Counter:
    """A function counting tokens for ``model``."""
    if model.backend != "embedded":
        return estimated
    try:
        from doum.llm.embedded import gguf_path_for

        vocabulary = _vocabulary(str(gguf_path_for(model)))
    except Exception as error:  # a missing runtime or file: fall back to the estimate
        logger.warning(
            "exact token counting unavailable", extra={"model": model.name, "error": str(error)}
        )
        return estimated

    def count(text: str) -> int:
        # A little per-message overhead, as the embedded backend counts it.
        return len(vocabulary.tokenize(text.encode("utf-8"), add_bos=False)) + 4  # type: ignore[attr-defined]

    return count
