"""The ``[finetune]`` config section: what to train, on which split, and how hard to guard it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from harness.sections import ConfigPath, Section, section

Loss = Literal["mnrl", "triplet", "cosent", "cosine"]
"""``mnrl``: (query, positive[, negatives]) with in-batch negatives; ``triplet``: (anchor, positive,
negative); ``cosent`` / ``cosine``: (query, document, score in [0, 1]) from graded qrels."""

Method = Literal["full", "query-adapter"]
"""``full``: fine-tune every weight; ``query-adapter``: a linear map on query vectors, base frozen."""

Leakage = Literal["refuse", "drop", "allow"]
"""What to do when train overlaps eval: stop, remove the overlapping train queries, or go on (red in the report)."""


def _model_path(value: str | None, info: ValidationInfo) -> str | None:
    """A model given as ./ ../ or ~ path resolves against the config file's folder; a name stays."""
    base = (info.context or {}).get("base_dir")
    if value is None or not value.startswith(("./", "../", "~")):
        return value
    path = Path(value).expanduser()
    return str(path if base is None or path.is_absolute() else (Path(base) / path).resolve())


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

    _cross_encoder_path = field_validator("cross_encoder")(_model_path)

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
    pairs: in-domain pseudo-queries that need no labels (0: off; full fine-tuning only)."""
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

    _base_model_path = field_validator("base_model")(_model_path)

    @model_validator(mode="after")
    def _titles_need_full(self) -> FinetuneConfig:
        if self.title_pairs and self.method != "full":
            raise ValueError("title_pairs works with method = \"full\" only (the query adapter trains on judged queries)")
        return self

    def recipe(self) -> dict[str, Any]:
        """The settings the trained weights depend on (not where they go, nor resume policy)."""
        recipe = self.model_dump(mode="json", exclude={"output", "resume", "keep_checkpoints", "leakage"})
        if not self.title_pairs:
            del recipe["title_pairs"]  # an option that is off leaves models trained before it existed valid
        return recipe
