"""``ragshift eval`` over ``[[systems]]``: dense, bm25, hybrid, rerank (fake cross-encoder) and a
chunking-sweep dense system in one run, each its own rows, all compared; config errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError
from ragshift.harness.rundir import read_rows
from support.configs import keyword_embedder, write_config
from tests.run.test_eval_end_to_end import VOCAB, only_run_dir, write_corpus

SYSTEMS = [
    {"name": "lexical", "kind": "bm25", "k1": 1.2, "b": 0.75},
    {"name": "keywords-small-chunks", "kind": "dense", "embedder": "keywords",
     "chunking": {"strategy": "sentence", "size": 16, "overlap": 4}},
    {"name": "hybrid", "kind": "hybrid", "of": ["keywords", "lexical"], "fusion": "rrf"},
    {"name": "reranked", "kind": "rerank", "of": "lexical", "top_n": 4, "cross_encoder": "fake:token-overlap"},
]


def systems_config(tmp_path: Path, systems: list[dict] | None = None, **compare: object) -> Path:
    corpus = tmp_path / "corpus"
    return write_config(
        tmp_path / "systems.toml",
        run={"name": "systems", "output": "reports"},
        corpus={"path": corpus if corpus.exists() else write_corpus(corpus)},
        chunking={"strategy": "none"},
        embedders=[keyword_embedder("keywords", VOCAB)],
        systems=SYSTEMS if systems is None else systems,
        metrics={"names": ["ndcg@3", "recall@1", "mrr", "hit_rate@3"]},
        compare={"n_resamples": 99, **compare},
    )


def test_every_system_kind_gets_rows_a_card_entry_and_a_comparison(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(systems_config(tmp_path))], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    run_dir = only_run_dir(tmp_path / "reports")
    rows = list(read_rows(run_dir))
    names = ["keywords", "lexical", "keywords-small-chunks", "hybrid", "reranked"]
    assert sorted({r.system for r in rows}) == sorted(names)
    assert all(sum(r.system == n for r in rows) == 3 for n in names)
    top = {(r.system, r.qid): r.hits[0].doc_id for r in rows}
    assert top[("lexical", "q2")] == top[("reranked", "q2")] == top[("hybrid", "q2")] == "d2"
    card = json.loads((run_dir / "run_card.json").read_text())
    kinds = {n: card["systems"][n]["kind"] for n in names}
    assert kinds == {"keywords": "dense", "lexical": "bm25", "keywords-small-chunks": "dense", "hybrid": "hybrid", "reranked": "rerank"}
    assert len({card["systems"][n]["fingerprint"] for n in ("lexical", "hybrid", "reranked")}) == 3
    sweep, whole = card["systems"]["keywords-small-chunks"], card["systems"]["keywords"]
    assert sweep["chunker"] != whole["chunker"] and sweep["retriever_fingerprint"] != whole["retriever_fingerprint"]
    assert sweep["indexes"]["corpus"]["chunks"] > whole["indexes"]["corpus"]["chunks"] == 4
    assert card["systems"]["reranked"]["first"]["kind"] == "bm25" and card["systems"]["reranked"]["top_n"] == 4
    assert [p["kind"] for p in card["systems"]["hybrid"]["parts"]] == ["dense", "bm25"]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["verdict"] in ("pass", "warn", "fail")
    markdown = (run_dir / "summary.md").read_text()
    assert "Every system vs keywords" in markdown and "**Recommendation:**" in markdown
    decision = summary["decision"]
    assert [r["system"] for r in decision["rows"]] == names[1:]
    by = {r["system"]: r for r in decision["rows"]}
    assert by["keywords-small-chunks"]["reindex"] and "re-embedding" in by["keywords-small-chunks"]["index_cost"]
    assert not by["reranked"]["reindex"] and "BM25 build" in by["reranked"]["index_cost"]
    assert all(r["p50_ms"] is not None and r["p95_ms"] >= r["p50_ms"] for r in decision["rows"])
    assert set(card["query_latency"]) == set(names)
    assert 'id="decision"' in (run_dir / "report.html").read_text()


def test_run_id_follows_a_system_setting(tmp_path: Path) -> None:
    from ragshift.harness.run import run_eval

    first = run_eval(load_config(systems_config(tmp_path)), output=tmp_path / "a")
    changed = [dict(s, k1=0.9) if s["name"] == "lexical" else s for s in SYSTEMS]
    second = run_eval(load_config(systems_config(tmp_path, changed)), output=tmp_path / "b")
    assert first.run_id != second.run_id
    assert first.run_card["systems"]["lexical"]["fingerprint"] != second.run_card["systems"]["lexical"]["fingerprint"]


def test_baseline_may_be_any_system(tmp_path: Path) -> None:
    config = load_config(systems_config(tmp_path, baseline="lexical"))
    assert config.baseline == "lexical"
    assert [s.name for s in config.all_systems][:2] == ["keywords", "lexical"]


@pytest.mark.parametrize(
    ("systems", "message"),
    [
        ([{"name": "h", "kind": "hybrid", "of": ["keywords", "nope"]}], "unknown system 'nope'"),
        ([{"name": "d", "kind": "dense", "embedder": "nope"}], "embedder = 'nope' is not an [[embedders]] name"),
        ([{"name": "a", "kind": "rerank", "of": "b"}, {"name": "b", "kind": "rerank", "of": "a"}], "cycle: a -> b -> a"),
        ([{"name": "x", "kind": "bm25"}, {"name": "x", "kind": "bm25"}], "used more than once: x"),
        ([{"name": "keywords", "kind": "bm25"}], "must differ from [[embedders]] names"),
        ([{"name": "h", "kind": "hybrid", "of": ["keywords"]}], "two or more system names"),
        ([{"name": "r", "kind": "rerank", "of": ["keywords"]}], 'needs of = "<one system name>"'),
        ([{"name": "b", "kind": "bm25", "top_n": 5}], "'top_n' not used by kind = \"bm25\""),
        ([{"name": "b", "kind": "bm25", "chunking": {"size": 8, "overlap": 8}}], "overlap (8) must be smaller"),
        ([{"name": "h", "kind": "hybrid", "of": ["keywords", "keywords"], "weights": [1.0]}], "1 values for 2"),
    ],
)
def test_bad_systems_are_clear_config_errors(tmp_path: Path, systems: list[dict], message: str) -> None:
    path = systems_config(tmp_path, systems)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_unknown_baseline_lists_the_systems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="baseline 'nope' is not a system; systems: keywords, lexical"):
        load_config(systems_config(tmp_path, SYSTEMS[:1], baseline="nope"))


def test_gates_and_the_llama_index_retriever_take_any_system_by_name(tmp_path: Path) -> None:
    from ragshift.adapters.llamaindex.retriever import RagshiftRetriever, SystemRetriever
    from ragshift.harness.suite import Suite

    path = systems_config(tmp_path)
    suite = Suite(path)
    assert suite.systems == ["keywords", "lexical", "keywords-small-chunks", "hybrid", "reranked"]
    assert {r.qid for r in suite.rows("reranked")} == {"q1", "q2", "q3"}
    comparison = suite.assert_not_worse("reranked", baseline="lexical", metric="mrr", max_drop=1.0, fail_on="fail")
    assert comparison.pairs[0].candidate == "reranked"
    reranked = RagshiftRetriever.from_config(path, "reranked", similarity_top_k=2)
    assert isinstance(reranked, SystemRetriever)
    nodes = reranked.retrieve("firmware rollback reset")
    assert nodes[0].node.ref_doc_id == "d2" and len(nodes) <= 2
    sweep = RagshiftRetriever.from_config(path, "keywords-small-chunks", similarity_top_k=1)
    assert isinstance(sweep, RagshiftRetriever)
    assert sweep.retrieve("vpn portal approval")[0].node.ref_doc_id == "d4"
    with pytest.raises(ConfigError, match="no system named 'nope'"):
        RagshiftRetriever.from_config(path, "nope")
