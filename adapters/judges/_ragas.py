"""Shared ragas plumbing: AnswerSample → SingleTurnSample, and one metric over many samples via ragas' Executor."""

from __future__ import annotations

import math
from importlib import metadata
from typing import Sequence

from ragas.dataset_schema import SingleTurnSample
from ragas.executor import Executor
from ragas.metrics.base import SingleTurnMetric
from ragas.run_config import RunConfig

from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.runtime import prepare_environment

RAGAS_VERSION = metadata.version("ragas")


def quiet() -> None:
    """Telemetry off and tiktoken pointed at bundled files, unless the user set them (ragas reads them on use)."""
    prepare_environment()


def to_ragas(sample: AnswerSample, *, reference: str | None = None, response: str | None = None) -> SingleTurnSample:
    return SingleTurnSample(
        user_input=sample.question,
        retrieved_contexts=list(sample.contexts),
        retrieved_context_ids=list(sample.context_ids),
        response=sample.response if response is None else response,
        reference=reference,
        reference_contexts=list(sample.reference_contexts),
        reference_context_ids=list(sample.reference_context_ids),
    )


def run_metric(
    metric: SingleTurnMetric,
    samples: Sequence[SingleTurnSample],
    *,
    run_config: RunConfig,
    timeout: float | None,
) -> list[JudgeVerdict]:
    """Score every sample with ``metric`` concurrently (``run_config.max_workers``), in input order.

    An exception, a timeout or a NaN score becomes ``JudgeVerdict.failed`` naming the cause.
    """

    async def attempt(sample: SingleTurnSample) -> JudgeVerdict:
        try:
            value = await metric.single_turn_ascore(sample, timeout=timeout)
        except Exception as exc:  # every judge failure is counted, whatever raised it
            return JudgeVerdict.failed(f"{type(exc).__name__}: {exc}".strip().rstrip(":"))
        if value is None or not math.isfinite(float(value)):
            return JudgeVerdict.failed(f"{metric.name} returned no score (NaN)")
        return JudgeVerdict(float(value))

    if not samples:
        return []
    executor = Executor(desc=metric.name, show_progress=False, raise_exceptions=True, run_config=run_config)
    for i, sample in enumerate(samples):
        executor.submit(attempt, sample, name=f"{metric.name}-{i}")
    return list(executor.results())
