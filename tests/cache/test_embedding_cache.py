"""EmbeddingCache storage and CachedEmbedder behaviour, including corrupt files and two processes."""

from __future__ import annotations

import multiprocessing
import sqlite3

import numpy as np
import pytest

from ragshift.harness.cache import CacheCorrupt, CachedEmbedder, EmbeddingCache
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import Embedder
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, EmbedderContract
from ragshift.harness.testing.embedders import CountingEmbedder, KeywordEmbedder

TEXTS = ["reset password", "lunch at noon", "account settings", "nothing relevant"]


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY))


class TestCachedContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self, tmp_path):
        cache = EmbeddingCache(tmp_path / "cache.sqlite")
        return lambda **overrides: CachedEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY, **overrides), cache)


def test_put_then_get_round_trips_float32_exactly(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    vectors = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    cache.put("fp", "d", ["a", "b", "c"], vectors)
    found = cache.get("fp", "d", ["c", "a", "zzz", "a"])
    assert set(found) == {"a", "c"}
    np.testing.assert_array_equal(found["a"], vectors[0])
    np.testing.assert_array_equal(found["c"], vectors[2])
    assert found["a"].dtype == np.float32
    assert cache.get("fp", "q", ["a"]) == {}
    assert cache.get("other", "d", ["a"]) == {}
    assert cache.count() == 3 and cache.count("fp") == 3 and cache.count("other") == 0


def test_get_handles_more_keys_than_one_select(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    keys = [f"k{i}" for i in range(1234)]
    cache.put("fp", "d", keys, np.arange(1234, dtype=np.float32)[:, None])
    found = cache.get("fp", "d", keys)
    assert len(found) == 1234 and found["k1000"][0] == 1000.0


def test_cached_embedder_is_an_embedder_with_the_inner_fingerprint(tmp_path, counting):
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path / "c.sqlite"))
    assert isinstance(cached, Embedder)
    assert cached.fingerprint() == counting.fingerprint()
    assert cached.dimension == counting.dimension


def test_second_run_embeds_nothing(tmp_path, counting):
    path = tmp_path / "c.sqlite"
    first = CachedEmbedder(counting, EmbeddingCache(path))
    expected = first.embed_documents(TEXTS)
    assert counting.embedded == 4 and first.misses == 4 and first.hits == 0

    second = CachedEmbedder(counting, EmbeddingCache(path))  # as a fresh process would
    np.testing.assert_array_equal(second.embed_documents(TEXTS), expected)
    np.testing.assert_array_equal(second.embed_documents(TEXTS), counting.inner.embed_documents(TEXTS))
    assert counting.embedded == 4
    assert second.hits == 8 and second.misses == 0


def test_only_misses_are_embedded_in_one_call_each_once(tmp_path, counting):
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path / "c.sqlite"))
    cached.embed_documents(TEXTS[:2])
    counting.calls.clear()
    vectors = cached.embed_documents([TEXTS[0], TEXTS[2], TEXTS[3], TEXTS[2]])
    assert counting.calls == [("d", (TEXTS[2], TEXTS[3]))]
    np.testing.assert_array_equal(vectors[1], vectors[3])
    assert (cached.hits, cached.misses) == (1 + 0, 2 + 3)


def test_queries_and_documents_are_cached_separately(tmp_path):
    inner = CountingEmbedder(KeywordEmbedder(["reset"], query_prompt="reset "))
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "c.sqlite"))
    docs = cached.embed_documents(["x"])
    queries = cached.embed_queries(["x"])
    assert inner.calls == [("d", ("x",)), ("q", ("x",))]
    assert not np.array_equal(docs, queries)


def test_other_fingerprint_does_not_hit(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    CachedEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY), cache).embed_queries(TEXTS)
    other = CountingEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY, query_prompt="query: "))
    cached = CachedEmbedder(other, cache)
    cached.embed_queries(TEXTS)
    assert other.embedded == 4 and cached.hits == 0
    assert cache.count() == 8


def test_empty_input_touches_nothing(tmp_path, counting):
    cached = CachedEmbedder(counting, EmbeddingCache(tmp_path / "c.sqlite"))
    assert cached.embed_documents([]).shape == (0, counting.dimension)
    assert counting.calls == [] and cached.hits == cached.misses == 0


def test_garbage_file_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CacheCorrupt, match="delete the file"):
        EmbeddingCache(path)


def test_truncated_file_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = EmbeddingCache(path)
    cache.put("fp", "d", [text_hash(str(i)) for i in range(2000)], np.ones((2000, 64), dtype=np.float32))
    data = path.read_bytes()
    assert not path.with_name("c.sqlite-wal").exists()  # checkpointed on close
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CacheCorrupt, match="truncated"):
        EmbeddingCache(path)


def test_foreign_sqlite_table_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE embeddings (id INTEGER, blob BLOB)")
    db.close()
    with pytest.raises(CacheCorrupt, match="columns"):
        EmbeddingCache(path)


def test_mismatched_blob_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = EmbeddingCache(path)
    cache.put("fp", "d", ["a"], np.ones((1, 4), dtype=np.float32))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE embeddings SET vector = x'0000'")
    db.close()
    with pytest.raises(CacheCorrupt):
        cache.get("fp", "d", ["a"])


def _vector(key: str) -> np.ndarray:
    return np.random.default_rng(int(key[1:])).standard_normal(16).astype(np.float32)


def _writer(path: str, offset: int) -> None:
    cache = EmbeddingCache(path)
    for start in range(offset, offset + 300, 10):
        keys = [f"k{i}" for i in range(start, start + 10)]
        cache.put("fp", "d", keys, np.stack([_vector(k) for k in keys]))
        cache.get("fp", "d", keys)


def test_two_processes_writing_at_once_do_not_corrupt(tmp_path):
    path = str(tmp_path / "c.sqlite")
    EmbeddingCache(path)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_writer, args=(path, offset)) for offset in (0, 150)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    cache = EmbeddingCache(path)
    keys = [f"k{i}" for i in range(450)]
    found = cache.get("fp", "d", keys)
    assert len(found) == 450 and cache.count() == 450
    for key in ("k0", "k200", "k449"):
        np.testing.assert_array_equal(found[key], _vector(key))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
