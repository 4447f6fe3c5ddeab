"""The answer stage: a cached generator, the offline scorer and an optional cached judge, answering and
scoring queries for any number of systems (built from ``[answers]`` by ``ragshift.harness.systems.build_answer_stage``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from rich.console import Console

from ragshift.harness.answers.cache import CachedGenerator, CachedJudge
from ragshift.harness.answers.config import AnswersConfig
from ragshift.harness.answers.rows import answer_rows
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Judge
from ragshift.harness.types import Hit, Query, Row


@dataclass
class AnswerStage:
    """Everything needed to answer and score queries for any number of systems."""

    config: AnswersConfig
    generator: CachedGenerator
    offline: Judge
    judge: CachedJudge | None = None

    def rows(
        self,
        system: str,
        queries: Sequence[Query],
        hits_by_qid: Mapping[str, Sequence[Hit]],
        corpus: Corpus,
        *,
        console: Console | None = None,
    ) -> list[Row]:
        return answer_rows(
            system, queries, hits_by_qid, corpus, generator=self.generator, metrics=self.config.metrics,
            offline=self.offline, judge=self.judge, template=self.config.generator.prompt_template,
            top_k=self.config.top_k, console=console,
        )

    def fingerprint(self) -> str:
        """Changes whenever any answer or score could: generator, prompt, contexts, metrics, scorers."""
        return stable_hash(
            {
                "generator": self.generator.fingerprint(),
                "prompt": self.config.generator.prompt_template.fingerprint(),
                "top_k": self.config.top_k,
                "metrics": list(self.config.metrics),
                "offline": self.offline.fingerprint(),
                "judge": self.judge.fingerprint() if self.judge else None,
                "repeats": self.config.repeats,
            }
        )

    def describe(self) -> dict[str, Any]:
        """For the run card: what answered, what judged, with which prompt; cache use so far."""
        return {
            "fingerprint": self.fingerprint(),
            "generator": dict(self.generator.describe()),
            "prompt_template": self.config.generator.prompt_template.model_dump(),
            "top_k": self.config.top_k,
            "metrics": list(self.config.metrics),
            "offline_scorer": dict(self.offline.describe()),
            "judge": dict(self.judge.describe()) if self.judge else None,
            "cache": {
                "answers": {"hits": self.generator.hits, "misses": self.generator.misses},
                "verdicts": {"hits": self.judge.hits, "misses": self.judge.misses} if self.judge else None,
            },
        }

