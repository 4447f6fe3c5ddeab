"""ScoreCache storage and CachedScorer behaviour: second runs score nothing, another scorer misses,
damaged files are clear errors; the rerank systems of a run answer from it."""

from __future__ import annotations

import sqlite3

import pytest

from ragshift.harness.config import FAKE_CROSS_ENCODER, load_config
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import CrossScorer
from ragshift.harness.score_cache import FILE, CachedScorer, ScoreCache, ScoreCacheCorrupt, cached_scorer
from ragshift.harness.testing.cross_scorers import TokenOverlapScorer

PAIRS = [
    ("green pears", "pears are green and sweet"),
    ("green pears", "apples are red"),
    ("red apples", "apples are red"),
    ("red apples", "pears are green and sweet"),
]


def test_cached_scorer_is_a_cross_scorer_with_the_inner_fingerprint(tmp_path) -> None:
    inner = TokenOverlapScorer()
    cached = CachedScorer(inner, ScoreCache(tmp_path / FILE))
    assert isinstance(cached, CrossScorer)
    assert cached.fingerprint() == inner.fingerprint()
    assert cached.describe()["kind"] == "token-overlap" and cached.describe()["cache"] == str(tmp_path / FILE)


def test_second_run_scores_nothing_and_returns_the_same_scores(tmp_path) -> None:
    first_inner, second_inner = TokenOverlapScorer(), TokenOverlapScorer()
    first = CachedScorer(first_inner, ScoreCache(tmp_path / FILE)).score(PAIRS)
    again = CachedScorer(second_inner, ScoreCache(tmp_path / FILE))
    assert again.score(PAIRS) == first == TokenOverlapScorer().score(PAIRS)
    assert first_inner.calls == [4] and second_inner.calls == []
    assert (again.hits, again.misses) == (4, 0)


def test_only_distinct_misses_are_scored_in_chunks_each_stored_at_once(tmp_path) -> None:
    cache = ScoreCache(tmp_path / FILE)
    CachedScorer(TokenOverlapScorer(), cache).score(PAIRS[:1])
    inner = TokenOverlapScorer()
    cached = CachedScorer(inner, cache, chunk=2)
    scores = cached.score([*PAIRS, *PAIRS])
    assert inner.calls == [2, 1]  # three new distinct pairs, two per call
    assert scores[:4] == scores[4:] and (cached.hits, cached.misses) == (2, 6)
    assert cache.count(inner.fingerprint()) == 4


def test_an_interrupted_run_keeps_the_chunks_it_scored(tmp_path) -> None:
    class FailsOnSecondCall(TokenOverlapScorer):
        def score(self, pairs):
            if self.calls:
                raise KeyboardInterrupt
            return super().score(pairs)

    with pytest.raises(KeyboardInterrupt):
        CachedScorer(FailsOnSecondCall(), ScoreCache(tmp_path / FILE), chunk=3).score(PAIRS)
    inner = TokenOverlapScorer()
    CachedScorer(inner, ScoreCache(tmp_path / FILE)).score(PAIRS)
    assert inner.calls == [1]


def test_another_scorer_fingerprint_misses(tmp_path) -> None:
    cache = ScoreCache(tmp_path / FILE)
    CachedScorer(TokenOverlapScorer(), cache).score(PAIRS)
    other = TokenOverlapScorer(stopwords=["are"])
    assert other.fingerprint() != TokenOverlapScorer().fingerprint()
    cached = CachedScorer(other, cache)
    assert cached.score(PAIRS) == TokenOverlapScorer(stopwords=["are"]).score(PAIRS)
    assert other.calls == [4] and cached.misses == 4 and cache.count() == 8


def test_same_passage_under_another_query_misses(tmp_path) -> None:
    cache = ScoreCache(tmp_path / FILE)
    CachedScorer(TokenOverlapScorer(), cache).score([("pears", "pears are green")])
    inner = TokenOverlapScorer()
    CachedScorer(inner, cache).score([("apples", "pears are green")])
    assert inner.calls == [1]


def test_empty_input_touches_nothing(tmp_path) -> None:
    inner = TokenOverlapScorer()
    cached = CachedScorer(inner, ScoreCache(tmp_path / FILE))
    assert cached.score([]) == [] and inner.calls == [] and cached.hits == cached.misses == 0


def test_a_scorer_returning_the_wrong_number_of_scores_is_an_error(tmp_path) -> None:
    class Short(TokenOverlapScorer):
        def score(self, pairs):
            return super().score(pairs)[:-1]

    with pytest.raises(Exception, match="3 scores for 4 pairs"):
        CachedScorer(Short(), ScoreCache(tmp_path / FILE)).score(PAIRS)
    assert ScoreCache(tmp_path / FILE).count() == 0


def test_many_pairs_of_one_query_need_more_than_one_select(tmp_path) -> None:
    cache = ScoreCache(tmp_path / FILE)
    keys = {(text_hash("q"), text_hash(str(i))): float(i) for i in range(1300)}
    cache.put("fp", keys)
    assert cache.get("fp", list(keys)) == keys


def test_cached_scorer_wraps_once(tmp_path) -> None:
    cached = cached_scorer(TokenOverlapScorer(), tmp_path)
    assert cached_scorer(cached, tmp_path / "elsewhere") is cached and cached.cache.path == tmp_path / FILE


def test_garbage_file_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / FILE
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ScoreCacheCorrupt, match=r"score cache .* is unusable \(not an sqlite database\); delete the file"):
        ScoreCache(path)


def test_truncated_file_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / FILE
    ScoreCache(path).put("fp", {(text_hash("q"), text_hash(str(i))): float(i) for i in range(3000)})
    assert not path.with_name(FILE + "-wal").exists()  # checkpointed on close
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ScoreCacheCorrupt, match="truncated"):
        ScoreCache(path)


def test_foreign_sqlite_table_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / FILE
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE scores (id INTEGER, value BLOB)")
    db.close()
    with pytest.raises(ScoreCacheCorrupt, match="columns"):
        ScoreCache(path)


def test_a_stored_non_number_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / FILE
    cache = ScoreCache(path)
    key = (text_hash("q"), text_hash("p"))
    cache.put("fp", {key: 1.0})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE scores SET score = 'high'")
    db.close()
    with pytest.raises(ScoreCacheCorrupt, match="'high'"):
        cache.get("fp", [key])


def test_a_rerun_of_a_rerank_system_scores_no_pair_but_its_latency_is_the_model_s(tmp_path) -> None:
    """The composition root wraps every cross-encoder (built or given) in the run's score cache; the
    latency series bypasses it, so a rerank system's p50 is its model's."""
    from ragshift.harness.run import run_eval
    from tests.systems.test_systems_eval import systems_config

    config = load_config(systems_config(tmp_path))
    quiet = config.model_copy(update={"cost": config.cost.model_copy(update={"enabled": False})})
    first, second, timed = TokenOverlapScorer(), TokenOverlapScorer(), TokenOverlapScorer()
    run_eval(quiet, output=tmp_path / "a", cross_scorers={FAKE_CROSS_ENCODER: first})
    run_eval(quiet, output=tmp_path / "b", cross_scorers={FAKE_CROSS_ENCODER: second})
    assert sum(first.calls) > 0 and second.calls == []
    cache = ScoreCache(config.cache.path / FILE)
    assert cache.count(first.fingerprint()) == sum(first.calls)
    run_eval(config, output=tmp_path / "c", cross_scorers={FAKE_CROSS_ENCODER: timed})
    n = config.cost.warmup + min(config.cost.latency_queries, 3)
    assert len(timed.calls) == n and all(0 < c <= 4 for c in timed.calls)  # one live call per timed query
    assert cache.count() == sum(first.calls)
