"""compare_rows end to end on synthetic and hand-made rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ragshift.harness.compare import RegressionPolicy, Rule, Verdict, compare_rows
from ragshift.harness.compare.stats import holm
from ragshift.harness.errors import ConfigError, RagshiftError
from ragshift.harness.testing.rows import rows_with_deltas, synthetic_rows
from ragshift.harness.types import Hit, Row

FAST = {"n_resamples": 199, "test": "t-test"}


def row(system, qid, value, *, query="q", qtype=None, hits=(), relevant=None, dataset="default", **meta):
    return Row(system, qid, query, qtype, "test", {"ndcg@10": value}, tuple(Hit(d, 1.0 - i / 100) for i, d in enumerate(hits)),
               relevant or {}, meta, dataset)


@pytest.fixture(scope="module")
def regressed():
    """The candidate is better overall but much worse on error-code queries."""
    return synthetic_rows(160, {"baseline": 0.45, "candidate": 0.55}, type_effects={"candidate": {"errorcode": -0.35}})


def test_overall_test_matches_scipy_and_holm(regressed):
    c = compare_rows(regressed, baseline="baseline", **FAST)
    pair = c.pairs[0]
    base = np.array([r.metrics["ndcg@10"] for r in regressed if r.system == "baseline"])
    cand = np.array([r.metrics["ndcg@10"] for r in regressed if r.system == "candidate"])
    t = pair.test("ndcg@10").stats
    assert t.n == 160 and pair.n_paired == 160 and pair.unpaired == 0
    assert t.baseline_mean == pytest.approx(base.mean()) and t.candidate_mean == pytest.approx(cand.mean())
    assert t.p_value == pytest.approx(stats.ttest_rel(cand, base).pvalue)
    deciding = [x for x in pair.tests if x.deciding]
    assert [x.p_adjusted for x in deciding] == pytest.approx(list(holm([x.stats.p_value for x in deciding])))
    assert t.wins + t.ties + t.losses == 160


def test_regressed_slice_fails_the_candidate(regressed):
    c = compare_rows(regressed, baseline="baseline", **FAST)
    assert c.verdict is Verdict.FAIL
    worst_pair, worst = c.deciding_problems()[0]
    assert worst.verdict is Verdict.FAIL and worst.slice.label == "query_type=errorcode"
    assert worst.stats.delta < -0.1 and worst.stats.ci_high < 0


def test_clear_improvement_passes():
    rows = synthetic_rows(160, {"baseline": 0.4, "candidate": 0.6})
    c = compare_rows(rows, baseline="baseline", **FAST)
    assert c.verdict is Verdict.PASS
    assert c.pairs[0].test("ndcg@10").stats.delta > 0


def test_small_slices_show_but_never_decide():
    rows = []
    for i in range(40):  # 'rare' has 10 queries and collapses; 'common' is unchanged
        qtype = "rare" if i < 10 else "common"
        rows.append(row("base", f"q{i}", 0.9, qtype=qtype))
        rows.append(row("cand", f"q{i}", 0.1 if qtype == "rare" else 0.9, qtype=qtype))
    loose = RegressionPolicy(max_drop=0.5)  # tolerate the overall drop (0.2), not the slice's (0.8)
    c = compare_rows(rows, baseline="base", policy=loose, auto_tags=False, **FAST)
    rare = c.pairs[0].test("ndcg@10", "query_type=rare")
    assert rare.stats.n == 10 and not rare.deciding and rare.verdict is Verdict.FAIL
    assert c.verdict is Verdict.WARN  # only the overall, significant but tolerated drop counts
    strict = RegressionPolicy(max_drop=0.5, min_slice_size=10)
    assert compare_rows(rows, baseline="base", policy=strict, auto_tags=False, **FAST).verdict is Verdict.FAIL


def test_rule_can_make_a_metric_informational(regressed):
    policy = RegressionPolicy(rules=(Rule(slice="*=errorcode", decides=False), Rule(slice="tag=code", decides=False)))
    c = compare_rows(regressed, baseline="baseline", policy=policy, **FAST)
    assert all(not t.deciding for t in c.pairs[0].tests if t.slice.label == "query_type=errorcode")
    assert all(p[1].slice.label != "query_type=errorcode" for p in c.deciding_problems())


def test_slices_from_meta_fields_and_tags():
    texts = ["How does SSO work?", "sso setup", "What is a token?", "VPN setup", "reset", "reset"]
    rows = [row(s, f"q{i}", 0.5, query=t, team="a" if i < 3 else "b") for s in ("b", "c") for i, t in enumerate(texts)]
    c = compare_rows(rows, baseline="b", slice_fields=("team",), **FAST)
    members = {t.slice.label: t.stats.n for t in c.pairs[0].tests}
    assert list(members)[:3] == ["all", "team=a", "team=b"]
    assert members["form=question"] == 2 and members["tag=acronym"] == 2 and members["team=a"] == 3


def test_identical_slices_are_tested_once():
    rows = [row(s, f"q{i}", 0.5, query="ERR-1 fails" if i < 3 else "login", qtype="code" if i < 3 else "other")
            for s in ("b", "c") for i in range(6)]
    labels = [s.label for s in compare_rows(rows, baseline="b", **FAST).pairs[0].slices]
    assert "query_type=code" in labels and "tag=code" not in labels


def test_datasets_are_compared_separately():
    rows = synthetic_rows(40, {"base": 0.5, "cand": 0.5}, dataset="domain") + synthetic_rows(
        30, {"base": 0.5, "cand": 0.2}, dataset="general", seed=1
    )
    c = compare_rows(rows, baseline="base", **FAST)
    assert c.datasets == ("domain", "general")
    assert [(p.dataset, p.n_paired) for p in c.pairs] == [("domain", 40), ("general", 30)]
    assert c.pairs[1].verdict is Verdict.FAIL and c.verdict is Verdict.FAIL


def test_several_candidates_and_choice():
    rows = synthetic_rows(30, {"base": 0.5, "a": 0.5, "b": 0.6})
    assert compare_rows(rows, baseline="base", **FAST).candidates == ("a", "b")
    assert compare_rows(rows, baseline="base", candidates=["b"], **FAST).candidates == ("b",)


def test_unpaired_queries_are_counted_and_left_out():
    rows = [row("b", f"q{i}", 0.5) for i in range(5)] + [row("c", f"q{i}", 0.6) for i in range(2, 8)]
    pair = compare_rows(rows, baseline="b", **FAST).pairs[0]
    assert pair.n_paired == 3 and pair.unpaired == 5


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"baseline": "nope"}, ConfigError, "systems present: b, c"),
        ({"baseline": "b", "candidates": ["x"]}, ConfigError, "choose from: c"),
        ({"baseline": "b", "candidates": ["b"]}, ConfigError, "choose from: c"),
        ({"baseline": "b", "test": "wilcoxon"}, ConfigError, "permutation"),
        ({"baseline": "b", "n_resamples": 0}, ConfigError, "n_resamples"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    rows = [row("b", "q1", 0.5), row("c", "q1", 0.5)]
    with pytest.raises(error, match=match):
        compare_rows(rows, **kwargs)


def test_duplicate_query_is_an_error():
    rows = [row("b", "q1", 0.5), row("b", "q1", 0.4), row("c", "q1", 0.5)]
    with pytest.raises(RagshiftError, match="'q1' twice"):
        compare_rows(rows, baseline="b", **FAST)


def test_only_baseline_is_an_error():
    with pytest.raises(ConfigError, match="nothing to compare"):
        compare_rows([row("b", "q1", 0.5)], baseline="b", **FAST)


def test_flips_report_both_rankings():
    rel = {"good": 2, "meh": 1, "junk": 0}
    rows = [
        row("b", "q1", 1.0, query="lost one", hits=("good", "x", "y"), relevant=rel),
        row("c", "q1", 0.0, query="lost one", hits=("x", "y", "z", "good"), relevant=rel),
        row("b", "q2", 0.0, query="gained one", hits=("x", "y", "z"), relevant={"meh": 1}),
        row("c", "q2", 1.0, query="gained one", hits=("meh", "x"), relevant={"meh": 1}),
        row("b", "q3", 1.0, query="steady", hits=("junk", "good"), relevant=rel),
        row("c", "q3", 1.0, query="steady", hits=("good", "junk"), relevant=rel),
    ]
    flips = compare_rows(rows, baseline="b", flip_k=3, **FAST).pairs[0].flips
    assert [(f.direction, f.qid, f.doc_id, f.baseline_rank, f.candidate_rank) for f in flips] == [
        ("lost", "q1", "good", 1, 4),
        ("gained", "q2", "meh", None, 1),
    ]
    assert flips[0].baseline_top == ("good", "x", "y") and flips[0].candidate_top == ("x", "y", "z")
    assert flips[0].query == "lost one" and flips[0].grade == 2


def test_same_seed_same_result(regressed):
    a = compare_rows(regressed, baseline="baseline", n_resamples=199, seed=4)
    b = compare_rows(regressed, baseline="baseline", n_resamples=199, seed=4)
    assert a.to_json() == b.to_json()


def test_coarse_permutations_are_flagged(regressed):
    c = compare_rows(regressed, baseline="baseline", n_resamples=99, test="permutation")
    assert "raise n_resamples" in c.resolution_warning()
    assert compare_rows(regressed, baseline="baseline", **FAST).resolution_warning() is None


def test_to_json_is_plain_data(regressed):
    import json

    data = compare_rows(regressed, baseline="baseline", **FAST).to_json()
    text = json.dumps(data, allow_nan=False)
    assert data["verdict"] == "fail" and data["policy"]["correction"] == "holm"
    assert {"slice", "p_adjusted", "deciding", "verdict", "reason"} <= set(data["pairs"][0]["tests"][0])
    assert "flips" in data["pairs"][0] and len(text) > 1000


def test_nan_scores_drop_only_their_pairs():
    rows = [row("b", f"q{i}", 0.5) for i in range(6)] + [row("c", f"q{i}", float("nan") if i < 2 else 0.7) for i in range(6)]
    t = compare_rows(rows, baseline="b", **FAST).pairs[0].test("ndcg@10")
    assert t.stats.n == 4 and t.stats.delta == pytest.approx(0.2)


def test_settings_value_object_and_overrides():
    from ragshift.harness.compare import CompareSettings

    rows = synthetic_rows(30, {"base": 0.5, "cand": 0.6})
    settings = CompareSettings(test="t-test", n_resamples=199, slice_fields=(), auto_tags=False)
    c = compare_rows(rows, baseline="base", settings=settings)
    assert c.settings == settings and {t.slice.label for t in c.pairs[0].tests} == {"all"}
    assert compare_rows(rows, baseline="base", settings=settings, seed=3).settings == settings.updated(seed=3)
    with pytest.raises(ConfigError, match="valid: test, n_resamples, confidence_level, seed, slice_fields"):
        compare_rows(rows, baseline="base", slices=("x",))
    data = c.to_json()
    assert (data["test"], data["n_resamples"], data["slice_fields"]) == ("t-test", 199, [])


def test_non_inferiority_policy_gives_inconclusive_and_the_queries_to_resolve_it():
    deltas = [0.095 if i % 2 else -0.105 for i in range(60)]  # Δ -0.005, SD 0.1 on 60 queries: cannot tell
    rows = rows_with_deltas([0.5] * 60, deltas, systems=("base", "cand"))
    policy = RegressionPolicy(mode="non-inferiority", max_drop=0.01)
    c = compare_rows(rows, baseline="base", policy=policy, slice_fields=(), auto_tags=False, **FAST)
    t = c.pairs[0].test("ndcg@10")
    assert t.verdict is Verdict.INCONCLUSIVE and c.verdict is Verdict.INCONCLUSIVE and c.verdict.blocks
    assert t.stats.lower_bound < -0.01 <= t.stats.upper_bound and t.queries_needed > 60
    assert f"about {t.queries_needed:,} paired queries (now 60)" in t.reason
    assert c.deciding_problems() == [(c.pairs[0], t)]
    assert c.resolution_warning() is None  # bounds, not p-values, decide
    data = c.to_json()
    assert data["verdict"] == "inconclusive" and data["policy"]["mode"] == "non-inferiority"
    first = data["pairs"][0]["tests"][0]
    assert first["queries_needed"] == t.queries_needed and first["lower_bound"] == t.stats.lower_bound
    same = compare_rows(rows, baseline="base", policy=RegressionPolicy(max_drop=0.01), slice_fields=(), auto_tags=False, **FAST)
    assert same.verdict in (Verdict.PASS, Verdict.WARN)  # the significance mode lets the same data through


def test_queries_of_two_datasets_pair_by_dataset_even_when_qids_collide():
    rows = [row(s, f"q{i}", v, dataset=d) for d, v_b, v_c in (("scifact", 0.5, 0.5), ("nfcorpus", 0.8, 0.2))
            for i in range(25) for s, v in (("b", v_b), ("c", v_c))]
    c = compare_rows(rows, baseline="b", auto_tags=False, **FAST)
    assert [(p.dataset, p.n_paired, round(p.test("ndcg@10").stats.delta, 3)) for p in c.pairs] == [
        ("scifact", 25, 0.0), ("nfcorpus", 25, -0.6)
    ]
    assert [(p.dataset, t.slice.label) for p, t in c.deciding_problems()] == [("nfcorpus", "all")]
    with pytest.raises(RagshiftError, match="'q1' twice in dataset 'nfcorpus'"):
        compare_rows(rows + [row("b", "q1", 0.3, dataset="nfcorpus")], baseline="b", **FAST)


def test_rows_carry_their_dataset_and_old_rows_still_read():
    new = row("b", "q1", 0.5, dataset="scifact")
    data = new.to_json()
    assert data["dataset"] == "scifact" and "dataset" not in data["meta"]
    assert Row.from_json(data) == new
    old = {k: v for k, v in data.items() if k != "dataset"}
    assert Row.from_json(old).dataset == "default"  # written before rows named a dataset
    legacy = {**old, "meta": {"dataset": "scifact", "team": "a"}}  # the dataset used to live in meta
    read = Row.from_json(legacy)
    assert (read.dataset, dict(read.meta)) == ("scifact", {"team": "a"})


def test_tests_above_resample_max_n_say_they_are_student_t(regressed):
    # `regressed` has 60+ queries; a tiny resample_max_n makes the overall test Student-t, and the
    # comparison says so (report, markdown, JSON) instead of silently changing method.
    c = compare_rows(regressed, baseline="baseline", n_resamples=199, test="permutation", resample_max_n=30)
    overall = c.pairs[0].test("ndcg@10")
    base = np.array([r.value("ndcg@10") for r in regressed if r.system == "baseline"])
    cand = np.array([r.value("ndcg@10") for r in regressed if r.system != "baseline"])
    assert overall.stats.n > 30
    assert overall.stats.p_value == pytest.approx(stats.ttest_rel(cand, base).pvalue)
    assert "paired t-test" in c.large_n_note() and "resample_max_n" in c.to_json()["large_n_note"]
    assert compare_rows(regressed, baseline="baseline", n_resamples=199).large_n_note() is None
    with pytest.raises(ConfigError):
        compare_rows(regressed, baseline="baseline", resample_max_n=1)
