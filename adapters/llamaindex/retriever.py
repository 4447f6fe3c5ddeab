"""``RagshiftRetriever``: use a ragshift-evaluated embedder and its Chroma collection inside a LlamaIndex app.

It stands in for ``index.as_retriever()``: ``RetrieverQueryEngine``, node postprocessors and the async
API work as with any ``BaseRetriever``. It queries through ``VectorIndex.query``, the call ``ragshift
eval`` scores, so its nodes carry the evaluated cosine similarities. Every open checks the model's
fingerprint against the one recorded in the collection, so a fine-tune never queries vectors of
another model version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.callbacks import CallbackManager
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode

from ragshift.adapters.stores.chroma import ChromaStore
from ragshift.harness.config import RunConfig, load_config
from ragshift.harness.errors import ConfigError, FingerprintMismatch
from ragshift.harness.protocols import EMBEDDER_TAG, Embedder, Retriever, StoredIndex, VectorStore, document_fingerprint
from ragshift.harness.types import Hit, Query

CORPUS_KEY = "ragshift:corpus"
_HIDDEN_FROM_LLM = ["position"]


class RagshiftRetriever(BaseRetriever):
    """Top ``similarity_top_k`` chunks for a query, scored by cosine similarity (higher is better).

    Nodes carry the chunk text, the chunk id as node id, the stored metadata (``doc_id``,
    ``position``) and the document as their SOURCE relationship (so ``node.ref_doc_id`` is the doc id).
    """

    def __init__(
        self,
        index: StoredIndex,
        embedder: Embedder,
        *,
        similarity_top_k: int = 4,
        callback_manager: CallbackManager | None = None,
        verbose: bool = False,
    ) -> None:
        if similarity_top_k < 1:
            raise ConfigError(f"similarity_top_k must be >= 1, got {similarity_top_k}")
        recorded, mine = index.embedder_fingerprint, document_fingerprint(embedder)
        if recorded != mine:
            raise FingerprintMismatch(
                f"refusing to query collection {index.name!r}: it holds vectors of embedder {recorded}, but this "
                f"retriever's model ({_model_of(embedder)}) has fingerprint {mine}; another model version, even of the "
                "same dimension, needs its own collection (build it with `ragshift eval`)"
            )
        super().__init__(callback_manager=callback_manager, verbose=verbose)
        self.index = index
        self.embedder = embedder
        self.similarity_top_k = similarity_top_k

    @classmethod
    def from_embedder(
        cls,
        embedder: Embedder,
        *,
        store: VectorStore | str | Path,
        collection: str | None = None,
        corpus: str | None = None,
        similarity_top_k: int = 4,
    ) -> RagshiftRetriever:
        """Open ``collection`` in ``store`` (a VectorStore, or the folder of an embedded Chroma).

        Without ``collection``, the one collection built with this embedder is used (``corpus``, a
        corpus documents fingerprint or its prefix, picks among several).
        """
        store = _store(store)
        name = collection or find_collection(store, embedder, corpus=corpus)
        return cls(store.open(name), embedder, similarity_top_k=similarity_top_k)

    @classmethod
    def from_model(
        cls,
        model: str | Path,
        *,
        store: VectorStore | str | Path,
        collection: str | None = None,
        corpus: str | None = None,
        similarity_top_k: int = 4,
        **embedder_options: Any,
    ) -> RagshiftRetriever:
        """A model folder ``ragshift finetune`` wrote (a full fine-tune, or a query adapter: served over the
        base model's collection, its documents being the base's), or a sentence-transformers packaged/hub
        name, and its collection.

        ``embedder_options`` (``query_prompt``, ``normalize``, ``max_length``, ...) must match the
        evaluated embedder: they are part of its fingerprint.
        """
        from ragshift.adapters.embedders.factory import build_embedder
        from ragshift.adapters.training.query_adapter import is_query_adapter

        kind = "query-adapter" if is_query_adapter(model) else "sentence-transformers"
        embedder = build_embedder(kind, model=str(model), **embedder_options)
        return cls.from_embedder(
            embedder, store=store, collection=collection, corpus=corpus, similarity_top_k=similarity_top_k
        )

    @classmethod
    def from_config(
        cls, config: RunConfig | str | Path, embedder: str | None = None, *, similarity_top_k: int = 4
    ) -> BaseRetriever:
        """The retriever of one system ``ragshift eval`` evaluated (default: the baseline), by name: a
        dense system's collection (with that system's chunking) as a ``RagshiftRetriever``; any other
        kind (bm25, hybrid, rerank) as a ``SystemRetriever`` built from the same config."""
        from ragshift.harness.corpus import load_corpus
        from ragshift.harness.naming import collection_name
        from ragshift.harness.systems import build_adapter, build_chunker, open_store

        config = config if isinstance(config, RunConfig) else load_config(config)
        system = config.system(embedder or config.baseline)
        if system.kind != "dense":
            return SystemRetriever.from_config(config, system.name, similarity_top_k=similarity_top_k)
        assert system.embedder is not None
        spec = config.embedder(system.embedder)
        model = build_adapter(config, spec)
        section = config.corpus
        documents = load_corpus(section.path, format=section.format, query_type_field=section.query_type_field)
        chunker = build_chunker(config, system.chunking)
        name = collection_name(documents.documents_fingerprint, chunker.fingerprint(), document_fingerprint(model))
        store = open_store(config.store)
        if name not in store.collections():
            raise ConfigError(
                f"no collection {name} for embedder {system.name!r} on corpus {documents.name!r} in {store.location}: "
                "build it first with `ragshift eval` on this config"
            )
        return cls(store.open(name), model, similarity_top_k=similarity_top_k)

    @classmethod
    def from_alias(
        cls,
        alias: str,
        *,
        store: VectorStore | str | Path,
        embedder: Embedder | None = None,
        similarity_top_k: int = 4,
    ) -> RagshiftRetriever:
        """The collection ``alias`` (e.g. ``"production"``) points at now (see ``ragshift promote``).

        Without ``embedder``, the model recorded in the collection by ``ragshift reindex`` is loaded (or,
        when the alias is served through a bridge, the bridge folder it records, with both its models);
        either way its fingerprint must match the collection's (and a bridge's, the one promoted).
        Resolved once: a later promote does not move an open retriever (open a new one to follow the alias).
        """
        from ragshift.harness.recorded_model import recorded_embedder
        from ragshift.harness.shipping.aliases import resolve
        from ragshift.harness.shipping.bridged import open_bridge

        store = _store(store)
        target = resolve(store.aliases(), alias)
        index = store.open(target.collection)
        if target.bridge is not None:
            embedder = open_bridge(target.bridge, index, embedder=embedder)
        return cls(index, embedder or recorded_embedder(index.tags), similarity_top_k=similarity_top_k)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = self.embedder.embed_queries([query_bundle.query_str])[0]
        return self.query_vector(vector)

    def query_vector(self, vector: np.ndarray) -> list[NodeWithScore]:
        """Nodes for an already embedded query (a vector of this retriever's embedder)."""
        query = np.asarray(vector, dtype=np.float32)[None, :]
        (hits,) = self.index.query(query, k=self.similarity_top_k, fingerprint=document_fingerprint(self.embedder))
        return [NodeWithScore(node=_node(hit), score=hit.score) for hit in hits]


class SystemRetriever(BaseRetriever):
    """Any ragshift retrieval system (bm25, hybrid, rerank, dense) as a LlamaIndex retriever: the top
    ``similarity_top_k`` documents of the system, each as the node of its best chunk, with the
    system's score (a BM25 score, a fused score, a cross-encoder logit)."""

    def __init__(self, system: Retriever, *, similarity_top_k: int = 4, callback_manager: CallbackManager | None = None) -> None:
        if similarity_top_k < 1:
            raise ConfigError(f"similarity_top_k must be >= 1, got {similarity_top_k}")
        super().__init__(callback_manager=callback_manager)
        self.system = system
        self.similarity_top_k = similarity_top_k

    @classmethod
    def from_config(cls, config: RunConfig | str | Path, name: str | None = None, *, similarity_top_k: int = 4) -> SystemRetriever:
        """System ``name`` of the config (default: the baseline), built over the config's corpus the way
        ``ragshift eval`` builds it (dense parts reuse their collections)."""
        from rich.console import Console

        from ragshift.harness.corpus import load_corpus
        from ragshift.harness.systems import SystemBuilder

        config = config if isinstance(config, RunConfig) else load_config(config)
        spec = config.system(name or config.baseline)
        section = config.corpus
        corpus = load_corpus(section.path, format=section.format, query_type_field=section.query_type_field)
        built = SystemBuilder(config, console=Console(quiet=True)).build(spec.name, corpus)
        return cls(built.retriever, similarity_top_k=similarity_top_k)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.system.retrieve([Query("query", query_bundle.query_str)], k=self.similarity_top_k).get("query", [])
        return [NodeWithScore(node=_node(hit), score=hit.score) for hit in hits]


def _node(hit: Hit) -> TextNode:
    """The chunk of a hit as LlamaIndex sees it: its document as metadata ``doc_id`` and SOURCE."""
    return TextNode(
        id_=hit.chunk_id or hit.doc_id, text=hit.text or "", metadata={"doc_id": hit.doc_id, **hit.meta},
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=hit.doc_id)},
        excluded_llm_metadata_keys=_HIDDEN_FROM_LLM, excluded_embed_metadata_keys=_HIDDEN_FROM_LLM,
    )


def _model_of(embedder: Embedder) -> str:
    info = embedder.describe()
    return str(info.get("path") or info.get("model") or info.get("kind") or type(embedder).__name__)


def _store(store: VectorStore | str | Path) -> VectorStore:
    """A VectorStore as given, or the embedded Chroma in the folder given."""
    return store if isinstance(store, VectorStore) else ChromaStore(path=store)


def find_collection(store: VectorStore, embedder: Embedder, *, corpus: str | None = None) -> str:
    """The single collection holding ``embedder``'s (document) vectors (of ``corpus``, when given)."""
    fingerprint = document_fingerprint(embedder)
    collections = sorted(store.collections().items())
    ours = [(n, m) for n, m in collections if m.get(EMBEDDER_TAG) == fingerprint]
    if corpus is not None:
        ours = [(n, m) for n, m in ours if str(m.get(CORPUS_KEY, "")).startswith(corpus)]
    if len(ours) == 1:
        return ours[0][0]
    if ours:
        raise ConfigError(f"several collections hold vectors of embedder {fingerprint}: {_listing(ours)}; pass collection= or corpus=")
    raise FingerprintMismatch(
        f"no collection holds vectors of embedder {fingerprint} ({_model_of(embedder)})"
        + (f" for corpus {corpus}" if corpus else "")
        + f"; collections present: {_listing(collections) or 'none'}. Build one with `ragshift eval`."
    )


def _listing(collections: Sequence[tuple[str, dict[str, Any]]]) -> str:
    return ", ".join(f"{n} (embedder {m.get(EMBEDDER_TAG)}, corpus {m.get(CORPUS_KEY)})" for n, m in sorted(collections))
