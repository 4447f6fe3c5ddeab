"""Optional ``[finetune.*]`` tables: label-free training sources, the cross-encoder teacher, the forgetting budget.

A table that is absent is off. Each source table switches one source on::

    [finetune.sources]
    max_chunks = 2000                      # seeded sample of chunks every source draws from (0: all)
    [finetune.sources.title]               # document title -> its body
    [finetune.sources.inverse_cloze]       # a sentence -> its passage without it
    [finetune.sources.crop]                # a random span -> another random span of the same chunk
    [finetune.sources.generated]           # doc2query: an LLM writes a query for the chunk
    max_chunks = 200
    time_budget_s = 600
    generator = { kind = "smollm2", max_new_tokens = 32 }
    [finetune.sources.filter]              # keep a pseudo-query only if it finds its own chunk
    top_k = 20
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ragshift.harness.answers.config import GeneratorConfig
from ragshift.harness.sections import Section

DEFAULT_SYSTEM = "You write search queries."
DEFAULT_USER = "{passage}\n\nWrite one question a user could ask that this text answers. Reply with the question only."
"""Passage first, instruction last: SmolLM2-135M copied the passage when the instruction came first."""


def model_path(value: str | None, info: ValidationInfo) -> str | None:
    """A model given as ./ ../ or ~ path resolves against the config file's folder; a name stays."""
    base = (info.context or {}).get("base_dir")
    if value is None or not value.startswith(("./", "../", "~")):
        return value
    path = Path(value).expanduser()
    return str(path if base is None or path.is_absolute() else (Path(base) / path).resolve())


class _Source(Section):
    max_chunks: int = Field(0, ge=0)
    """Chunks this source draws from (a seeded sample of the usable ones); 0: every usable chunk."""


class _PerChunk(_Source):
    per_chunk: int = Field(1, ge=1)
    """Pseudo-queries per chunk."""


class TitleSource(_Source):
    """A document's title as the query for its body (documents without a title are skipped)."""


class InverseClozeSource(_PerChunk):
    """Inverse cloze task: one sentence is the query, the passage without that sentence its positive."""

    min_sentences: int = Field(3, ge=2)
    """Chunks with fewer sentences are skipped (a one-sentence remainder is too easy)."""


class CropSource(_PerChunk):
    """Independent random crops (Contriever): two spans of the same chunk form a (query, positive) pair."""

    query_words: tuple[int, int] = (8, 24)
    """Length range (words) of the query span."""
    positive_ratio: tuple[float, float] = (0.4, 0.8)
    """Length range of the positive span as a share of the chunk's words."""
    min_words: int = Field(30, ge=4)
    """Chunks shorter than this are skipped."""

    @model_validator(mode="after")
    def _ranges(self) -> CropSource:
        low, high = self.query_words
        if not 1 <= low <= high:
            raise ValueError(f"query_words must be [low, high] with 1 <= low <= high, got {list(self.query_words)}")
        a, b = self.positive_ratio
        if not 0 < a <= b <= 1:
            raise ValueError(f"positive_ratio must be [low, high] with 0 < low <= high <= 1, got {list(self.positive_ratio)}")
        return self


class GeneratedSource(_PerChunk):
    """doc2query: a Generator (the packaged SmolLM2, an OpenAI-compatible endpoint, ...) writes queries.

    Answers are cached by (chunk hash, generator fingerprint, prompt), so a re-run generates nothing;
    ``time_budget_s`` stops generating new ones (the chunks left out are counted, not silently lost).
    """

    generator: GeneratorConfig = GeneratorConfig(max_new_tokens=32)
    system: str = DEFAULT_SYSTEM
    user: str = DEFAULT_USER
    """Chat prompt; ``{passage}`` is the chunk, ``{n}`` (optional) the number of queries asked for
    (``per_chunk``; the answer's first ``per_chunk`` usable lines are kept)."""
    time_budget_s: float | None = Field(None, gt=0)
    """Stop generating after this many seconds (cached answers are free); None: no limit."""
    max_passage_chars: int = Field(600, ge=50)
    """Longer chunks are cut before they go into the prompt."""

    @model_validator(mode="after")
    def _template(self) -> GeneratedSource:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(self.user) if f is not None}
        except ValueError as exc:
            raise ValueError(f"user prompt is not a valid format string ({exc})") from None
        if "passage" not in names or names - {"passage", "n"}:
            raise ValueError("user prompt must contain {passage} and no placeholder other than {passage} and {n}")
        return self


class ConsistencyFilter(Section):
    """Keep a pseudo-query only when its own chunk ranks in the base model's ``top_k`` and/or the
    teacher scores the pair at least ``teacher_min`` (after the teacher's activation)."""

    top_k: int | None = Field(10, ge=1)
    teacher_min: float | None = None
    require: Literal["all", "any"] = "all"
    """With both tests set: keep when both pass (``all``) or when either passes (``any``)."""

    @model_validator(mode="after")
    def _some_test(self) -> ConsistencyFilter:
        if self.top_k is None and self.teacher_min is None:
            raise ValueError("set top_k and/or teacher_min (or remove [finetune.sources.filter])")
        return self


class Sources(Section):
    """Label-free in-domain training pairs for the corpus's chunks (never the eval/dev positives)."""

    chunk_words: int = Field(0, ge=0)
    """0: one chunk per document; N: documents are cut into consecutive windows of N words."""
    max_chunks: int = Field(0, ge=0)
    """A seeded sample of chunks all sources draw from; 0: every chunk."""
    hold_out_positives: bool = True
    """True: no pseudo-query for a document judged relevant to an eval or dev query. False: every chunk
    is eligible — the transductive GPL setting (the whole corpus is known before deployment, no label
    is read); pseudo-queries near-identical to an eval or dev query are still dropped."""
    title: TitleSource | None = None
    inverse_cloze: InverseClozeSource | None = None
    crop: CropSource | None = None
    generated: GeneratedSource | None = None
    filter: ConsistencyFilter | None = None

    @property
    def enabled(self) -> list[str]:
        return [name for name in ("title", "inverse_cloze", "crop", "generated") if getattr(self, name) is not None]

    @model_validator(mode="after")
    def _some_source(self) -> Sources:
        if not self.enabled:
            raise ValueError(
                "[finetune.sources] needs at least one source table: title, inverse_cloze, crop or generated"
            )
        return self


class Teacher(Section):
    """A cross-encoder that scores (query, passage) pairs: drops false negatives in mining, filters
    pseudo-queries, labels margins for ``loss = "margin-mse"``. ``model``: a folder with ``model.onnx``
    (run with onnxruntime), a sentence-transformers CrossEncoder folder, or the packaged name."""

    model: str = "ms-marco-MiniLM-L-12-v2"
    batch_size: int = Field(32, ge=1)
    max_length: int = Field(256, ge=16)
    activation: Literal["sigmoid", "none"] = "sigmoid"
    """Applied to raw scores before margins and thresholds: ``sigmoid`` maps logits into (0, 1), so
    margins fit a cosine student's range; ``none`` uses raw scores (a dot-product student)."""
    false_negatives: bool = True
    """With hard negatives on: drop a mined negative the teacher scores as high as the weakest positive."""

    _model_path = field_validator("model")(model_path)


class Forgetting(Section):
    """WiSE-FT: mix the tuned weights with the base, θ = (1 − α)·base + α·tuned (the query adapter
    moves toward the identity map), and keep the α with the best dev nDCG@10 among those whose every
    ``[[datasets]]`` set drops by at most ``max_drop`` (default: ``[policy] max_drop``)."""

    alphas: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    max_drop: float | None = Field(None, ge=0)
    max_queries: int = Field(300, ge=1)
    """Queries per ``[[datasets]]`` set (a seeded sample) the α curve is measured on."""
    pool_size: int = Field(1000, ge=1)
    """Documents per ``[[datasets]]`` set ranked for the α curve: all judged ones plus a seeded sample."""

    @model_validator(mode="after")
    def _grid(self) -> Forgetting:
        if not self.alphas or any(not 0 <= a <= 1 for a in self.alphas):
            raise ValueError(f"alphas must be values in [0, 1], got {list(self.alphas)}")
        if len(set(self.alphas)) != len(self.alphas):
            raise ValueError(f"alphas has duplicates: {list(self.alphas)}")
        if 0.0 not in self.alphas:
            raise ValueError("alphas must include 0.0 (the base model: always within the budget)")
        return self
