"""The composition root: the one place that turns config sections into working objects.

- ``[store]`` → a ``VectorStore`` (``open_store``); ``[chunking]`` → a chunker (``build_chunker``);
  ``[engine]`` → where corpus embedding runs (``embedding_engine``);
- ``[[embedders]]`` → a cached embedder (``load_embedder``, ``cached_embedder``; the adapters behind them
  come from ``ragshift.harness.embedders``, which engine workers import directly);
- ``[[systems]]`` → a ``System`` (dense, bm25, hybrid, rerank: ``SystemBuilder``), a ``cross_encoder`` →
  a scorer (``build_cross_scorer``);
- ``[answers]`` → the answer stage (generator, offline scorer, judge: ``build_answer_stage``);
- ``[finetune]`` → the base model, teacher and pseudo-query generator a fine-tune uses (``base_embedder``,
  ``build_teacher``, ``build_generator``) and the trained model as an embedder (``trained_embedder``).

Everything else (run, workflow, the CLI, finetune, shipping, bridge, the plug-in retriever) asks here."""

from __future__ import annotations

import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from rich.console import Console

from ragshift.harness import stages
from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
from ragshift.harness.config import FAKE_CROSS_ENCODER, ChunkingSection, EmbedderConfig, RunConfig, StoreSection, SystemConfig
from ragshift.harness.corpus import Corpus
from ragshift.harness.embedders import build_adapter, build_recorded, uncached_embedder  # noqa: F401  (the composition root's face)
from ragshift.harness.indexing import build_index
from ragshift.harness.errors import ConfigError
from ragshift.harness.protocols import Chunker, CrossScorer, Embedder, EmbeddingEngine, Generator, RetrievalSystem, Retriever, VectorStore
from ragshift.harness.retrieval import IndexRetriever
from ragshift.harness.score_cache import CachedScorer, cached_scorer

if TYPE_CHECKING:
    from ragshift.harness.answers.config import AnswersConfig, GeneratorConfig
    from ragshift.harness.answers.stage import AnswerStage
    from ragshift.harness.finetune.config import FinetuneConfig
    from ragshift.harness.finetune.options import Teacher


@dataclass
class System:
    """Everything needed to answer queries of one corpus with one system, plus how it was built.

    ``embedder`` is set for dense systems only; ``retriever`` of a configured system is a
    ``RetrievalSystem`` (it has a fingerprint and describes itself)."""

    name: str
    embedder: CachedEmbedder | None
    chunker: Chunker | None
    retriever: Retriever
    index_info: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    reopen: Callable[[Embedder], Retriever] | None = None
    """A retriever over the same index that encodes queries with another instance of this embedder."""
    collections: Callable[[], set[str]] | None = None
    """Names of the collections in the store now (the baseline's must be kept to roll back to it)."""

    kind: str = "dense"

    def describe(self) -> dict[str, Any]:
        """Run-card ``systems[<name>]``: a dense system's fingerprint is its embedder's (what promotion
        and the version guard key on); any other's is its retriever's."""
        described = dict(getattr(self.retriever, "describe", dict)())
        described.pop("fingerprint", None)
        retriever_fp = self.retriever.fingerprint() if hasattr(self.retriever, "fingerprint") else None
        if self.embedder is not None:
            return {
                **described,
                "kind": self.kind,
                "fingerprint": self.embedder.fingerprint(),
                "embedder": dict(self.embedder.describe()),
                "chunker": self.chunker.fingerprint() if self.chunker is not None else None,
                **({"retriever_fingerprint": retriever_fp} if retriever_fp else {}),
            }
        return {**described, "kind": self.kind, "fingerprint": retriever_fp}


def build_chunker(config: RunConfig, chunking: ChunkingSection | None = None) -> Chunker:
    """The chunker of ``chunking`` (a system's own), else of the run's ``[chunking]``."""
    chunking = chunking or config.chunking
    if chunking.strategy == "none":
        from ragshift.harness.chunking import WholeDocumentChunker

        return WholeDocumentChunker()
    from ragshift.adapters.chunkers.llamaindex import SentenceSplitterChunker

    return SentenceSplitterChunker(size=chunking.size, overlap=chunking.overlap)


EMBEDDINGS = "embeddings.sqlite"
"""The embedding cache's file in ``[cache] path``."""


def embedding_cache(config: RunConfig) -> EmbeddingCache:
    return EmbeddingCache(Path(config.cache.path) / EMBEDDINGS)


def cached_embedder(config: RunConfig, spec: EmbedderConfig) -> CachedEmbedder:
    """The configured adapter behind the on-disk embedding cache (the model itself loads lazily)."""
    cache = embedding_cache(config)
    return CachedEmbedder(build_adapter(config, spec, cache), cache)


def load_embedder(config: RunConfig, spec: EmbedderConfig, *, console: Console) -> CachedEmbedder:
    """``cached_embedder``, saying on ``console`` which embedder it is."""
    embedder = cached_embedder(config, spec)
    what = spec.model if spec.kind in ("sentence-transformers", "openai", "bridged") else ""
    console.print(f"embedder [bold]{spec.name}[/]: {spec.kind} {what} [dim](fingerprint {embedder.fingerprint()})[/]")
    return embedder


def open_store(section: StoreSection) -> VectorStore:
    """The store a ``[store]`` section names: Chroma in a folder or on a server (a token is read from
    ``$token_env`` now). Every config-driven open goes through here."""
    from ragshift.adapters.stores.chroma import ChromaStore

    return ChromaStore.from_section(section)


def embedding_engine(config: RunConfig, spec: EmbedderConfig, embedder: CachedEmbedder, *, console: Console) -> EmbeddingEngine:
    """Where the corpus embedding of ``spec`` runs, as ``[engine]`` says (this process, a process pool, Ray)."""
    from ragshift.adapters.engines.factory import build_engine

    return build_engine(config, spec, embedder, console=console)


def build_system(
    config: RunConfig, spec: EmbedderConfig, embedder: CachedEmbedder, corpus: Corpus, *, console: Console,
    wait: float = 0.0, chunking: ChunkingSection | None = None, name: str | None = None,
) -> System:
    """Embed the corpus (or reuse the cached vectors and the collection) and open the retriever.

    A collection that is missing or incomplete is written under the store's write lock (the one
    ``reindex`` holds), waiting up to ``wait`` seconds; a complete one is read without it. The model
    work runs on the configured ``[engine]`` (this process, a process pool, or Ray)."""
    chunker = build_chunker(config, chunking)
    name = name or spec.name
    store = open_store(config.store)
    t0 = time.perf_counter()
    hits_before, misses_before = embedder.hits, embedder.misses
    stages.enter(f"indexing {corpus.name} with {name}", stages.INDEXING)
    engine = embedding_engine(config, spec, embedder, console=console)
    index, stats = build_index(
        corpus, chunker=chunker, embedder=embedder, store=store, console=console,
        lock=lambda collection: store.write_lock(collection, wait=wait, what=f"eval {spec.name}: {collection}"),
        batch_size=config.engine.batch_size, engine=engine,
    )
    timings = {"index": time.perf_counter() - t0}
    from ragshift.adapters.retrievers.dense import DenseRetriever

    retriever = DenseRetriever(
        IndexRetriever(index, embedder, fanout=config.store.fanout), embedder,
        documents=corpus.documents_fingerprint, chunker=chunker.fingerprint(),
    )
    info = {**stats, "cache_hits": embedder.hits - hits_before, "cache_misses": embedder.misses - misses_before}
    return System(
        name, embedder, chunker, retriever, info, timings,
        reopen=lambda other: IndexRetriever(index, other, fanout=config.store.fanout),
        collections=lambda: set(store.collections()),
    )


class SystemBuilder:
    """Builds a run's configured systems, each once per corpus; a hybrid or rerank system reuses the
    built parts it names, and every dense system of one embedder shares one cached embedder.

    ``cross_scorers`` maps a ``cross_encoder`` value to a ready scorer (tests inject fakes this way); every
    scorer, built or given, answers from the score cache in ``[cache] path`` (``scores.sqlite``)."""

    def __init__(
        self, config: RunConfig, *, console: Console, wait: float = 0.0,
        cross_scorers: dict[str, CrossScorer] | None = None,
    ) -> None:
        self.config = config
        self.console = console
        self.wait = wait
        self.embedders: dict[str, CachedEmbedder] = {}
        self.scorers: dict[str, CrossScorer] = dict(cross_scorers or {})
        self.built: dict[tuple[str, str], System] = {}

    def embedder(self, name: str) -> CachedEmbedder:
        if name not in self.embedders:
            self.embedders[name] = load_embedder(self.config, self.config.embedder(name), console=self.console)
        return self.embedders[name]

    def build(self, name: str, corpus: Corpus) -> System:
        """The system called ``name`` over ``corpus`` (built on first use)."""
        key = (name, corpus.fingerprint)
        if key not in self.built:
            self.built[key] = build_retrieval_system(self.config, self.config.system(name), corpus, builder=self)
        return self.built[key]

    @contextmanager
    def live_scores(self) -> Iterator[None]:
        """Within: every cross-encoder scores for real, bypassing the score cache (to time a rerank system)."""
        with ExitStack() as stack:
            for scorer in self.scorers.values():
                if isinstance(scorer, CachedScorer):
                    stack.enter_context(scorer.live())
            yield

    def scorer(self, value: str) -> CrossScorer:
        if value not in self.scorers:
            self.scorers[value] = build_cross_scorer(value)
        self.scorers[value] = cached_scorer(self.scorers[value], self.config.cache.path)
        return self.scorers[value]


def build_retrieval_system(config: RunConfig, spec: SystemConfig, corpus: Corpus, *, builder: SystemBuilder) -> System:
    """One configured system over ``corpus`` from the adapters (dense, bm25, hybrid, rerank)."""
    if spec.kind == "dense":
        assert spec.embedder is not None
        return build_system(
            config, config.embedder(spec.embedder), builder.embedder(spec.embedder), corpus,
            console=builder.console, wait=builder.wait, chunking=spec.chunking, name=spec.name,
        )
    if spec.kind == "bm25":
        return _bm25_system(config, spec, corpus, builder.console)
    parts = [builder.build(part, corpus) for part in spec.parts]
    t0 = time.perf_counter()
    retriever: RetrievalSystem
    if spec.kind == "hybrid":
        from ragshift.adapters.retrievers.hybrid import HybridRetriever
        from ragshift.harness.fusion import Fusion

        fusion = Fusion(method=spec.fusion, weights=spec.weights, rrf_k=spec.rrf_k, normalization=spec.normalize)
        depth = max(spec.depth, config.metrics.depth)
        retriever = HybridRetriever([_system(p) for p in parts], fusion=fusion, depth=depth)
    elif spec.kind == "rerank":
        from ragshift.adapters.retrievers.rerank import RerankRetriever

        retriever = RerankRetriever(_system(parts[0]), builder.scorer(spec.cross_encoder), top_n=spec.top_n)
    else:  # pragma: no cover - the config's Literal rules it out
        raise ConfigError(f"system {spec.name!r}: unknown kind {spec.kind!r}")
    timings = {"index": time.perf_counter() - t0}
    info = {"parts": list(spec.parts), "reindex": False, "seconds": timings["index"]}
    builder.console.print(f"system [bold]{spec.name}[/]: {spec.kind} of {', '.join(spec.parts)}")
    return System(spec.name, None, None, retriever, info, timings, kind=spec.kind)


def _system(system: System) -> RetrievalSystem:
    if not isinstance(system.retriever, RetrievalSystem):
        raise ConfigError(f"system {system.name!r} cannot be a part: its retriever has no fingerprint")
    return system.retriever


def _bm25_system(config: RunConfig, spec: SystemConfig, corpus: Corpus, console: Console) -> System:
    """bm25s over the chunks of ``corpus`` (built in memory each run: no re-embedding, seconds)."""
    from ragshift.adapters.retrievers.bm25 import BM25Retriever, BM25Settings

    chunker = build_chunker(config, spec.chunking)
    stages.enter(f"indexing {corpus.name} with {spec.name} (BM25)", stages.INDEXING)
    t0 = time.perf_counter()
    chunks = chunker.chunk(list(corpus.documents.values()))
    retriever = BM25Retriever(chunks, BM25Settings(k1=spec.k1, b=spec.b, method=spec.method))
    seconds = time.perf_counter() - t0
    console.print(f"system [bold]{spec.name}[/]: bm25 over {len(chunks)} chunks in {seconds:.2f} s")
    info = {"chunks": len(chunks), "seconds": seconds, "reindex": False, "bm25_build_s": seconds}
    return System(spec.name, None, chunker, retriever, info, {"index": seconds}, kind="bm25")


def build_cross_scorer(value: str) -> CrossScorer:
    """A ``cross_encoder`` setting as a scorer: the test fake, the packaged ONNX model, an ONNX folder,
    or a sentence-transformers CrossEncoder folder."""
    if value == FAKE_CROSS_ENCODER:
        from ragshift.harness.testing.cross_scorers import TokenOverlapScorer

        return TokenOverlapScorer()
    folder = Path(value).expanduser()
    if folder.is_dir() and not any(folder.glob("*.onnx")):
        from ragshift.adapters.rerankers.st_cross_encoder import SentenceTransformerCrossEncoder

        return SentenceTransformerCrossEncoder(folder)
    from ragshift.adapters.rerankers.onnx_cross_encoder import OnnxCrossEncoder

    return OnnxCrossEncoder(value)


ANSWERS = "answers.sqlite"
"""The answer and verdict cache's file in ``[cache] path``."""


def build_generator(spec: GeneratorConfig, cache_dir: str | Path) -> Generator:
    """The generator a ``[answers.generator]`` or ``[finetune.sources.generated.generator]`` table names
    (SmolLM2 keeps its fp32 copy in ``<cache_dir>/models``)."""
    from ragshift.adapters.generators.factory import build_generator as build

    local = {"cache_dir": Path(cache_dir) / "models"} if spec.kind == "smollm2" else {}
    return build(spec.kind, **local, **spec.adapter_options())


def build_answer_stage(config: AnswersConfig, *, cache_dir: str | Path) -> AnswerStage:
    """The configured generator and scorers; answers and verdicts are cached in ``cache_dir``."""
    from ragshift.adapters.judges.ragas_offline import RagasOfflineScorer
    from ragshift.harness.answers.cache import AnswerCache, CachedGenerator, CachedJudge
    from ragshift.harness.answers.stage import AnswerStage

    cache = AnswerCache(Path(cache_dir) / ANSWERS)
    judge = None
    if config.judge is not None:
        from ragshift.adapters.judges.ragas_llm import RagasLLMJudge

        judge = CachedJudge(RagasLLMJudge(**config.judge.adapter_options()), cache, repeats=config.repeats)
    generator = CachedGenerator(build_generator(config.generator, cache_dir), cache)
    return AnswerStage(config, generator, RagasOfflineScorer(), judge)


def base_embedder(settings: FinetuneConfig) -> Embedder:
    """The base model of a fine-tune as an Embedder, with the settings a query adapter will be loaded with."""
    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(settings.base_model, max_length=settings.max_seq_length)


def cached_base_embedder(config: RunConfig) -> CachedEmbedder:
    """``base_embedder`` of the run's ``[finetune]`` behind the embedding cache (mining reuses vectors)."""
    return CachedEmbedder(base_embedder(config.require_finetune()), embedding_cache(config))


def build_teacher(spec: Teacher) -> CrossScorer:
    """The cross-encoder a ``[finetune.teacher]`` table names."""
    from ragshift.adapters.training.teacher import build_teacher as build

    return build(spec)


def trained_embedder(settings: FinetuneConfig, output: Path | None = None) -> EmbedderConfig:
    """The model ``[finetune]`` trains (into ``output``, default its own) as an ``[[embedders]]`` entry,
    named after its folder: how ``ragshift run`` and ``ragshift shadow`` evaluate it."""
    folder = Path(output or settings.output)
    kind = "sentence-transformers" if settings.method == "full" else "query-adapter"
    return EmbedderConfig(name=folder.name, kind=kind, model=str(folder))
