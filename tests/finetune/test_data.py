"""Training rows from qrels: one data shape per loss, graded scores, duplicates, conflict keys."""

from __future__ import annotations

import pytest
from finetune_fixtures import DOCS

from ragshift.harness.errors import ConfigError
from ragshift.harness.finetune.data import build_training_set
from ragshift.harness.finetune.evalsets import build_eval_sets, sample_queries, split_dev

OPTS = dict(per_query=1, seed=0, near_duplicate=0.8, duplicate_documents=0.9)


def build(corpus, loss, mined=None, **kw):
    return build_training_set(corpus, corpus.select("train"), loss=loss, mined=mined, **{**OPTS, **kw})


def rows_by_pair(ts) -> dict[tuple[str, str], float]:
    return {(r[0], r[1]): r[2] for r in ts.rows}


def test_graded_qrels_become_scores_in_unit_range(corpus) -> None:
    ts = build(corpus, "cosent")
    assert ts.columns == ("sentence_A", "sentence_B", "score")
    scores = rows_by_pair(ts)
    assert scores[("How long does a refund take?", DOCS["ref"])] == 1.0
    assert scores[("How long does a refund take?", DOCS["ret"])] == 0.5
    # judged 0 in the qrels: an explicit negative pair
    assert scores[("How long does a refund take?", DOCS["gift"])] == 0.0
    assert all(0.0 <= r[2] <= 1.0 for r in ts.rows)
    assert ts.summary["judged_non_relevant_pairs"] == 1
    # every positive pair has a random negative (score 0) of a document not judged relevant
    negatives = [r for r in ts.rows if r[2] == 0.0]
    assert ts.summary["negatives_random"] >= 16 and len(negatives) >= 16


def test_mnrl_pairs_drop_near_duplicate_positives_of_one_query(corpus) -> None:
    ts = build(corpus, "mnrl")
    assert ts.columns == ("anchor", "positive")
    # t1 has pw and pw2, near-duplicates: one pair is kept
    assert [r for r in ts.rows if r[0] == "How do I reset my password?"] == [
        ("How do I reset my password?", DOCS["pw"])
    ]
    s = ts.summary
    assert (s["pairs"], s["duplicates_dropped"], s["rows"]) == (18, 1, 17)
    assert s["negatives_mined"] == s["negatives_random"] == 0
    assert len(s["examples"]) == 3 and set(s["examples"][0]) == {"anchor", "positive"}


def test_mined_negatives_fill_fixed_columns(corpus) -> None:
    mined = {("t2", "inv"): ("tax", "exp")}
    ts = build(corpus, "mnrl", mined=mined, per_query=2)
    assert ts.columns == ("anchor", "positive", "negative_1", "negative_2")
    row = next(r for r in ts.rows if r[0] == "When are invoices sent?")
    assert row[2:] == (DOCS["tax"], DOCS["exp"])
    assert ts.summary["negatives_mined"] == 2
    assert ts.summary["negatives_random"] == 2 * (17 - 1)


def test_random_negatives_are_never_judged_relevant(corpus) -> None:
    ts = build(corpus, "triplet", per_query=3)
    assert ts.columns == ("anchor", "positive", "negative")
    relevant = {
        (corpus.queries[q].text, corpus.documents[d].text)
        for q, rel in corpus.qrels.items()
        for d, s in rel.items()
        if s > 0
    }
    assert all((r[0], r[2]) not in relevant for r in ts.rows)
    # near-duplicate of a positive is excluded too
    assert all(not (r[0] == "How do I reset my password?" and r[2] == DOCS["pw2"]) for r in ts.rows)
    assert len(ts) == 17 * 3


def test_conflict_keys_cover_queries_duplicates_and_relevance(corpus) -> None:
    mined = {("t5", "ret"): ("ref",)}  # a positive of t3 (refund) as t5's negative
    ts = build(corpus, "mnrl", mined=mined)
    index = {(r[0], r[1]): i for i, r in enumerate(ts.rows)}
    refund = index[("How long does a refund take?", DOCS["ref"])]
    unused = index[("Can I return an item I did not use?", DOCS["ret"])]

    def conflict(i: int, j: int) -> bool:
        return bool(ts.occupies[i] & ts.forbids[j] or ts.occupies[j] & ts.forbids[i])

    # t3's other positive ("ret") is in t5's row; and t5's negative "ref" is t3's positive
    assert conflict(refund, unused)
    lunch = index[("When is lunch served?", DOCS["lunch"])]
    assert not conflict(refund, lunch)


def test_deterministic_for_a_seed(corpus) -> None:
    assert build(corpus, "triplet").rows == build(corpus, "triplet").rows
    assert build(corpus, "triplet").rows != build(corpus, "triplet", seed=1).rows


def test_no_pairs_is_a_config_error(corpus) -> None:
    with pytest.raises(ConfigError, match="no judged"):
        build_training_set(corpus, [], loss="mnrl", mined=None, **OPTS)


def test_unknown_loss_is_rejected(corpus) -> None:
    with pytest.raises(ConfigError, match="valid: mnrl, cached-mnrl, gist, cached-gist, margin-mse, triplet, cosent, cosine"):
        build(corpus, "contrastive")


def test_dev_is_carved_from_train_by_seed(corpus) -> None:
    train_split = corpus.select("train")
    train, dev = split_dev(train_split, fraction=0.25, seed=3, near_duplicate=0.8)
    assert len(dev) == 4 and len(train) == 12
    assert {q.split for q in dev} == {"train"}
    assert not {q.qid for q in train} & {q.qid for q in dev}
    assert split_dev(train_split, fraction=0.25, seed=3, near_duplicate=0.8)[1] == dev
    everything = sorted(train_split, key=lambda q: q.qid)
    assert split_dev(train_split, fraction=0.0, seed=3, near_duplicate=0.8) == (everything, [])


def test_eval_pool_holds_every_judged_document(corpus) -> None:
    train, dev = split_dev(corpus.select("train"), fraction=0.25, seed=3, near_duplicate=0.8)
    sample = sample_queries(train, 4, seed=3)
    sets = build_eval_sets(corpus, {"train": sample, "dev": dev}, pool_size=12, seed=3)
    judged = {d for q in sample + dev for d in corpus.qrels[q.qid]}
    assert judged <= set(sets.documents) and len(sets.documents) == max(12, len(judged))
    assert set(sets.queries) == {"train", "dev"} and len(sets.queries["train"]) == 4
