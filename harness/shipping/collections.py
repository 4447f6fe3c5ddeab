"""Serving collections: one per (corpus name, chunker, model version), tagged so each describes itself.

Evaluation collections are named by the corpus *content*; a serving collection follows a corpus as
it changes (``reindex`` updates changed chunks in place), so it is named by the corpus *name*. Tags:
embedder fingerprint and dimension (the guard), corpus name, chunker, the embedder's config (so an
alias can be opened without knowing the model), and after a finished reindex ``complete``, the
chunk count and the corpus content fingerprint it was built from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.config import EmbedderConfig, RunConfig, StoreSection
from harness.errors import ConfigError
from harness.fingerprint import stable_hash

if TYPE_CHECKING:
    from adapters.stores.chroma import ChromaIndex, ChromaStore

ROLE, CORPUS, CHUNKER, MODEL = "ragshift:role", "ragshift:corpus_name", "ragshift:chunker", "ragshift:model"
COMPLETE, CHUNKS, CORPUS_FP, INDEXED_AT = "ragshift:complete", "ragshift:chunks", "ragshift:corpus_fp", "ragshift:indexed_at"
RATE = "ragshift:chunks_per_second"


def serving_name(corpus_name: str, chunker_fp: str, embedder_fp: str) -> str:
    """``rsx-<corpus>-<12 hex>``, within Chroma's naming rules."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", corpus_name).strip("-._")[:40] or "corpus"
    return f"rsx-{slug}-{stable_hash({'corpus': corpus_name, 'chunker': chunker_fp, 'embedder': embedder_fp}, length=12)}"


def fixed_tags(corpus_name: str, chunker_fp: str) -> dict[str, Any]:
    """Tags that must match whenever the collection is opened for writing."""
    return {ROLE: "serving", CORPUS: corpus_name, CHUNKER: chunker_fp}


def model_tag(spec: EmbedderConfig) -> str:
    """The embedder's config as JSON (never a secret: ``api_key_env`` is a variable name)."""
    return json.dumps(spec.model_dump(mode="json", exclude_defaults=True), sort_keys=True)


def spec_of(metadata: dict[str, Any]) -> EmbedderConfig:
    """The embedder config recorded in a serving collection's tags."""
    raw = metadata.get(MODEL)
    if not raw:
        raise ConfigError("this collection records no embedder config (not written by `ragshift reindex`)")
    return EmbedderConfig.model_validate(json.loads(raw))


def recorded_embedder(metadata: dict[str, Any]) -> Any:
    """Build the embedder a serving collection records (not cached; the model loads lazily)."""
    from adapters.embedders.factory import build_embedder

    spec = spec_of(metadata)
    if spec.kind == "degraded":
        raise ConfigError("a degraded embedder wraps another config entry: pass the embedder explicitly")
    return build_embedder(spec.kind, **spec.adapter_options())


def open_store(section: StoreSection) -> ChromaStore:
    from adapters.stores.chroma import ChromaStore

    return ChromaStore.from_section(section)


def aliases(store: ChromaStore) -> Any:
    """The store's alias registry."""
    from adapters.stores.registry import ChromaAliasStore

    return ChromaAliasStore(store.client)


def existing(store: ChromaStore, name: str) -> ChromaIndex:
    """An existing collection, never created; ``ConfigError`` lists those present."""
    from adapters.llamaindex.retriever import open_index

    return open_index(store, name)


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    count: int
    metadata: dict[str, Any]

    @property
    def fingerprint(self) -> str | None:
        return self.metadata.get("ragshift:embedder")

    @property
    def model(self) -> str:
        try:
            spec = spec_of(self.metadata)
        except (ConfigError, ValueError):
            return "-"
        return f"{spec.name} ({spec.kind} {spec.model if spec.kind in ('sentence-transformers', 'openai', 'query-adapter') else ''})".replace(" )", ")")


def list_collections(store: ChromaStore) -> list[CollectionInfo]:
    from adapters.stores.registry import REGISTRY

    found = []
    for collection in store.client.list_collections():
        if collection.name == REGISTRY:
            continue
        found.append(CollectionInfo(collection.name, collection.count(), dict(collection.metadata or {})))
    return sorted(found, key=lambda c: c.name)


def write_lock(section: StoreSection, store: ChromaStore, collection: str, *, wait: float, what: str) -> Any:
    """The lock a writer of ``collection`` holds: the store folder's file lock (embedded) or a lease
    record in the server's registry (server)."""
    from adapters.stores.locks import folder_write_lock, server_write_lock

    if section.server_url is None:
        return folder_write_lock(section.path, wait=wait, what=what)
    return server_write_lock(store.client, collection, wait=wait, what=what)


def config_spec(config: RunConfig, name: str | None) -> EmbedderConfig:
    """The ``[[embedders]]`` entry named ``name`` (default: the last one, usually the candidate)."""
    return config.embedder(name) if name else config.embedders[-1]


def alias_facts(config: RunConfig, baseline_fingerprint: str) -> dict[str, Any]:
    """When the store has aliases (``ragshift promote``): the first alias, what it serves, and the serving
    collection of the baseline's model it serves or keeps for rollback (None: it keeps none)."""
    store = open_store(config.store)
    found = aliases(store).all()
    if not found:
        return {}
    alias = next((a for a in found if a.name == "production"), found[0])
    tags = {c.name: c.fingerprint for c in list_collections(store)}
    kept = [c for c in (alias.collection, *reversed(alias.previous)) if tags.get(c) == baseline_fingerprint]
    return {"alias": alias.name, "alias_target": alias.collection, "alias_baseline": kept[0] if kept else None}
