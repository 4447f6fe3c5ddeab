"""Share of a full re-embed's gain a bridge keeps (paired bootstrap CI), and the bridge's cost in "Is it worth it?"."""

from __future__ import annotations

import numpy as np
import pytest

from ragshift.harness.bridge.share import BridgeTriple, bridge_cost, bridge_triples, gain_shares, share_of_gain, with_bridge_cost
from ragshift.harness.types import Row
from ragshift.harness.report.worth import spend

NAMES = BridgeTriple("bridged", "old", "new")


def test_share_is_the_bridges_gain_over_the_full_gain_with_a_ci() -> None:
    rng = np.random.default_rng(0)
    old = rng.uniform(0.2, 0.6, 300)
    new = old + rng.uniform(0.0, 0.4, 300)
    bridge = old + 0.5 * (new - old) + rng.normal(0, 0.01, 300)
    s = share_of_gain(old, new, bridge, names=NAMES, n_resamples=999)
    assert s.share == pytest.approx(0.5, abs=0.02)
    assert s.ci_low < s.share < s.ci_high and s.ci_high - s.ci_low < 0.1
    assert s.full_gain_ci[0] > 0 and s.note == ""
    assert s.bridge_gain == pytest.approx(s.share * s.full_gain)


def test_no_share_without_a_clear_full_gain() -> None:
    rng = np.random.default_rng(1)
    old = rng.uniform(0, 1, 50)
    new = old + rng.normal(0, 0.2, 50) - 0.01  # the re-embed gains nothing clear
    s = share_of_gain(old, new, old, names=NAMES, n_resamples=499)
    assert s.share is None and s.ci_low is None and "not clearly above 0" in s.note
    assert share_of_gain(old, old, old, names=NAMES).share is None  # every query tied


CARD = {
    "systems": {
        "old": {"fingerprint": "A", "embedder": {"kind": "sentence-transformers"}},
        "new": {"fingerprint": "B", "embedder": {"kind": "sentence-transformers"}},
        "bridged": {"fingerprint": "X", "embedder": {"kind": "bridged", "bridge": {
            "from": {"name": "base", "fingerprint": "A"}, "to": {"name": "tuned", "fingerprint": "B"},
            "map": {"kind": "orthogonal"}, "sample": {"chunks": 2000}, "timings": {"fit_s": 0.5, "embed_s_to": 90.0}}}},
        "stray": {"fingerprint": "Y", "embedder": {"kind": "bridged", "bridge": {
            "from": {"fingerprint": "A"}, "to": {"fingerprint": "C"}}}},  # its new model was not evaluated
    },
}


def rows(system: str, values: list[float]) -> list[Row]:
    return [Row(system, f"q{i}", "", "kw" if i % 2 else "qa", "test", {"ndcg@10": v}, meta={"dataset": "d"})
            for i, v in enumerate(values)]


def test_triples_are_found_by_fingerprint_and_shares_come_per_query_type() -> None:
    assert bridge_triples(CARD) == [NAMES]
    assert bridge_triples({"systems": {"a": {"model": "m"}, "b": {}}}) == []  # no bridge: no triple of unknowns
    rng = np.random.default_rng(2)
    old = rng.uniform(0.2, 0.6, 60)
    new = old + rng.uniform(0.1, 0.3, 60)
    found = gain_shares(rows("old", list(old)) + rows("new", list(new)) + rows("bridged", list((old + new) / 2)),
                        CARD, metric="ndcg@10", n_resamples=199, min_slice_size=30)
    assert [(s.slice, s.n) for s in found] == [("all", 60), ("query_type=qa", 30), ("query_type=kw", 30)]
    assert all(s.share == pytest.approx(0.5) for s in found)
    assert gain_shares(rows("old", [0.1, 0.2]), {"systems": {}}, metric="ndcg@10") == ()


def test_bridge_cost_replaces_the_re_embed_in_worth_it() -> None:
    cost = {
        "old": {"corpus_encode": {"chunks_per_s": 20.0}, "corpus": {"documents": 100, "chunks": 150}},
        "new": {"corpus_encode": {"chunks_per_s": 10.0}, "corpus": {"documents": 100, "chunks": 150}},
        "bridged": {"corpus_encode": {"chunks_per_s": 20.0}, "corpus": {"documents": 100, "chunks": 150}},
    }
    found = bridge_cost("bridged", CARD, cost, documents=1_000_000)
    assert found.embed_seconds == pytest.approx(200.0) and found.fit_seconds == 0.5 and found.seconds == pytest.approx(200.5)
    assert found.full_reembed_seconds == pytest.approx(150_000.0)
    assert "no document is re-embedded; one-time cost ≈ 3 min" in found.sentence()
    assert "a full re-embed of the 1,000,000 documents with new instead: ≈ 41.7 h" in found.sentence()
    without = bridge_cost("bridged", CARD, {}, documents=10)  # the new model's throughput was not measured
    assert without.embed_seconds == 90.0 and "as timed by `ragshift bridge`" in without.sentence()
    assert bridge_cost("new", CARD, cost, documents=10) is None
    replaced = with_bridge_cost(spend("bridged", "old", cost, documents=1_000_000), CARD, cost)
    assert replaced.bridge == found and replaced.reembed_seconds is None
    assert replaced.to_json()["bridge"]["seconds"] == pytest.approx(200.5)
    plain = spend("new", "old", cost, documents=1_000_000)
    assert with_bridge_cost(plain, CARD, cost) is plain
