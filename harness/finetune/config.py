"""The ``[finetune]`` config section: what to train, on which split, and how hard to guard it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ragshift.harness.finetune.options import Forgetting, Sources, Teacher, model_path
from ragshift.harness.sections import ConfigPath, Section, section

Loss = Literal["mnrl", "cached-mnrl", "gist", "cached-gist", "margin-mse", "triplet", "cosent", "cosine"]
"""``mnrl``: (query, positive[, negatives]) with in-batch negatives; ``cached-mnrl``: the same with
GradCache (large batches in ``mini_batch_size`` pieces); ``gist`` / ``cached-gist``: in-batch
negatives a guide model judges as likely positives are masked out; ``margin-mse``: (query, positive,
negatives) with the teacher's score margins as labels (GPL); ``triplet``: (anchor, positive,
negative); ``cosent`` / ``cosine``: (query, document, score in [0, 1]) from graded qrels."""

IN_BATCH = ("mnrl", "cached-mnrl", "gist", "cached-gist")
"""Losses whose batches use the other rows as negatives (the conflict-free sampler guards them)."""

Method = Literal["full", "query-adapter"]
"""``full``: fine-tune every weight; ``query-adapter``: a linear map on query vectors, base frozen."""

Leakage = Literal["refuse", "drop", "allow"]
"""What to do when train overlaps eval: stop, remove the overlapping train queries, or go on (red in the report)."""


class HardNegatives(Section):
    """Negatives mined with the base model from the corpus, never a document judged relevant."""

    enabled: bool = False
    window: tuple[int, int] = (3, 50)
    """Ranks (1-based, inclusive) of the base model's ranking a negative may come from."""
    margin: float = Field(0.05, ge=0.0)
    """A negative must score at least this much (cosine) below the positive it is paired with."""
    per_query: int = Field(1, ge=1)
    """Negatives per (query, positive) pair."""
    cross_encoder: str | None = None
    """Optional cross-encoder (name or path): drops a negative it scores as high as a known positive."""

    _cross_encoder_path = field_validator("cross_encoder")(model_path)

    @model_validator(mode="after")
    def _window(self) -> HardNegatives:
        low, high = self.window
        if not 1 <= low <= high:
            raise ValueError(f"window must be [low, high] with 1 <= low <= high, got {list(self.window)}")
        return self


class QueryAdapter(Section):
    """Hyperparameters of the query-side linear adapter (``method = "query-adapter"``)."""

    epochs: int = Field(30, ge=1)
    lr: float = Field(1e-3, gt=0)
    to_identity: float = Field(1e-2, ge=0)
    """L2 pull of the map towards the identity: 0 lets it drift freely."""
    scale: float = Field(20.0, gt=0)
    """Softmax temperature inverse over cosine scores."""
    max_documents: int = Field(20000, ge=1)
    """Candidate documents of the softmax: the whole corpus up to this size, else positives + a sample."""


class FinetuneConfig(Section):
    """Everything ``ragshift finetune`` needs besides the corpus."""

    base_model: str = "all-MiniLM-L6-v2"
    method: Method = "full"
    loss: Loss = "mnrl"
    epochs: int = Field(3, ge=1)
    batch_size: int = Field(32, ge=2)
    lr: float = Field(2e-5, gt=0)
    warmup: float = Field(0.1, ge=0, lt=1)
    """Fraction of the steps spent warming the learning rate up."""
    seed: int = 42
    max_steps: int | None = Field(None, ge=1)
    """Stop after this many optimizer steps (overrides epochs); for smoke runs."""
    max_seq_length: int | None = Field(None, ge=8)
    triplet_margin: float = Field(0.3, gt=0)
    """Margin of the triplet loss over cosine distance."""
    hard_negatives: HardNegatives = HardNegatives()
    title_pairs: int = Field(0, ge=0)
    """Add up to this many (document title → document body) pairs from the corpus to the training
    pairs: in-domain pseudo-queries that need no labels (0: off; full fine-tuning only). Shorthand
    for ``[finetune.sources.title] max_chunks = N``."""
    mini_batch_size: int = Field(32, ge=1)
    """Pieces a batch is embedded in by the cached losses (``cached-mnrl``, ``cached-gist``)."""
    guide_model: str | None = None
    """Guide of the GIST losses (name or path of an embedder); None: a frozen copy of the base model."""
    matryoshka_dims: tuple[int, ...] = ()
    """Wrap the loss in MatryoshkaLoss over these dimensions (largest first, e.g. [384, 256, 128]); empty: off."""
    sources: Sources | None = None
    teacher: Teacher | None = None
    forgetting: Forgetting | None = None
    query_adapter: QueryAdapter = QueryAdapter()
    train_split: str = "train"
    eval_split: str | None = "test"
    """The split the model will be judged on: the leakage guard checks train against it."""
    dev_fraction: float = Field(0.1, ge=0, lt=1)
    """Share of train queries held out as dev (never the eval split), chosen by seed."""
    dev_pool_size: int = Field(1000, ge=1)
    """Documents the per-epoch train/dev evaluation ranks: all judged ones plus a seeded sample."""
    near_duplicate: float = Field(0.8, gt=0, le=1)
    """Character-trigram Jaccard from which two queries count as near-identical."""
    duplicate_documents: float = Field(0.9, gt=0, le=1)
    """Character-trigram Jaccard from which two documents count as near-duplicates."""
    leakage: Leakage = "refuse"
    gap_tolerance: float = Field(0.05, ge=0)
    """Flag overfitting when the train-dev gap grows this much beyond its smallest value."""
    output: ConfigPath = Field(Path("models/finetuned"), validate_default=True)
    resume: bool = True
    """Continue from the last checkpoint of an interrupted run with the same recipe."""
    keep_checkpoints: bool = False

    _base_model_path = field_validator("base_model", "guide_model")(model_path)

    @model_validator(mode="after")
    def _titles_need_full(self) -> FinetuneConfig:
        if self.title_pairs and self.method != "full":
            raise ValueError("title_pairs works with method = \"full\" only (the query adapter trains on judged queries)")
        return self

    @model_validator(mode="after")
    def _loss_options(self) -> FinetuneConfig:
        if self.loss == "margin-mse" and self.teacher is None:
            raise ValueError('loss = "margin-mse" needs a [finetune.teacher] table (its score margins are the labels)')
        if self.loss in ("gist", "cached-gist") and self.hard_negatives.enabled and self.hard_negatives.per_query > 1:
            raise ValueError(f'loss = "{self.loss}" takes one negative per row: set hard_negatives.per_query = 1')
        if self.guide_model is not None and self.loss not in ("gist", "cached-gist"):
            raise ValueError(f'guide_model is used by loss = "gist" or "cached-gist" only, not "{self.loss}"')
        dims = self.matryoshka_dims
        if dims and (any(d < 1 for d in dims) or list(dims) != sorted(set(dims), reverse=True)):
            raise ValueError(f"matryoshka_dims must be distinct positive sizes, largest first, got {list(dims)}")
        if self.method == "query-adapter":
            used = [k for k in ("matryoshka_dims", "guide_model") if getattr(self, k)]
            if self.loss != "mnrl" or used:
                raise ValueError(
                    'method = "query-adapter" trains its own softmax loss: remove '
                    + ", ".join([*(["loss"] if self.loss != "mnrl" else []), *used])
                )
        filt = self.sources.filter if self.sources else None
        if filt is not None and filt.teacher_min is not None and self.teacher is None:
            raise ValueError("[finetune.sources.filter] teacher_min needs a [finetune.teacher] table")
        return self

    def effective_sources(self) -> Sources | None:
        """``sources`` with ``title_pairs = N`` folded in as a title source of N chunks."""
        if not self.title_pairs:
            return self.sources
        from ragshift.harness.finetune.options import TitleSource

        title = TitleSource(max_chunks=self.title_pairs)
        if self.sources is None:
            return Sources(title=title)
        return self.sources if self.sources.title else self.sources.model_copy(update={"title": title})

    def recipe(self) -> dict[str, Any]:
        """The settings the trained weights depend on (not where they go, nor resume policy)."""
        recipe = self.model_dump(mode="json", exclude={"output", "resume", "keep_checkpoints", "leakage"})
        # options that are off leave models trained before they existed valid
        for key in ("title_pairs", "sources", "teacher", "forgetting", "guide_model", "matryoshka_dims"):
            if not recipe[key]:
                del recipe[key]
        if self.loss not in ("cached-mnrl", "cached-gist"):
            del recipe["mini_batch_size"]
        return recipe
