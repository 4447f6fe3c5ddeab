"""Any LlamaIndex LLM as a Generator; ``openai_compatible`` builds one for any OpenAI-compatible chat endpoint."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Mapping, Sequence

from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import ChatMessages

_HIDDEN = re.compile(r"(key|secret|password|headers|client)$|(^|_)token$")
"""Settings never put into a fingerprint or run card (credentials, clients)."""
_TRANSPORT = frozenset({"timeout", "max_retries", "reuse_client"})
"""Settings that cannot change an answer."""


class LlamaIndexGenerator:
    """Sends each prompt through ``llm.chat``. The fingerprint covers the LLM's class and its public,
    non-secret settings (model, endpoint, temperature, max tokens, ...)."""

    def __init__(self, llm: Any) -> None:
        from llama_index.core.llms import LLM

        if not isinstance(llm, LLM):
            raise RagshiftError(f"expected a LlamaIndex LLM, got {type(llm).__name__}")
        self.llm = llm

    def generate(self, prompts: Sequence[ChatMessages]) -> list[str]:
        from llama_index.core.llms import ChatMessage

        answers = []
        for messages in prompts:
            chat = [ChatMessage(role=m["role"], content=m["content"]) for m in messages]
            try:
                response = self.llm.chat(chat)
            except Exception as exc:  # any provider's error: name the model and the cause
                raise RagshiftError(f"generator {self._name()} failed: {type(exc).__name__}: {exc}") from exc
            answers.append((response.message.content or "").strip())
        return answers

    def fingerprint(self) -> str:
        return stable_hash({"generator": "llamaindex", **self._settings()})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "llamaindex", **self._settings(), "fingerprint": self.fingerprint()}

    def _name(self) -> str:
        return str(getattr(self.llm.metadata, "model_name", type(self.llm).__name__))

    def _settings(self) -> dict[str, Any]:
        data = self.llm.to_dict()
        public = {
            k: v.value if isinstance(v, Enum) else v
            for k, v in sorted(data.items())
            if not _HIDDEN.search(k.lower()) and k not in _TRANSPORT and isinstance(v, (str, int, float, bool, type(None)))
        }
        return {"class": f"{type(self.llm).__module__}.{type(self.llm).__name__}", **public}


def openai_compatible(
    *,
    base_url: str,
    model: str,
    api_key: str | None = None,
    max_new_tokens: int = 48,
    temperature: float = 0.0,
    timeout: float = 60.0,
    max_retries: int = 2,
) -> LlamaIndexGenerator:
    """A generator over any server speaking ``POST /chat/completions`` (vLLM, Ollama, llama.cpp server, hosted)."""
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(
        model=model, api_base=base_url.rstrip("/"), api_key=api_key or "unused", is_chat_model=True,
        max_tokens=max_new_tokens, temperature=temperature, timeout=timeout, max_retries=max_retries,
    )
    return LlamaIndexGenerator(llm)
