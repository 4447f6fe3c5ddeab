"""The run card, typed: what a run evaluated, with what, and the facts the report's verdicts rest on.

``run_eval`` builds a ``RunCard`` from facts the other rooms supply (datasets, the systems'
descriptions, ``training_facts`` from finetune, ``RollbackFacts`` from shipping, the answer stage's
section) and publishes ``to_json()`` as ``run_card.json``; readers (the report's worth-it section)
take ``RunCard.from_json`` of that file, which tolerates cards that lack any section.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from ragshift.harness.datasets import Dataset

VERSIONED = (
    "ragshift", "torch", "sentence-transformers", "transformers", "llama-index-core",
    "llama-index-vector-stores-chroma", "chromadb", "ir-measures", "pytrec-eval-terrier", "numpy", "scipy",
)


def versions() -> dict[str, str]:
    """Python's and the installed versions of the libraries a result depends on."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


@dataclass(frozen=True)
class DatasetFacts:
    """Run-card ``corpus`` / ``datasets[]``: one evaluated dataset."""

    name: str
    source: str | None = None
    fingerprint: str | None = None
    documents: int | None = None
    queries: int | None = None
    split: str | None = None
    skipped_empty: tuple[str, ...] = ()

    @classmethod
    def of(cls, ds: Dataset) -> DatasetFacts:
        c = ds.corpus
        return cls(ds.name, c.source, c.fingerprint, len(c.documents), len(ds.queries), ds.split, tuple(c.skipped_empty))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "source": self.source, "fingerprint": self.fingerprint, "documents": self.documents,
            "queries": self.queries, "split": self.split, "skipped_empty": list(self.skipped_empty),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> DatasetFacts | None:
        if not data:
            return None
        return cls(
            str(data.get("name", "")), data.get("source"), data.get("fingerprint"), data.get("documents"),
            data.get("queries"), data.get("split"), tuple(data.get("skipped_empty") or ()),
        )


@dataclass(frozen=True)
class RollbackFacts:
    """What is known about going back to the baseline: its collection and whether it is still served.

    ``present`` is whether the store held the collection when last looked (None: not looked).
    ``alias`` / ``alias_target``: an alias registry's name and what it points to now, when one is used.
    """

    baseline: str | None
    collection: str | None
    store: str | None = None
    present: bool | None = None
    alias: str | None = None
    alias_target: str | None = None
    alias_baseline: str | None = None
    """The baseline model's serving collection the alias points at or keeps for rollback (None: none)."""

    def to_json(self) -> dict[str, Any]:
        facts = {"baseline": self.baseline, "collection": self.collection, "store": self.store, "present": self.present}
        if self.alias is not None:
            facts.update(alias=self.alias, alias_target=self.alias_target, alias_baseline=self.alias_baseline)
        return facts

    @classmethod
    def from_json(cls, facts: Mapping[str, Any] | None) -> RollbackFacts | None:
        if not facts:
            return None
        return cls(
            facts.get("baseline"), facts.get("collection"), facts.get("store"), facts.get("present"), facts.get("alias"),
            facts.get("alias_target"), facts.get("alias_baseline"),
        )


@dataclass(frozen=True)
class TrainingFacts:
    """Run-card ``training[<system>]`` and ``training_curves[<system>]``: how a ragshift-trained model was made."""

    recipe: str | None = None
    training_set: Mapping[str, Any] = field(default_factory=dict)
    leakage: Mapping[str, Any] = field(default_factory=dict)
    flags: tuple[Any, ...] = ()
    seconds: float | None = None
    base_fingerprint: str | None = None
    fingerprint: str | None = None
    forgetting: Mapping[str, Any] | None = None
    curve: tuple[Mapping[str, Any], ...] = ()
    """``{epoch, train, dev}`` points."""

    def to_json(self) -> dict[str, Any]:
        return {
            "recipe": self.recipe, "training_set": dict(self.training_set), "leakage": dict(self.leakage),
            "flags": list(self.flags), "seconds": self.seconds, "base_fingerprint": self.base_fingerprint,
            "fingerprint": self.fingerprint, "forgetting": self.forgetting,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], curve: Any = ()) -> TrainingFacts:
        return cls(
            data.get("recipe"), data.get("training_set") or {}, data.get("leakage") or {}, tuple(data.get("flags") or ()),
            data.get("seconds"), data.get("base_fingerprint"), data.get("fingerprint"), data.get("forgetting"),
            tuple(curve or ()),
        )


_SECTIONS = (
    "run_id", "name", "seed", "config_fingerprint", "config", "corpus", "datasets", "systems", "baseline", "metrics",
    "versions", "timings", "leakage", "diagnosis", "query_latency", "index_cost", "cost", "rollback", "answers",
    "training", "training_curves",
)


@dataclass(frozen=True)
class RunCard:
    """``run_card.json`` of ``ragshift eval`` / ``run``. Optional sections are left out of the JSON when
    empty, as they always were; keys this version does not know are kept in ``extras``."""

    run_id: str
    name: str | None = None
    seed: int | None = None
    config_fingerprint: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    corpus: DatasetFacts | None = None
    datasets: tuple[DatasetFacts, ...] = ()
    systems: Mapping[str, Any] = field(default_factory=dict)
    baseline: str | None = None
    metrics: tuple[str, ...] = ()
    versions: Mapping[str, str] = field(default_factory=dict)
    timings: Mapping[str, float] = field(default_factory=dict)
    leakage: Mapping[str, Any] = field(default_factory=dict)
    diagnosis: Mapping[str, Any] = field(default_factory=dict)
    index_cost: Mapping[str, Any] = field(default_factory=dict)
    rollback: RollbackFacts | None = None
    query_latency: Mapping[str, Any] = field(default_factory=dict)
    cost: Mapping[str, Any] = field(default_factory=dict)
    answers: Mapping[str, Any] | None = None
    training: Mapping[str, TrainingFacts] = field(default_factory=dict)
    extras: Mapping[str, Any] = field(default_factory=dict)

    # What the report's verdicts read.
    @property
    def corpus_documents(self) -> int | None:
        """``[cost] corpus_documents``: the size of the corpus a switch would re-embed, when configured."""
        return (self.config.get("cost") or {}).get("corpus_documents")

    @property
    def train_split(self) -> str | None:
        """``[finetune] train_split`` of the run's config (None without ``[finetune]``)."""
        return (self.config.get("finetune") or {}).get("train_split")

    @property
    def training_curves(self) -> Mapping[str, Any]:
        """``{system: [{epoch, train, dev}, ...]}`` of the trained systems (else a card's bare ``training_curves``)."""
        return {name: t.curve for name, t in self.training.items()} or self.extras.get("training_curves") or {}

    def rollback_facts(self) -> RollbackFacts:
        """The rollback facts, the baseline's collection read from its index when the run recorded none."""
        facts = self.rollback or RollbackFacts(None, None)
        baseline = facts.baseline or self.baseline
        collection = facts.collection
        if collection is None and baseline:
            indexes = (self.systems.get(baseline) or {}).get("indexes") or {}
            primary = self.corpus.name if self.corpus is not None else None
            collection = (indexes.get(primary) or next(iter(indexes.values()), {})).get("collection")
        return RollbackFacts(baseline, collection, facts.store, facts.present, facts.alias, facts.alias_target, facts.alias_baseline)

    def to_json(self) -> dict[str, Any]:
        card: dict[str, Any] = {
            "run_id": self.run_id,
            "name": self.name,
            "seed": self.seed,
            "config_fingerprint": self.config_fingerprint,
            "config": dict(self.config),
            "corpus": self.corpus.to_json() if self.corpus is not None else None,
            "datasets": [d.to_json() for d in self.datasets],
            "systems": dict(self.systems),
            "baseline": self.baseline,
            "metrics": list(self.metrics),
            "versions": dict(self.versions),
            "timings": dict(self.timings),
            "leakage": dict(self.leakage),
            "diagnosis": dict(self.diagnosis),
            **({"query_latency": dict(self.query_latency)} if self.query_latency else {}),
            "index_cost": dict(self.index_cost),
            **({"cost": dict(self.cost)} if self.cost else {}),
            "rollback": self.rollback.to_json() if self.rollback is not None else {},
            **({"answers": dict(self.answers)} if self.answers is not None else {}),
        }
        return {**card, **self.training_json(), **self.extras}

    def training_json(self) -> dict[str, Any]:
        """``training_curves`` and ``training`` (none without a ragshift-trained system)."""
        if not self.training:
            return {}
        return {
            "training_curves": {name: [dict(p) for p in t.curve] for name, t in self.training.items()},
            "training": {name: t.to_json() for name, t in self.training.items()},
        }

    @classmethod
    def from_json(cls, card: Mapping[str, Any]) -> RunCard:
        """A run card read back (any section may be missing: older folders, partial cards in tests)."""
        curves = card.get("training_curves") or {}
        training = {n: TrainingFacts.from_json(t or {}, curves.get(n)) for n, t in (card.get("training") or {}).items()}
        return cls(
            run_id=str(card.get("run_id", "")),
            name=card.get("name"),
            seed=card.get("seed"),
            config_fingerprint=card.get("config_fingerprint"),
            config=card.get("config") or {},
            corpus=DatasetFacts.from_json(card.get("corpus")),
            datasets=tuple(d for d in map(DatasetFacts.from_json, card.get("datasets") or ()) if d is not None),
            systems=card.get("systems") or {},
            baseline=card.get("baseline"),
            metrics=tuple(card.get("metrics") or ()),
            versions=card.get("versions") or {},
            timings=card.get("timings") or {},
            leakage=card.get("leakage") or {},
            diagnosis=card.get("diagnosis") or {},
            index_cost=card.get("index_cost") or {},
            rollback=RollbackFacts.from_json(card.get("rollback")),
            query_latency=card.get("query_latency") or {},
            cost=card.get("cost") or {},
            answers=card.get("answers"),
            training=training,
            extras={k: v for k, v in card.items() if k not in _SECTIONS or (k == "training_curves" and not training)},
        )
