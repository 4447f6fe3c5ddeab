"""Serving collections: one per (corpus name, chunker, model version), tagged so each describes itself.

Evaluation collections are named by the corpus *content*; a serving collection follows a corpus as
it changes (``reindex`` updates changed chunks in place), so it is named by the corpus *name*. Tags:
embedder fingerprint and dimension (the guard), corpus name, chunker, the embedder's config (so an
alias can be opened without knowing the model, see ``ragshift.harness.recorded_model``), and after a finished
reindex ``complete``, the chunk count and the corpus content fingerprint it was built from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ragshift.harness.config import EmbedderConfig, RunConfig
from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import EMBEDDER_TAG, VectorStore
from ragshift.harness.recorded_model import spec_of
from ragshift.harness.runcard import RollbackFacts

ROLE, CORPUS, CHUNKER = "ragshift:role", "ragshift:corpus_name", "ragshift:chunker"
COMPLETE, CHUNKS, CORPUS_FP, INDEXED_AT = "ragshift:complete", "ragshift:chunks", "ragshift:corpus_fp", "ragshift:indexed_at"
RATE = "ragshift:chunks_per_second"


def serving_name(corpus_name: str, chunker_fp: str, embedder_fp: str) -> str:
    """``rsx-<corpus>-<12 hex>``, within Chroma's naming rules."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", corpus_name).strip("-._")[:40] or "corpus"
    return f"rsx-{slug}-{stable_hash({'corpus': corpus_name, 'chunker': chunker_fp, 'embedder': embedder_fp}, length=12)}"


def fixed_tags(corpus_name: str, chunker_fp: str) -> dict[str, Any]:
    """Tags that must match whenever the collection is opened for writing."""
    return {ROLE: "serving", CORPUS: corpus_name, CHUNKER: chunker_fp}


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    count: int
    tags: dict[str, Any]

    @property
    def fingerprint(self) -> str | None:
        return self.tags.get(EMBEDDER_TAG)

    @property
    def model(self) -> str:
        try:
            spec = spec_of(self.tags)
        except (ConfigError, ValueError):
            return "-"
        return f"{spec.name} ({spec.kind} {spec.model if spec.kind in ('sentence-transformers', 'openai', 'query-adapter') else ''})".replace(" )", ")")


def list_collections(store: VectorStore) -> list[CollectionInfo]:
    """Every collection of the store with its size and tags, by name."""
    return [CollectionInfo(name, store.open(name).count(), tags) for name, tags in sorted(store.collections().items())]


def config_spec(config: RunConfig, name: str | None) -> EmbedderConfig:
    """The ``[[embedders]]`` entry named ``name`` (default: the last one, usually the candidate)."""
    return config.embedder(name) if name else config.embedders[-1]


def rollback_facts(
    config: RunConfig, collection: str | None, collections: Callable[[], set[str]] | None, *,
    store: VectorStore, fingerprint: str,
) -> RollbackFacts:
    """Run-card ``rollback``: the baseline's collection, whether the store holds it at the end of the run
    (``collections`` lists the store's collections; None leaves ``present`` unknown) and, when the store
    has aliases, what the first one serves (``alias_facts`` of the baseline's ``fingerprint``)."""
    present = collection in collections() if collection and collections is not None else None
    server = getattr(config.store, "server_url", None)  # newer configs name a server by url
    where = server or (f"{config.store.host}:{config.store.port or 8000}" if config.store.host else str(config.store.path))
    return RollbackFacts(config.baseline, collection, where, present, **alias_facts(store, fingerprint))


def alias_facts(store: VectorStore, baseline_fingerprint: str) -> dict[str, Any]:
    """When the store has aliases (``ragshift promote``): the first alias, what it serves, and the serving
    collection of the baseline's model it serves or keeps for rollback (None: it keeps none)."""
    found = store.aliases().all()
    if not found:
        return {}
    alias = next((a for a in found if a.name == "production"), found[0])
    tags = {name: t.get(EMBEDDER_TAG) for name, t in store.collections().items()}
    kept = [c for c in (alias.collection, *reversed(alias.previous)) if tags.get(c) == baseline_fingerprint]
    return {"alias": alias.name, "alias_target": alias.collection, "alias_baseline": kept[0] if kept else None}
