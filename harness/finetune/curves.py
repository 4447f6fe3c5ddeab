"""Train-sample vs dev nDCG@10 per epoch: the overfitting evidence saved with every fine-tune."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TRAIN_KEY = "train_ndcg@10"
DEV_KEY = "dev_ndcg@10"


@dataclass(frozen=True)
class Point:
    epoch: float
    step: int
    train: float | None
    dev: float | None

    @property
    def gap(self) -> float | None:
        return None if self.train is None or self.dev is None else self.train - self.dev


@dataclass(frozen=True)
class Curves:
    points: tuple[Point, ...]
    tolerance: float

    @classmethod
    def from_log(cls, log: Iterable[Mapping[str, Any]], *, tolerance: float, prefix: str = "eval_") -> Curves:
        """Points from a trainer's log history (entries holding ``{prefix}dev_ndcg@10`` etc.)."""
        points: dict[int, Point] = {}
        for entry in log:
            train, dev = entry.get(prefix + TRAIN_KEY), entry.get(prefix + DEV_KEY)
            if train is None and dev is None:
                continue
            step = int(entry.get("step", 0))
            points[step] = Point(round(float(entry.get("epoch", 0.0)), 4), step, train, dev)
        return cls(tuple(points[s] for s in sorted(points)), tolerance)

    @property
    def best(self) -> Point | None:
        """The trained point (not the start) with the highest dev score; ties go to the earlier one."""
        trained = [p for p in self.points if p.step > 0 and p.dev is not None]
        return max(trained, key=lambda p: (p.dev, -p.step)) if trained else None

    @property
    def widening_gap(self) -> bool:
        """The train-dev gap at the end exceeds its smallest value by more than ``tolerance``."""
        gaps = [p.gap for p in self.points if p.gap is not None]
        return len(gaps) >= 2 and gaps[-1] - min(gaps) > self.tolerance

    @property
    def dev_improved(self) -> bool | None:
        """Whether the best trained dev score beats the base model's (the step-0 point)."""
        start = next((p for p in self.points if p.step == 0 and p.dev is not None), None)
        best = self.best
        return None if start is None or best is None else best.dev > start.dev

    def flags(self) -> list[str]:
        out = []
        if self.widening_gap:
            gaps = [p.gap for p in self.points if p.gap is not None]
            out.append(
                f"overfitting: train-dev nDCG@10 gap widened from {min(gaps):.3f} to {gaps[-1]:.3f} "
                f"(tolerance {self.tolerance:g})"
            )
        if self.dev_improved is False:
            out.append("no trained epoch beat the base model on dev")
        return out

    def to_json(self) -> dict[str, Any]:
        best = self.best
        return {
            "metric": "ndcg@10",
            "points": [
                {"epoch": p.epoch, "step": p.step, "train": p.train, "dev": p.dev, "gap": p.gap} for p in self.points
            ],
            "best": None if best is None else {"epoch": best.epoch, "step": best.step, "dev": best.dev},
            "widening_gap": self.widening_gap,
            "dev_improved": self.dev_improved,
            "flags": self.flags(),
        }
