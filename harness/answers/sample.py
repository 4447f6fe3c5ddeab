"""What answer-quality metrics see for one query, and what a scorer returns for it."""

from __future__ import annotations

from dataclasses import dataclass

from ragshift.harness.fingerprint import stable_hash


@dataclass(frozen=True)
class AnswerSample:
    """One query's question, retrieved contexts, generated answer and (when known) gold references."""

    qid: str
    question: str
    contexts: tuple[str, ...]
    context_ids: tuple[str, ...]
    response: str
    references: tuple[str, ...] = ()
    """Gold answers; metrics that need one skip queries without."""
    reference_contexts: tuple[str, ...] = ()
    """Texts of the documents judged relevant (qrels)."""
    reference_context_ids: tuple[str, ...] = ()

    def content_hash(self) -> str:
        """Hash of everything a metric could read (not the qid): the judge cache's input key."""
        return stable_hash(
            [
                self.question, list(self.contexts), list(self.context_ids), self.response,
                list(self.references), list(self.reference_contexts), list(self.reference_context_ids),
            ],
            length=32,
        )


@dataclass(frozen=True)
class JudgeVerdict:
    """One metric's score for one sample.

    ``value`` is None when every attempt failed (a failure is never scored 0); ``failures`` counts
    failed attempts and ``error`` names the last one. ``spread`` holds the per-repeat values when a
    noisy judge was asked more than once (``value`` is then their mean).
    """

    value: float | None
    error: str | None = None
    failures: int = 0
    spread: tuple[float, ...] = ()

    @classmethod
    def failed(cls, error: str) -> JudgeVerdict:
        return cls(None, error=error, failures=1)
