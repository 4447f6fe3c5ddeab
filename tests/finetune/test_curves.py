"""Train vs dev curves: best epoch, widening-gap flag, no-improvement flag."""

from __future__ import annotations

from ragshift.harness.finetune.curves import Curves


def log(*points: tuple[int, float, float]) -> list[dict]:
    entries = [{"loss": 1.0, "step": 1, "epoch": 0.5}]  # a training-loss entry: ignored
    entries += [
        {"step": s, "epoch": float(s), "eval_train_ndcg@10": t, "eval_dev_ndcg@10": d} for s, t, d in points
    ]
    return entries


def test_best_is_the_highest_dev_among_trained_points() -> None:
    curves = Curves.from_log(log((0, 0.5, 0.5), (1, 0.6, 0.58), (2, 0.7, 0.57)), tolerance=0.05)
    assert curves.best.step == 1
    assert curves.dev_improved is True
    assert [p.step for p in curves.points] == [0, 1, 2]


def test_widening_gap_is_flagged() -> None:
    curves = Curves.from_log(log((0, 0.5, 0.5), (1, 0.7, 0.55), (2, 0.9, 0.52)), tolerance=0.05)
    assert curves.widening_gap
    assert any("overfitting" in f for f in curves.flags())
    assert curves.to_json()["widening_gap"] is True


def test_steady_gap_is_not_flagged() -> None:
    curves = Curves.from_log(log((0, 0.5, 0.45), (1, 0.6, 0.55), (2, 0.65, 0.6)), tolerance=0.05)
    assert not curves.widening_gap and curves.flags() == []


def test_no_improvement_over_base_is_flagged() -> None:
    curves = Curves.from_log(log((0, 0.5, 0.6), (1, 0.55, 0.58)), tolerance=0.05)
    assert curves.dev_improved is False
    assert "no trained epoch beat the base model on dev" in curves.flags()


def test_without_dev_there_is_no_best() -> None:
    entries = [{"step": s, "epoch": float(s), "eval_train_ndcg@10": 0.5} for s in (0, 1)]
    curves = Curves.from_log(entries, tolerance=0.05)
    assert curves.best is None and curves.dev_improved is None and not curves.widening_gap
