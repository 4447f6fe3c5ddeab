"""The example regression suite (README): gates over the bundled ACME corpus with the packaged MiniLM."""

import pytest

from harness.gates import GateFailure

pytestmark = [pytest.mark.slow, pytest.mark.ragshift(config="acme_suite.toml")]


def test_candidate_is_not_worse_than_baseline(ragshift):
    # ndcg@10 may not drop by more than 0.01, overall and for every query type with >= 20 queries.
    ragshift.assert_not_worse("candidate", metric="ndcg@10", max_drop=0.01)
    ragshift.assert_at_least("candidate", "recall@10", 0.8, slice="query_type=acronym")


@pytest.mark.xfail(raises=GateFailure, strict=True, reason="the gate must catch a degraded embedder")
def test_gate_catches_a_degraded_embedder(ragshift):
    ragshift.assert_not_worse("degraded", metric="ndcg@10", max_drop=0.01)
