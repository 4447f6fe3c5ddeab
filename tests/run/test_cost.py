"""Latency and cost in ``ragshift eval``: measured for every system, without the embedding cache; ``[cost]`` validated."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from ragshift.harness.config import load_config
from ragshift.harness.cost import CostSettings, latency_summary, measure_cost, percentile
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.embedders import CountingEmbedder, KeywordEmbedder
from ragshift.harness.types import Chunk, Query

from tests.run.test_eval_end_to_end import VOCAB, only_run_dir, run_cli, write_config, write_corpus

COST = "\n[cost]\nlatency_queries = 6\nthroughput_chunks = 70\nwarmup = 2\ncorpus_documents = 2_000_000\n"


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[CountingEmbedder]:
    """Every embedder the cost measurement builds, wrapped to count the texts that reach it."""
    import ragshift.harness.systems

    built: list[CountingEmbedder] = []
    original = ragshift.harness.systems.uncached_embedder

    def counting(config, spec):
        built.append(CountingEmbedder(original(config, spec)))
        return built[-1]

    monkeypatch.setattr(ragshift.harness.systems, "uncached_embedder", counting)
    return built


def _sane(figures: dict) -> None:
    for key in ("query_encode", "query_latency"):
        f = figures[key]
        assert f["n"] == 6
        assert f["p95_ms"] >= f["p50_ms"] > 0, (key, f)
    assert figures["query_latency"]["k"] == 3
    encode = figures["corpus_encode"]
    assert encode["chunks"] == 70 and encode["chunks_per_s"] > 0 and encode["chars_per_s"] > 0
    assert figures["cold_start_s"] > 0
    memory = figures["memory"]
    assert memory["rss_peak_mb"] >= memory["rss_before_mb"] > 0 and memory["peak_above_before_mb"] >= 0
    assert memory["parameter_bytes"] is None  # the keyword fake has no model
    assert figures["sample"] == {"queries": 6, "distinct_queries": 3, "chunks": 70, "distinct_chunks": 4,
                                 "warmup": 2, "seed": 0}
    assert figures["corpus"] == {"documents": 4, "chunks": 4}


def test_cost_of_both_systems_is_measured_without_the_cache(tmp_path: Path, counted) -> None:
    config = write_config(tmp_path, write_corpus(tmp_path / "corpus"), second=True)
    config.write_text(config.read_text() + COST)
    assert run_cli("eval", str(config)).exit_code in (0, 1)
    counted.clear()
    result = run_cli("eval", str(config))  # everything is cached now: the index and every vector
    assert result.exit_code in (0, 1), result.output
    run_dir = only_run_dir(tmp_path / "reports")
    card = json.loads((run_dir / "run_card.json").read_text())

    assert set(card["cost"]) == {"keywords", "fewer-keywords"}
    for name, figures in card["cost"].items():
        _sane(figures)
        index = card["systems"][name]["indexes"]["corpus"]
        assert index["reused"] is True and index["cache_misses"] == 0  # the eval itself embedded nothing
        assert figures["index_build"]["reused"] is True and figures["index_build"]["embedded"] == 0

    # ... yet the measured embedders did the work: one per system (two if a pass had to be repeated)
    assert {e.inner.vocabulary for e in counted} == {tuple(VOCAB), tuple(VOCAB[:3])}
    for embedder in counted:
        queries = [texts for kind, texts in embedder.calls if kind == "q"]
        documents = [texts for kind, texts in embedder.calls if kind == "d"]
        assert all(len(texts) == 1 for texts in queries)  # one query per call
        assert len(queries) == 1 + 2 + 6 + 2 + 6  # cold start, warmup, encode; warmup, retrieve
        assert [len(t) for t in documents] == [64, 64, 6]  # one untimed batch, then 70 chunks in calls of 64

    assert card["rollback"] == {"baseline": "keywords", "collection": card["systems"]["keywords"]["indexes"]["corpus"]["collection"],
                                "store": str((tmp_path / ".ragshift" / "chroma").resolve()), "present": True}
    summary = json.loads((run_dir / "summary.json").read_text())
    assert set(summary["cost"]) == {"keywords", "fewer-keywords"}
    worth = summary["worth_it"]
    assert [c["item"] for c in worth["checklist"]] == ["baseline measured", "separate eval data", "regressions tested", "rollback ready"]
    assert worth["costs"][0]["documents"] == 2_000_000 and worth["costs"][0]["reembed_hours"] > 0

    markdown = (run_dir / "summary.md").read_text()
    assert "### Latency and cost" in markdown and "### Is it worth it?" in markdown
    assert "| re-embed 2,000,000 documents (estimate) |" in markdown
    assert "collection reused: nothing embedded" in markdown
    html = (run_dir / "report.html").read_text()
    assert 'id="worth"' in html and "<h2>Is it worth it?</h2>" in html and "<h2>Latency and cost</h2>" in html
    assert "query latency p50 (ms), encode + search" in html


def test_cost_can_be_turned_off(tmp_path: Path, counted) -> None:
    config = write_config(tmp_path, write_corpus(tmp_path / "corpus"), second=True)
    config.write_text(config.read_text() + "\n[cost]\nenabled = false\n")
    assert run_cli("eval", str(config)).exit_code in (0, 1)
    run_dir = only_run_dir(tmp_path / "reports")
    card = json.loads((run_dir / "run_card.json").read_text())
    assert "cost" not in card and not counted
    assert json.loads((run_dir / "summary.json").read_text())["worth_it"] is None
    assert 'id="worth"' not in (run_dir / "report.html").read_text()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("latency_queries = 1", "[cost] latency_queries: Input should be greater than or equal to 2"),
        ("throughput_chunks = 0", "[cost] throughput_chunks: Input should be greater than or equal to 1"),
        ("warmup = -1", "[cost] warmup: Input should be greater than or equal to 0"),
        ("corpus_documents = 0", "[cost] corpus_documents: Input should be greater than or equal to 1"),
        ("enabled = 'sometimes'", "[cost] enabled: Input should be a valid boolean"),
        ("queries = 5", "[cost] unknown key 'queries'; valid keys: enabled, latency_queries, throughput_chunks, warmup, corpus_documents"),
    ],
)
def test_cost_section_is_validated(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f'[corpus]\npath = "data"\n[[embedders]]\nname = "base"\n[cost]\n{line}\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value)


def test_cost_defaults() -> None:
    assert CostSettings().model_dump() == {"enabled": True, "latency_queries": 50, "throughput_chunks": 128,
                                           "warmup": 3, "corpus_documents": 1_000_000}


class _Retriever:
    """Encodes each query with the embedder it was opened with (like the real retriever) and finds nothing."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder

    def retrieve(self, queries, *, k):
        self.embedder.embed_queries([q.text for q in queries])
        return {q.qid: [] for q in queries}


def test_measure_cost_calls_a_fresh_embedder_and_repeats_a_pass_that_imported_modules(monkeypatch) -> None:
    import sys

    built: list[CountingEmbedder] = []

    def make():
        built.append(CountingEmbedder(KeywordEmbedder(["scanner", "firmware"])))
        if len(built) == 1:  # the first pass loads a "library" for the first time
            monkeypatch.setitem(sys.modules, "ragshift_test_fake_library", object())
        return built[-1]

    queries = [Query("q1", "scanner firmware"), Query("q2", "reset scanner")]
    chunks = [Chunk("c1", "d1", "scanner firmware update"), Chunk("c2", "d2", "holiday calendar")]
    settings = CostSettings(latency_queries=4, throughput_chunks=3, warmup=0)
    figures = measure_cost(make, queries=queries, chunks=chunks, settings=settings, make_retriever=_Retriever, k=5)
    assert len(built) == 2 and figures["memory"]["repeated_after_imports"] == 1
    # no warmup: cold start and 4 encodes, one batch of 3 chunks, 4 retrievals
    assert [kind for kind, _ in built[1].calls] == ["q"] * (1 + 4) + ["d"] + ["q"] * 4
    assert figures["corpus_encode"]["chunks"] == 3 and figures["query_latency"]["n"] == 4
    with pytest.raises(ValueError):
        measure_cost(make, queries=[], chunks=chunks, settings=settings)


def test_percentiles() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert math.isnan(percentile([], 95))
    summary = latency_summary([0.001, 0.002, 0.003, 0.004, 0.1])
    assert summary["p50_ms"] == pytest.approx(3.0) and summary["p95_ms"] == pytest.approx(80.8)
    assert summary["max_ms"] == pytest.approx(100.0) and summary["n"] == 5
    assert np.isnan(latency_summary([])["p50_ms"])


class _Sized(KeywordEmbedder):
    def parameter_bytes(self) -> int:
        return 1000


def test_parameter_bytes_come_through_wrappers() -> None:
    from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder
    from ragshift.harness.cost import parameter_bytes
    from ragshift.harness.testing.degraded import NoisyEmbedder

    base = _Sized(["scanner", "firmware"])
    assert parameter_bytes(KeywordEmbedder(["scanner"])) is None
    assert parameter_bytes(base) == 1000
    assert parameter_bytes(NoisyEmbedder(base, noise=0.1)) == 1000
    d = base.dimension
    adapter = QueryAdapterEmbedder(base, np.eye(d), np.zeros(d))
    assert parameter_bytes(adapter) == 1000 + 4 * d * d + 4 * d
    assert parameter_bytes(QueryAdapterEmbedder(KeywordEmbedder(["scanner"]), np.eye(2), np.zeros(2))) is None
