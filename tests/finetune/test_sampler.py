"""The conflict-free batch sampler: no duplicate query, near-duplicate document or false negative in a batch."""

from __future__ import annotations

from itertools import combinations

import pytest

from ragshift.harness.finetune.data import build_training_set

datasets = pytest.importorskip("datasets")
sampler_module = pytest.importorskip("ragshift.adapters.training.sampler")


@pytest.fixture
def training_set(corpus):
    mined = {("t5", "ret"): ("ref",), ("t2", "inv"): ("tax",)}
    return build_training_set(
        corpus, corpus.select("train"), loss="mnrl", mined=mined, per_query=1, seed=0,
        near_duplicate=0.8, duplicate_documents=0.9,
    )


def make(ts, batch_size=4, drop_last=False, seed=7):
    dataset = datasets.Dataset.from_dict(ts.as_columns())
    factory = sampler_module.conflict_free(ts.occupies, ts.forbids)
    return factory(dataset, batch_size=batch_size, drop_last=drop_last, valid_label_columns=[], seed=seed)


def conflict(ts, i, j) -> bool:
    return bool(ts.occupies[i] & ts.forbids[j] or ts.occupies[j] & ts.forbids[i])


def test_batches_never_hold_conflicting_rows_and_cover_every_row(training_set) -> None:
    sampler = make(training_set)
    for epoch in range(3):
        sampler.set_epoch(epoch)
        batches = list(sampler)
        assert sorted(i for b in batches for i in b) == list(range(len(training_set)))
        for batch in batches:
            assert len(batch) <= 4
            assert not any(conflict(training_set, i, j) for i, j in combinations(batch, 2))
            texts = [v for i in batch for v in training_set.rows[i]]
            assert len(texts) == len(set(texts))  # what NoDuplicatesBatchSampler guarantees, too


def test_known_false_negative_pair_is_kept_apart(training_set) -> None:
    rows = training_set.rows
    refund = next(i for i, r in enumerate(rows) if r[0] == "How long does a refund take?")
    unused = next(i for i, r in enumerate(rows) if r[0] == "Can I return an item I did not use?")
    sampler = make(training_set, batch_size=len(rows))
    for epoch in range(5):
        sampler.set_epoch(epoch)
        assert not any(refund in b and unused in b for b in sampler)


def test_order_is_seeded_per_epoch(training_set) -> None:
    a, b = make(training_set), make(training_set)
    assert list(a) == list(b)
    b.set_epoch(1)
    assert list(a) != list(b)
    assert list(make(training_set, seed=8)) != list(a)


def test_drop_last_yields_only_full_batches(training_set) -> None:
    sampler = make(training_set, drop_last=True)
    batches = list(sampler)
    assert batches and all(len(b) == 4 for b in batches)
    assert len(sampler) == len(training_set) // 4


def test_key_sets_must_match_the_dataset(training_set) -> None:
    dataset = datasets.Dataset.from_dict(training_set.as_columns())
    with pytest.raises(ValueError, match="key sets"):
        sampler_module.ConflictFreeBatchSampler(
            dataset, 4, False, occupies=training_set.occupies[:-1], forbids=training_set.forbids
        )
