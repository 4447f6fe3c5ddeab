"""Hard-negative mining: rank window, margin, never a judged-relevant document."""

from __future__ import annotations

import numpy as np
import pytest

from ragshift.harness.finetune.negatives import mine_hard_negatives
from ragshift.harness.testing.embedders import KeywordEmbedder

VOCAB = ("password", "reset", "account", "refund", "card", "days", "office", "closed", "lunch", "security")
DOCS = {
    "pw": "reset password account security",
    "pw-copy": "Reset password, account security!",
    "acct": "account security settings",
    "sec": "security password policy",
    "pw-old": "reset password",
    "ref": "refund card days",
    "hol": "office closed",
    "lunch": "lunch office",
}
QUERIES = {"q1": "reset my account password", "q2": "refund to my card"}
QRELS = {"q1": {"pw": 2, "pw-old": 1, "sec": 0}, "q2": {"ref": 1}}


def mine(**kw):
    emb = KeywordEmbedder(VOCAB)
    args = dict(window=(1, 8), margin=0.0, per_query=3, duplicate_threshold=0.9)
    args.update(kw)
    return mine_hard_negatives(
        queries=QUERIES,
        query_vectors=emb.embed_queries(list(QUERIES.values())),
        documents=DOCS,
        document_vectors=emb.embed_documents(list(DOCS.values())),
        qrels=QRELS,
        **args,
    )


def test_never_returns_a_judged_relevant_document_or_its_near_duplicate() -> None:
    result = mine(per_query=10)
    for (qid, pos), negatives in result.negatives.items():
        assert pos in QRELS[qid] and QRELS[qid][pos] > 0
        assert not {n for n in negatives if QRELS[qid].get(n, 0) > 0}
        assert "pw-copy" not in negatives if qid == "q1" else True
    assert set(result.negatives) == {("q1", "pw"), ("q1", "pw-old"), ("q2", "ref")}
    assert result.stats.skipped_relevant >= 2 and result.stats.skipped_duplicate >= 1


def test_judged_non_relevant_documents_are_eligible() -> None:
    assert "sec" in mine(per_query=10).negatives[("q1", "pw")]


def test_margin_keeps_negatives_below_the_positive() -> None:
    emb = KeywordEmbedder(VOCAB)
    q = emb.embed_queries([QUERIES["q1"]])[0]
    score = {d: float(emb.embed_documents([t])[0] @ q) for d, t in DOCS.items()}
    result = mine(margin=0.45, per_query=10)
    for pos in ("pw", "pw-old"):
        assert all(score[n] <= score[pos] - 0.45 for n in result.negatives[("q1", pos)])
    assert result.stats.skipped_margin > 0


def test_window_and_per_query_limit_the_choice() -> None:
    result = mine(window=(1, 3), per_query=1)
    assert all(len(n) <= 1 for n in result.negatives.values())
    # ranks for q1: pw, pw-copy, pw-old (relevant or duplicates), then acct (4), sec (5, tie broken by order)
    assert mine(window=(1, 8), per_query=10).negatives[("q1", "pw")][:2] == ("acct", "sec")
    assert mine(window=(5, 8), per_query=10).negatives[("q1", "pw")][0] == "sec"


def test_check_can_veto_candidates() -> None:
    seen = []

    def check(query, positives, candidates):
        seen.append((query, tuple(positives)))
        return [c != DOCS["acct"] for c in candidates]

    result = mine(per_query=10, check=check)
    assert "acct" not in result.negatives[("q1", "pw")]
    assert result.stats.skipped_check >= 1
    assert seen and seen[0][1]


def test_stats_are_json_ready() -> None:
    stats = mine().stats.to_json()
    assert stats["pairs"] == 3 and stats["negatives_mined"] == sum(len(n) for n in mine().negatives.values())
    assert np.isfinite(stats["mean_positive_score"])


@pytest.mark.slow
def test_cross_encoder_check_drops_a_candidate_scored_like_a_positive(minilm_path) -> None:
    checks = pytest.importorskip("ragshift.adapters.training.checks")
    # MiniLM has no cross-encoder head (a fresh one is made), but a copy of the positive scores exactly like it
    check = checks.cross_encoder_check(minilm_path)
    positive = DOCS["pw"]
    flags = check(QUERIES["q1"], [positive], [positive, DOCS["lunch"]])
    assert len(flags) == 2 and flags[0] is False
