"""Leakage guard: a model must not be judged on queries (or answers) it was trained on.

Three kinds of overlap between training queries and evaluation queries are found:

* ``identical_query``: the same text after normalisation (case, punctuation, whitespace);
* ``shared_positive``: near-identical texts whose relevant documents overlap (the answer leaked);
* ``near_identical_query``: near-identical texts with no shared relevant document.

Any of them refuses training or evaluation with :class:`LeakageError`, unless the caller passes an
explicit override, which the report then shows (``overridden``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.errors import RagshiftError
from ragshift.harness.finetune.similarity import normalize_text, similar_pairs
from ragshift.harness.types import Query

MANIFEST = "ragshift_training.json"
"""Written into every model directory ragshift trains: the training queries, for later guards."""

SHOWN = 10


class LeakageError(RagshiftError):
    """Training data overlaps the evaluation data."""

    def __init__(self, report: LeakageReport) -> None:
        self.report = report
        super().__init__(report.describe())


@dataclass(frozen=True)
class QueryItem:
    """A query as the guard sees it: its text and its relevant documents."""

    qid: str
    text: str
    positives: frozenset[str] = frozenset()

    @classmethod
    def from_corpus(cls, corpus: Corpus, queries: Iterable[Query]) -> list[QueryItem]:
        return [
            cls(q.qid, q.text, frozenset(d for d, s in corpus.qrels.get(q.qid, {}).items() if s > 0))
            for q in queries
        ]


@dataclass(frozen=True)
class Overlap:
    kind: str
    train_qid: str
    eval_qid: str
    train_text: str
    eval_text: str
    similarity: float
    shared_documents: tuple[str, ...] = ()

    def describe(self) -> str:
        docs = f" (shared relevant: {', '.join(self.shared_documents)})" if self.shared_documents else ""
        return (
            f"{self.kind}: train {self.train_qid!r} {_clip(self.train_text)!r} ~ eval {self.eval_qid!r} "
            f"{_clip(self.eval_text)!r} [{self.similarity:.2f}]{docs}"
        )


@dataclass(frozen=True)
class LeakageReport:
    threshold: float
    train_queries: int
    eval_queries: int
    overlaps: tuple[Overlap, ...] = ()
    overridden: bool = False
    dropped_train: tuple[str, ...] = field(default=())
    """Train query ids removed to resolve the overlaps (``leakage = "drop"``)."""

    @property
    def clean(self) -> bool:
        return not self.overlaps

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.overlaps:
            out[o.kind] = out.get(o.kind, 0) + 1
        return out

    def describe(self, limit: int = SHOWN) -> str:
        if self.clean:
            return f"no overlap between {self.train_queries} train and {self.eval_queries} eval queries"
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.counts().items()))
        lines = [
            f"training data overlaps the evaluation data ({kinds}; near-identical means "
            f"trigram Jaccard >= {self.threshold:g}):"
        ]
        lines += [f"  {o.describe()}" for o in self.overlaps[:limit]]
        if len(self.overlaps) > limit:
            lines.append(f"  ... and {len(self.overlaps) - limit} more")
        lines.append('set leakage = "drop" to remove those train queries, or "allow" (--allow-leakage) to go on anyway')
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "overridden": self.overridden,
            "threshold": self.threshold,
            "train_queries": self.train_queries,
            "eval_queries": self.eval_queries,
            "counts": self.counts(),
            "overlaps": [asdict(o) for o in self.overlaps],
            "dropped_train": list(self.dropped_train),
        }


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def find_leakage(train: Sequence[QueryItem], evaluation: Sequence[QueryItem], *, threshold: float) -> LeakageReport:
    """Every (train, eval) query pair that is identical or near-identical; see the module doc."""
    overlaps = []
    pairs = similar_pairs([t.text for t in train], [e.text for e in evaluation], threshold=threshold)
    for i, j, sim in pairs:
        t, e = train[i], evaluation[j]
        shared = tuple(sorted(t.positives & e.positives))
        if normalize_text(t.text) == normalize_text(e.text):
            kind = "identical_query"
        else:
            kind = "shared_positive" if shared else "near_identical_query"
        overlaps.append(Overlap(kind, t.qid, e.qid, t.text, e.text, round(sim, 4), shared))
    order = {"identical_query": 0, "shared_positive": 1, "near_identical_query": 2}
    overlaps.sort(key=lambda o: (order[o.kind], -o.similarity, o.train_qid, o.eval_qid))
    return LeakageReport(threshold, len(train), len(evaluation), tuple(overlaps))


def guard(report: LeakageReport, *, allow: bool) -> LeakageReport:
    """Raise :class:`LeakageError` on any overlap unless ``allow``; then mark the report overridden."""
    if report.clean:
        return report
    if not allow:
        raise LeakageError(report)
    return LeakageReport(
        report.threshold, report.train_queries, report.eval_queries, report.overlaps, True, report.dropped_train
    )


def write_manifest(directory: Path, items: Sequence[QueryItem], *, threshold: float) -> Path:
    """Record the training queries in a model directory so evaluation can check against them later."""
    target = Path(directory) / MANIFEST
    data = {
        "threshold": threshold,
        "queries": [{"qid": i.qid, "text": i.text, "positives": sorted(i.positives)} for i in items],
    }
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def read_manifest(directory: Path) -> tuple[list[QueryItem], float] | None:
    """The training queries of a ragshift-trained model directory; None for any other model."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = [QueryItem(q["qid"], q["text"], frozenset(q["positives"])) for q in data["queries"]]
        return items, float(data["threshold"])
    except (ValueError, KeyError, TypeError) as exc:
        raise RagshiftError(f"{path}: unreadable training manifest: {exc}") from None


def check_model(
    model_dir: Path | str, corpus: Corpus, queries: Sequence[Query], *, allow: bool = False
) -> LeakageReport | None:
    """The guard before evaluating a ragshift-trained model on ``queries``; None for other models."""
    found = read_manifest(Path(model_dir))
    if found is None:
        return None
    train, threshold = found
    return guard(find_leakage(train, QueryItem.from_corpus(corpus, queries), threshold=threshold), allow=allow)


TRAIN_POSITIVE = "train_positive"
"""Row meta field and comparison slice: ``seen`` when one of the query's relevant documents was a
training positive of an evaluated ragshift-trained model, else ``unseen``."""


def seen_positives(model_dir: Path | str, corpus: Corpus, queries: Sequence[Query]) -> dict[str, bool] | None:
    """Per eval query: is one of its relevant documents a training positive of the model?

    A model can gain on such queries by learning which documents get asked about rather than by
    generalising; the ``unseen`` slice shows what is left. None for a model ragshift did not train
    or one trained on another corpus (document ids would not mean the same).
    """
    from ragshift.harness.finetune.card import read_record

    found = read_manifest(Path(model_dir))
    record = read_record(Path(model_dir))
    if found is None or (record is not None and record.get("corpus", {}).get("name") != corpus.name):
        return None
    trained = {d for item in found[0] for d in item.positives}
    return {item.qid: bool(item.positives & trained) for item in QueryItem.from_corpus(corpus, queries)}
