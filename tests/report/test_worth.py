""""Is it worth it?": the arithmetic, every checklist state, and the sections in HTML, Markdown and JSON."""

from __future__ import annotations

import re

import pytest

from ragshift.harness.compare import compare_rows
from ragshift.harness.report import build_report, render_html, render_markdown, to_json
from ragshift.harness.report.cost import fmt_duration
from ragshift.harness.testing.rows import synthetic_rows
from ragshift.harness.runcard import RunCard
from ragshift.harness.report.worth import (
    NOT_OK,
    OK,
    UNKNOWN,
    RollbackFacts,
    baseline_measured,
    regressions_tested,
    reembed_seconds,
    rollback_ready,
    separate_eval_data,
)

PAYLOAD = "<script>document.body.dataset.pwned=1</script>"
RUN_CARD = {
    "run_id": "acme-0123456789",
    "name": "acme",
    "corpus": {"name": "acme-kb", "documents": 900, "queries": 60, "fingerprint": "c0ffee00c0ffee00"},
    "timings": {"baseline.retrieve": 0.6, "finetuned.retrieve": 0.9, "total": 12.0},
}


def figures(*, encode_p50: float, query_p50: float, chunks_per_s: float, peak_mb: float, params: int | None) -> dict:
    return {
        "dataset": "acme-kb",
        "cold_start_s": 1.5,
        "query_encode": {"n": 50, "p50_ms": encode_p50, "p95_ms": 2 * encode_p50, "mean_ms": encode_p50, "max_ms": 3 * encode_p50},
        "query_latency": {"n": 50, "p50_ms": query_p50, "p95_ms": 1.5 * query_p50, "mean_ms": query_p50, "max_ms": 2 * query_p50, "k": 10},
        "corpus_encode": {"chunks": 128, "batch_size": 64, "seconds": 128 / chunks_per_s, "chunks_per_s": chunks_per_s,
                          "chars_per_s": 300 * chunks_per_s, "mean_chunk_chars": 300.0},
        "memory": {"rss_before_mb": 900.0, "rss_peak_mb": 900.0 + peak_mb, "peak_above_before_mb": peak_mb,
                   "parameter_bytes": params, "sample_every_ms": 5.0, "repeated_after_imports": 0},
        "sample": {"queries": 50, "distinct_queries": 120, "chunks": 128, "distinct_chunks": 128, "warmup": 3, "seed": 0},
        "corpus": {"documents": 900, "chunks": 1800},
        "index_build": {"seconds": 42.0, "collection": "rs-base", "reused": False, "chunks": 1800, "added": 1800,
                        "embedded": 1800, "from_cache": 0},
    }


COST = {
    "baseline": figures(encode_p50=4.0, query_p50=6.0, chunks_per_s=200.0, peak_mb=120.0, params=90_000_000),
    "finetuned": figures(encode_p50=5.0, query_p50=7.5, chunks_per_s=100.0, peak_mb=130.0, params=90_000_000),
}
CARD = {
    **RUN_CARD,
    "baseline": "baseline",
    "corpus": {**RUN_CARD["corpus"], "split": "test"},
    "config": {"cost": {"corpus_documents": 1_000_000}, "finetune": {"train_split": "train"}},
    "leakage": {"finetuned": {"clean": True, "overridden": False, "overlaps": []}},
    "rollback": {"baseline": "baseline", "collection": f"rs-base{PAYLOAD}", "store": ".ragshift/chroma", "present": True},
    "cost": COST,
}


@pytest.fixture(scope="module")
def rows():
    return synthetic_rows(60, {"baseline": 0.45, "finetuned": 0.6})


@pytest.fixture(scope="module")
def comparison(rows):
    return compare_rows(rows, baseline="baseline", test="t-test", n_resamples=199)


@pytest.fixture(scope="module")
def report(rows, comparison):
    return build_report(rows, CARD, comparison)


def test_reembedding_time_is_corpus_size_over_measured_throughput() -> None:
    # 1,000,000 documents × 2 chunks each at 100 chunks/s: 20,000 s, 5.56 h
    assert reembed_seconds(1_000_000, chunks_per_document=2.0, chunks_per_second=100.0) == pytest.approx(20_000.0)
    assert reembed_seconds(1_000_000, chunks_per_document=2.0, chunks_per_second=100.0) / 3600 == pytest.approx(5.5556, abs=1e-4)
    for bad in (0.0, float("nan"), None):
        assert reembed_seconds(10, chunks_per_document=1.0, chunks_per_second=bad) is None  # type: ignore[arg-type]
    assert [fmt_duration(s) for s in (0.00042, 3.25, 900, 20_000, 400_000)] == ["0.42 ms", "3.2 s", "15 min", "5.6 h", "4.6 days"]


def test_worth_it_sets_gain_against_the_candidates_cost(report) -> None:
    w = report.worth
    assert w.metric == "ndcg@10" and [g.candidate for g in w.gains] == ["finetuned"]
    gain = w.gains[0]
    t = report.comparison.pairs[0].test("ndcg@10")
    assert (gain.stats, gain.verdict) == (t.stats, report.comparison.pairs[0].verdict.value)
    (s,) = w.spends
    assert s.documents == 1_000_000 and s.chunks_per_document == 2.0 and s.chunks_per_second == 100.0
    assert s.reembed_seconds == pytest.approx(20_000.0)  # the candidate's throughput, not the baseline's
    assert s.evaluated_documents == 900 and s.evaluated_reembed_seconds == pytest.approx(18.0)
    assert s.query_p50_change_ms == pytest.approx(1.5) and s.encode_p50_change_ms == pytest.approx(1.0)
    assert s.memory_change_mb == pytest.approx(10.0) and s.parameter_change_bytes == 0
    assert [(c.item, c.state) for c in w.checklist] == [
        ("baseline measured", OK), ("separate eval data", OK), ("regressions tested", OK), ("rollback ready", OK)]


def test_no_cost_no_worth_section(rows, comparison) -> None:
    assert build_report(rows, {**CARD, "cost": {}}, comparison).worth is None
    assert build_report([r for r in rows if r.system == "baseline"], CARD).worth is None  # nothing to compare


def test_baseline_measured() -> None:
    assert baseline_measured("base", 120).state == OK
    check = baseline_measured("base", 0)
    assert check.state == NOT_OK and "nothing to compare against" in check.reason


@pytest.mark.parametrize(
    ("kwargs", "state", "words"),
    [
        ({}, OK, "leakage check passed for 'ft'"),
        ({"leakage": {"ft": {"clean": False, "overridden": True, "overlaps": [{}, {}]}}}, NOT_OK, "overridden for 'ft': 2"),
        ({"eval_split": "train"}, NOT_OK, "the eval split is the training split 'train'"),
        ({"eval_split": None}, NOT_OK, "all splits, which include the training split"),
        ({"leakage": {}}, UNKNOWN, "no training manifest for 'ft'"),
        ({"leakage": {}, "train_split": None}, UNKNOWN, "eval split 'test'"),
    ],
)
def test_separate_eval_data(kwargs, state, words) -> None:
    facts = {"eval_split": "test", "train_split": "train", "candidates": ["ft"],
             "leakage": {"ft": {"clean": True, "overridden": False}}, **kwargs}
    check = separate_eval_data(**facts)
    assert check.state == state and words in check.reason, check


def test_regressions_tested(rows, comparison) -> None:
    assert regressions_tested(None).state == NOT_OK
    ok = regressions_tested(comparison)
    assert ok.state == OK and "verdict PASS" in ok.reason and "slices" in ok.reason
    worse = compare_rows(synthetic_rows(60, {"baseline": 0.6, "finetuned": 0.3}), baseline="baseline", test="t-test")
    failed = regressions_tested(worse)
    assert failed.state == NOT_OK and "verdict FAIL" in failed.reason
    overall_only = compare_rows(rows, baseline="baseline", test="t-test", slice_fields=(), auto_tags=False)
    assert regressions_tested(overall_only).state == NOT_OK
    from ragshift.harness.compare import RegressionPolicy

    unsure = compare_rows(synthetic_rows(40, {"baseline": 0.5, "finetuned": 0.5}), baseline="baseline", test="t-test",
                          policy=RegressionPolicy(mode="non-inferiority", max_drop=0.0))
    check = regressions_tested(unsure)
    assert check.state == NOT_OK and "non-inferiority" in check.reason and "verdict INCONCLUSIVE" in check.reason


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        (RollbackFacts("base", "rs-1", "store", present=True), OK),
        (RollbackFacts("base", "rs-1", "store", present=False), NOT_OK),
        (RollbackFacts("base", "rs-1", "store", present=None), UNKNOWN),
        (RollbackFacts("base", None), UNKNOWN),
        (RollbackFacts("base", "rs-1", present=True, alias="prod", alias_target="rsx-2", alias_baseline="rsx-1"), OK),
        (RollbackFacts("base", "rs-1", present=True, alias="prod", alias_target="rsx-1", alias_baseline="rsx-1"), OK),
        (RollbackFacts("base", "rs-1", present=True, alias="prod", alias_target="rsx-2"), NOT_OK),
    ],
)
def test_rollback_ready(facts, state) -> None:
    check = rollback_ready(facts)
    assert check.state == state and check.item == "rollback ready"


def test_rollback_facts_fall_back_to_the_baselines_index() -> None:
    card = {"baseline": "b", "corpus": {"name": "kb"}, "systems": {"b": {"indexes": {"kb": {"collection": "rs-b"}}}}}
    facts = RunCard.from_json(card).rollback_facts()
    assert (facts.collection, facts.present) == ("rs-b", None)  # named, but not looked up: unknown
    assert rollback_ready(facts).state == UNKNOWN


def test_html_has_the_sections_side_by_side_and_escaped(report) -> None:
    html = render_html(report)
    assert {"worth", "latency"} <= set(re.findall(r'<section id="([a-z]+)"', html))
    assert 'href="#worth"' in html and 'href="#latency">Latency and cost' in html
    worth = html[html.index('<section id="worth">'): html.index('<section id="slices">')]
    assert "Re-embedding 1,000,000 documents with finetuned: ≈ 5.6 h at the measured 100.0 chunks/s" in worth
    assert "Query latency p50 (encode + search): 6.00 → 7.50 ms (+1.50 ms)" in worth
    for item in ("baseline measured", "separate eval data", "regressions tested", "rollback ready"):
        assert f"<td>{item}</td>" in worth
    assert '<span class="pill pass">ok</span>' in worth
    assert "&lt;script&gt;" in worth and "<script" not in html.lower()  # the collection name carries the payload
    latency = html[html.index('<section id="latency">'): html.index('<section id="provenance">')]
    assert '<th class="n">baseline</th><th class="n">finetuned</th>' in latency
    assert "<td>corpus encode (chunks/s)</td><td class=\"n\">200.0</td><td class=\"n\">100.0</td>" in latency
    assert "re-embed 1,000,000 documents (estimate)" in latency and "2.8 h" in latency and "5.6 h" in latency
    assert "retrieve_ms_per_query" in latency  # the batched figure from the run's timings is kept


def test_markdown_and_json(report) -> None:
    md = render_markdown(report)
    assert "### Is it worth it?" in md and "### Latency and cost" in md
    assert "| measure | baseline | finetuned |" in md
    assert "| rollback ready | ✅ ok |" in md and "<script" not in md
    data = to_json(report)
    assert data["cost"]["finetuned"]["corpus_encode"]["chunks_per_s"] == 100.0
    worth = data["worth_it"]
    assert worth["costs"][0]["reembed_hours"] == pytest.approx(20_000 / 3600)
    assert [c["state"] for c in worth["checklist"]] == ["ok", "ok", "ok", "ok"]
    assert worth["gains"][0]["metric"] == "ndcg@10"
