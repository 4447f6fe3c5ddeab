"""The answer stage: a cached generator, the offline scorer and an optional cached judge, answering and
scoring queries for any number of systems (built from ``[answers]`` by ``ragshift.harness.systems.build_answer_stage``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from rich.console import Console
from rich.markup import escape

from ragshift.harness.answers.cache import CachedGenerator, CachedJudge
from ragshift.harness.answers.config import AnswersConfig
from ragshift.harness.answers.rows import answer_rows, failure_counts, merge_rows
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Judge
from ragshift.harness.types import Hit, Query, Row

if TYPE_CHECKING:
    from ragshift.harness.datasets import Dataset


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

    def add_answers(
        self, scored: list[Row], system: str, ds: Dataset, hits: Mapping[str, Sequence[Hit]], console: Console
    ) -> list[Row]:
        """Retrieval rows with answer metrics added: the first ``max_queries`` queries are answered from
        their retrieved chunks; the others keep retrieval metrics only."""
        queries = ds.queries[: self.config.max_queries]
        answered = self.rows(system, queries, hits, ds.corpus, console=console)
        means = " · ".join(f"{m} {v:.3f}" if v is not None else f"{m} —" for m, v in answer_means(answered).items())
        failed = failure_counts(answered).get(system, {})
        console.print(f"answers [bold]{escape(system)}[/] on {escape(ds.name)} ({len(queries)} queries): {escape(means)}")
        if failed:
            listed = ", ".join(f"{m} {n}" for m, n in failed.items())
            console.print(f"[yellow]failed judge verdicts[/] (scored None, not 0): {escape(listed)}")
        return merge_rows(scored, answered)

    def card_section(self, rows: Sequence[Row]) -> dict[str, Any]:
        """Run-card ``answers``: generator, judge and prompt (with fingerprints), cache use, failed verdicts."""
        return {
            **self.describe(),
            "prompt_template_fingerprint": self.config.generator.prompt_template.fingerprint(),
            "max_queries": self.config.max_queries,
            "failures": failure_counts(rows),
        }


def answer_means(rows: Sequence[Row]) -> dict[str, float | None]:
    """Mean of each answer metric over the rows that have a value (None where none has)."""
    labels = dict.fromkeys(m for r in rows for m in r.metrics)
    values = {m: [r.metrics[m] for r in rows if r.metrics.get(m) is not None] for m in labels}
    return {m: (sum(v) / len(v) if v else None) for m, v in values.items()}
