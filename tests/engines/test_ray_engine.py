"""The Ray engine on a local 2-CPU cluster (one per module): same vectors, cache keys and collection as
the local engine; an actor killed mid-run still ends in an exact, complete collection; an interrupted
job's rerun embeds only the missing chunks."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import ragshift.adapters.engines.factory as factory
from ragshift.adapters.engines.ray_engine import RayEngine
from ragshift.adapters.engines.recipe import EmbedderRecipe
from ragshift.adapters.stores.chroma import HASH_KEY
from ragshift.harness.config import EngineSection, load_config
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import document_fingerprint
from ragshift.harness.run import load_dataset
from ragshift.harness.shipping import collections as col
from ragshift.harness.shipping.reindex_job import run_reindex
from ragshift.harness.systems import build_chunker
from ragshift.harness.testing.engines import CONTRACT_VOCABULARY, EmbeddingEngineContract
from ragshift.harness.testing.embedders import KeywordEmbedder
from tests.engines.ray_helpers import SlowRecipe
from tests.shipping.ship_fixtures import WORDS, write_config, write_corpus
from ragshift.harness.systems import open_store

pytestmark = pytest.mark.slow
TWO_ACTORS = EngineSection(kind="ray", num_actors=2, cpus_per_actor=0.5)


def ship_config(root: Path):
    return load_config(write_config(root, write_corpus(root / "corpus")))


def collection_contents(config) -> dict[str, tuple]:
    store = open_store(config.store)
    (info,) = [c for c in col.list_collections(store) if c.name.startswith("rsx-")]
    got = store.open(info.name).collection.get(include=["embeddings", "documents", "metadatas"])
    rows = zip(got["ids"], got["embeddings"], got["documents"], got["metadatas"])
    return {i: (np.asarray(e, dtype=np.float32).tobytes(), d, m) for i, e, d, m in rows}, info


def cache_rows(config) -> set[tuple]:
    with sqlite3.connect(Path(config.cache.path) / "embeddings.sqlite") as db:
        return set(db.execute("SELECT fingerprint, kind, text_sha256, dim, vector FROM embeddings"))


def slow_ray_engine(monkeypatch, pids: Path, *, delay: float, wrap=lambda engine: engine, seen=None):
    """Make run_reindex build a Ray engine whose actors record their pids and sleep per batch."""

    def build(config, spec, embedder, console=None):
        recipe = SlowRecipe(EmbedderRecipe(config, spec.name), delay=delay, pids=pids)
        engine = RayEngine(recipe, TWO_ACTORS, fingerprint=document_fingerprint(embedder))
        return wrap(engine)

    monkeypatch.setattr(factory, "build_engine", build)


class Watched:
    """An engine wrapper that calls ``act(batches_so_far)`` after each batch and records what it was sent."""

    def __init__(self, inner, act=lambda n: None) -> None:
        self.inner, self.act, self.sent = inner, act, []

    def embed(self, items, *, batch_size):
        self.sent += [k for k, _ in items]
        for n, batch in enumerate(self.inner.embed(items, batch_size=batch_size), start=1):
            yield batch
            self.act(n)

    def describe(self):
        return self.inner.describe()


class TestRayEngineContract(EmbeddingEngineContract):
    @pytest.fixture
    def make_engine(self, tmp_path, ray_cluster):
        config = ship_config(tmp_path)
        config = config.model_copy(update={"embedders": (config.embedders[0].model_copy(update={"vocabulary": CONTRACT_VOCABULARY}),)})
        embedder = KeywordEmbedder(CONTRACT_VOCABULARY)
        recipe = EmbedderRecipe(config, config.embedders[0].name)
        return lambda: (RayEngine(recipe, TWO_ACTORS, fingerprint=embedder.fingerprint()), embedder)


def test_ray_gives_the_local_engines_vectors_cache_keys_and_collection(tmp_path, ray_cluster):
    local, distributed = ship_config(tmp_path / "local"), ship_config(tmp_path / "ray")
    a = run_reindex(local, "keywords", engine="local", batch_size=8)
    b = run_reindex(distributed.model_copy(update={"engine": TWO_ACTORS}), "keywords", batch_size=8)
    assert a.collection == b.collection and a.fingerprint == b.fingerprint
    assert (b.stats.embedded, b.stats.from_cache) == (len(WORDS), 0)
    (rows_a, info_a), (rows_b, info_b) = collection_contents(local), collection_contents(distributed)
    assert rows_a == rows_b and len(rows_b) == len(WORDS)  # same ids, vector bytes, texts, hashes
    assert info_a.tags[col.COMPLETE] is info_b.tags[col.COMPLETE] is True
    assert cache_rows(local) == cache_rows(distributed) and len(cache_rows(distributed)) == len(WORDS)


def test_an_actor_killed_mid_run_still_ends_in_an_exact_complete_collection(tmp_path, ray_cluster, monkeypatch):
    config, pids = ship_config(tmp_path), tmp_path / "pids"
    pids.mkdir()
    killed = []

    def kill_one(batches: int) -> None:
        if batches == 2 and not killed:
            killed.append(int(sorted(os.listdir(pids))[0]))
            os.kill(killed[0], signal.SIGKILL)

    slow_ray_engine(monkeypatch, pids, delay=0.4, wrap=lambda e: Watched(e, kill_one))
    result = run_reindex(config, "keywords", batch_size=4)
    assert killed and len(os.listdir(pids)) >= 3  # the killed actor was restarted and its task retried
    assert result.stats.embedded == len(WORDS)
    rows, info = collection_contents(config)
    assert {i: m[HASH_KEY] for i, (_, _, m) in rows.items()} == expected_hashes(config)  # nothing lost, nothing stale
    assert info.count == len(WORDS) and info.tags[col.COMPLETE] is True


def test_an_interrupted_ray_job_reruns_only_the_missing_chunks(tmp_path, ray_cluster, monkeypatch):
    config, pids = ship_config(tmp_path), tmp_path / "pids"
    pids.mkdir()

    class Interrupted(Exception):
        pass

    def stop(batches: int) -> None:
        if batches == 3:
            raise Interrupted

    slow_ray_engine(monkeypatch, pids, delay=0.2, wrap=lambda e: Watched(e, stop))
    with pytest.raises(Interrupted):
        run_reindex(config, "keywords", batch_size=4)
    _, info = collection_contents(config)
    written = info.count
    assert info.tags[col.COMPLETE] is False and 12 <= written < len(WORDS)

    watched = []
    slow_ray_engine(monkeypatch, pids, delay=0.0, wrap=lambda e: watched.append(Watched(e)) or watched[-1])
    again = run_reindex(config, "keywords", batch_size=4)
    assert len(watched[0].sent) == len(WORDS) - written  # only what the collection lacked went to Ray
    assert (again.stats.embedded, again.stats.unchanged) == (len(WORDS) - written, written)
    rows, info = collection_contents(config)
    assert {i: m[HASH_KEY] for i, (_, _, m) in rows.items()} == expected_hashes(config)
    assert info.count == len(WORDS) and info.tags[col.COMPLETE] is True


def expected_hashes(config) -> dict[str, str]:
    corpus = load_dataset(config.corpus).corpus
    return {c.chunk_id: text_hash(c.text) for c in build_chunker(config).chunk(list(corpus.documents.values()))}
