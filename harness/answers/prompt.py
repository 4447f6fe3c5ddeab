"""The RAG prompt: a system line and a user template with ``{context}`` and ``{question}``."""

from __future__ import annotations

import string
from typing import Sequence

from pydantic import BaseModel, ConfigDict, field_validator

from ragshift.harness.fingerprint import stable_hash

DEFAULT_SYSTEM = "Answer using only the context. Reply with a short answer."
DEFAULT_USER = "Context: {context}\nQuestion: {question}"
PLACEHOLDERS = ("context", "question")


class PromptTemplate(BaseModel):
    """Renders chat messages; contexts are joined by ``separator``. Part of the run's fingerprint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    system: str = DEFAULT_SYSTEM
    user: str = DEFAULT_USER
    separator: str = "\n\n"

    @field_validator("user")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            names = [field for _, field, _, _ in string.Formatter().parse(value) if field is not None]
        except ValueError as exc:
            raise ValueError(f"user template is not a valid format string ({exc}); write a literal brace as {{{{ or }}}}") from None
        stray = sorted(set(names) - set(PLACEHOLDERS))
        if stray:
            raise ValueError(f"user template has unknown placeholder(s) {stray}; valid: {{context}}, {{question}}")
        missing = [p for p in PLACEHOLDERS if p not in names]
        if missing:
            raise ValueError(f"user template must contain {', '.join('{' + p + '}' for p in missing)}")
        return value

    def render(self, question: str, contexts: Sequence[str]) -> list[dict[str, str]]:
        user = self.user.format(context=self.separator.join(contexts), question=question)
        messages = [{"role": "system", "content": self.system}] if self.system else []
        return [*messages, {"role": "user", "content": user}]

    def fingerprint(self) -> str:
        return stable_hash(self.model_dump(mode="json"))
