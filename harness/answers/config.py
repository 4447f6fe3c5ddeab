"""``[answers]`` config section: generator, optional LLM judge, metric menu, contexts, judge repeats."""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ragshift.harness.answers.metrics import DEFAULT_METRICS, MENU, parse_answer_metrics
from ragshift.harness.answers.prompt import PromptTemplate
from ragshift.harness.errors import ConfigError
from ragshift.harness.kinds import GENERATOR_KINDS
from ragshift.harness.sections import ClassPath


GeneratorKindName = Literal[tuple(GENERATOR_KINDS)]  # type: ignore[valid-type]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _api_key(env: str) -> str | None:
    return os.environ.get(env) or None


class GeneratorConfig(_Section):
    """``smollm2``: the packaged SmolLM2-135M-Instruct, offline. ``openai``: any OpenAI-compatible
    chat endpoint (vLLM, Ollama, llama.cpp server, a hosted API). ``llamaindex``: any LlamaIndex LLM,
    built by the ``"module:attr"`` factory in ``class_path``."""

    kind: GeneratorKindName = "smollm2"
    base_url: str | None = None
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    max_new_tokens: int = Field(48, ge=1)
    temperature: float = Field(0.0, ge=0)
    timeout: float = Field(60.0, gt=0, description="Seconds per request.")
    max_retries: int = Field(2, ge=0)
    class_path: ClassPath | None = None
    prompt_template: PromptTemplate = PromptTemplate()

    @model_validator(mode="after")
    def _keys_fit_kind(self) -> GeneratorConfig:
        usable = GENERATOR_KINDS[self.kind].options
        defaults = type(self).model_fields
        stray = sorted(k for k in self.model_fields_set - {"kind", *usable} if getattr(self, k) != defaults[k].default)
        if stray:
            raise ValueError(f"{', '.join(map(repr, stray))} not used by kind = \"{self.kind}\"; it uses: {', '.join(usable)}")
        missing = [key for key in GENERATOR_KINDS[self.kind].required if not getattr(self, key)]
        if missing:
            raise ValueError(f'kind = "{self.kind}" needs {", ".join(missing)}')
        return self

    def adapter_options(self) -> dict[str, Any]:
        """Keyword options for ``ragshift.adapters.generators.factory.build_generator(kind, ...)`` (key read from env now)."""
        options = {key: getattr(self, key) for key in GENERATOR_KINDS[self.kind].options if key != "prompt_template"}
        if "api_key_env" in options:
            options["api_key"] = _api_key(options.pop("api_key_env"))
        return options


class JudgeConfig(_Section):
    """An OpenAI-compatible chat endpoint that ragas uses as LLM judge (may differ from the generator)."""

    base_url: str
    model: str
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = Field(0.0, ge=0)
    timeout: float = Field(60.0, gt=0, description="Seconds per judge request.")
    max_retries: int = Field(2, ge=0)
    max_workers: int = Field(4, ge=1, description="Concurrent judge requests.")
    embedding_model: str | None = Field(None, description="Served at base_url /embeddings; judge.answer_relevancy needs it.")

    def adapter_options(self) -> dict[str, Any]:
        options = self.model_dump(exclude={"api_key_env"})
        options["api_key"] = _api_key(self.api_key_env)
        return options


class AnswersConfig(_Section):
    """Generate an answer per query from its top ``top_k`` retrieved contexts, then score it.

    ``max_queries`` keeps slow generators affordable: answer metrics then cover the first N queries of
    each split (the same N for every system, so they stay paired); retrieval metrics still cover all.
    """

    generator: GeneratorConfig = GeneratorConfig()
    judge: JudgeConfig | None = None
    metrics: tuple[str, ...] = DEFAULT_METRICS
    top_k: int = Field(3, ge=1, description="Retrieved contexts put into the prompt.")
    repeats: int = Field(1, ge=1, description="Judge each sample this many times (spread for noisy judges).")
    max_queries: int | None = Field(
        None, ge=1, description="Answer only the first N queries of each evaluated split (file order); None: all."
    )

    @property
    def needs_references(self) -> bool:
        """Does any chosen metric score against gold answers (so the corpus's answers.jsonl is read)?"""
        return any(MENU[m].needs_reference for m in self.metrics)

    @field_validator("metrics", mode="before")
    @classmethod
    def _menu(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise ValueError(f'expected a list of answer metrics, e.g. ["answer.rouge_l"]; valid: {", ".join(MENU)}')
        try:
            return parse_answer_metrics(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _judge_when_needed(self) -> AnswersConfig:
        judged = [m for m in self.metrics if MENU[m].judged]
        if judged and self.judge is None:
            raise ValueError(f"{', '.join(judged)}: LLM-judged, so [answers.judge] (base_url, model) is required")
        if "judge.answer_relevancy" in self.metrics and self.judge is not None and not self.judge.embedding_model:
            raise ValueError("judge.answer_relevancy needs [answers.judge] embedding_model (served at its base_url)")
        if self.repeats > 1 and not judged:
            raise ValueError("repeats applies to judge.* metrics only, and none is selected")
        return self
