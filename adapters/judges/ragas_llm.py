"""LLM-judged answer metrics: ragas' metrics with an OpenAI-compatible chat endpoint as the judge."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping, Sequence

from ragas.metrics._answer_relevance import ResponseRelevancy
from ragas.metrics._context_precision import LLMContextPrecisionWithReference
from ragas.metrics._context_recall import LLMContextRecall
from ragas.metrics._factual_correctness import FactualCorrectness
from ragas.metrics._faithfulness import Faithfulness
from ragas.metrics.base import MetricWithEmbeddings, SingleTurnMetric
from ragas.run_config import RunConfig

from ragshift.adapters.judges._ragas import RAGAS_VERSION, quiet, run_metric, to_ragas
from ragshift.harness.answers.metrics import JUDGED
from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash

_FACTORIES: dict[str, Callable[[], SingleTurnMetric]] = {
    "judge.faithfulness": Faithfulness,
    "judge.answer_relevancy": ResponseRelevancy,
    "judge.factual_correctness": FactualCorrectness,
    "judge.context_precision": LLMContextPrecisionWithReference,
    "judge.context_recall": LLMContextRecall,
}
CALLS_PER_SAMPLE = 4
"""A sample's time limit is this many request timeouts (a metric sends a few prompts, maybe a format fix)."""


class RagasLLMJudge:
    """Judge-protocol scorer of the ``judge.*`` metrics through ``LangchainLLMWrapper(ChatOpenAI(...))``.

    The configured ``temperature`` is sent as is (ragas' own per-call temperature is bypassed), so
    ``repeats`` with a temperature above 0 measure the judge's noise. ``reference`` is the first gold answer.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        temperature: float = 0.0,
        timeout: float = 60.0,
        max_retries: int = 2,
        max_workers: int = 4,
        embedding_model: str | None = None,
    ) -> None:
        quiet()
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.temperature = temperature
        self.timeout = timeout
        self.embedding_model = embedding_model
        self._run_config = RunConfig(timeout=int(max(1, timeout)), max_retries=max_retries, max_wait=10, max_workers=max_workers)
        self._llm, self._embeddings = _clients(
            self.base_url, model, api_key=api_key, temperature=temperature, timeout=timeout,
            max_retries=max_retries, embedding_model=embedding_model, run_config=self._run_config,
        )
        self._metrics: dict[str, SingleTurnMetric] = {}

    @property
    def metrics(self) -> tuple[str, ...]:
        return JUDGED

    def score(self, metric: str, samples: Sequence[AnswerSample]) -> list[JudgeVerdict]:
        scorer = self._metric(metric)
        converted = [to_ragas(s, reference=s.references[0] if s.references else None) for s in samples]
        return run_metric(scorer, converted, run_config=self._run_config, timeout=CALLS_PER_SAMPLE * self.timeout)

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "judge": "ragas-openai-compatible", "base_url": self.base_url, "model": self.model,
                "temperature": self.temperature, "embedding_model": self.embedding_model, "ragas": RAGAS_VERSION,
            }
        )

    def prompt_hash(self, metric: str) -> str:
        prompts = self._metric(metric).get_prompts()
        return stable_hash({name: prompt.to_string() for name, prompt in sorted(prompts.items())})

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "ragas-openai-compatible", "base_url": self.base_url, "model": self.model,
            "temperature": self.temperature, "timeout": self.timeout, "embedding_model": self.embedding_model,
            "ragas": RAGAS_VERSION, "fingerprint": self.fingerprint(),
        }

    def _metric(self, label: str) -> SingleTurnMetric:
        if label not in _FACTORIES:
            raise ConfigError(f"{label!r} is not an LLM-judged metric; judged metrics: {', '.join(JUDGED)}")
        if label not in self._metrics:
            metric = _FACTORIES[label]()
            metric.llm = self._llm
            if isinstance(metric, MetricWithEmbeddings):
                if self._embeddings is None:
                    raise ConfigError(f"{label} needs the judge's embedding_model")
                metric.embeddings = self._embeddings
            metric.init(self._run_config)
            self._metrics[label] = metric
        return self._metrics[label]


def _clients(
    base_url: str,
    model: str,
    *,
    api_key: str | None,
    temperature: float,
    timeout: float,
    max_retries: int,
    embedding_model: str | None,
    run_config: RunConfig,
) -> tuple[Any, Any]:
    from langchain_openai import ChatOpenAI, OpenAIEmbeddings
    from ragas.embeddings.base import LangchainEmbeddingsWrapper
    from ragas.llms.base import LangchainLLMWrapper

    key = api_key or "unused"  # local servers ignore it; the client insists on one
    chat = ChatOpenAI(
        base_url=base_url, model=model, api_key=key, temperature=temperature, timeout=timeout, max_retries=max_retries,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        llm = LangchainLLMWrapper(chat, run_config=run_config, bypass_temperature=True)
        embeddings = None
        if embedding_model:
            client = OpenAIEmbeddings(
                base_url=base_url, model=embedding_model, api_key=key, timeout=timeout, max_retries=max_retries,
                check_embedding_ctx_length=False,  # would fetch a tiktoken vocabulary for the model name
            )
            embeddings = LangchainEmbeddingsWrapper(client, run_config=run_config)
    return llm, embeddings
