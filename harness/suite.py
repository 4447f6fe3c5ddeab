"""A regression suite: one config evaluated once, per-embedder rows, and gates that write their own report.

Evaluation goes through ``run_eval``, so the embedding cache and the Chroma collections are reused:
a rerun with unchanged models embeds nothing. Under pytest-xdist, workers of one test run share a
single evaluation: the first evaluates under a file lock, the others read its published run folder.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.gates import (
    FailOn,
    ThresholdCheck,
    assert_at_least,
    GateLimits,
    compare_metric,
    metric_rows,
    require_not_worse,
)
from ragshift.harness.types import Row

if TYPE_CHECKING:
    from ragshift.harness.compare import Comparison, Mode
    from ragshift.harness.config import RunConfig
    from ragshift.harness.run import RunResult

XDIST_RUN = "PYTEST_XDIST_TESTRUNUID"
"""Set by pytest-xdist in every worker of one test run (the same value in all of them)."""


class Suite:
    """Evaluates every embedder of a config at most once; ``output`` overrides the config's ``[run] output``."""

    def __init__(self, config_path: str | Path, *, output: str | Path | None = None) -> None:
        from ragshift.harness.config import load_config

        self.path = Path(config_path).resolve()
        self.config: RunConfig = load_config(self.path)
        self.output = Path(output).resolve() if output is not None else self.config.run.output
        self.gate_reports: list[Path] = []
        self._result: RunResult | None = None

    @property
    def systems(self) -> list[str]:
        """System names in config order (each embedder's dense system, then ``[[systems]]``); the
        first is the default baseline."""
        return [s.name for s in self.config.all_systems]

    @property
    def result(self) -> RunResult:
        """The evaluation of every embedder (computed on first use)."""
        if self._result is None:
            self._result = self._shared_result() if os.environ.get(XDIST_RUN) else self._evaluate()
        return self._result

    @property
    def evaluated(self) -> bool:
        return self._result is not None

    @property
    def report_path(self) -> Path:
        return self.result.report_path

    def rows(self, system: str | None = None) -> list[Row]:
        """Per-query rows of one system (all when ``system`` is None)."""
        if system is not None:
            self.config.system(system)
        return [r for r in self.result.rows if system is None or r.system == system]

    def assert_not_worse(
        self,
        candidate: str,
        *,
        baseline: str | None = None,
        metric: str = "ndcg@10",
        max_drop: float | None = None,
        alpha: float | None = None,
        min_support: int | None = None,
        mode: Mode | None = None,
        slices: Sequence[str] | None = None,
        auto_tags: bool | None = None,
        fail_on: FailOn = "inconclusive",
    ) -> Comparison:
        """``ragshift.harness.gates.assert_not_worse`` on this suite's rows.

        Unset arguments come from the suite config: ``baseline`` from ``[compare] baseline`` (else the
        first embedder), ``max_drop`` / ``alpha`` / ``min_support`` from ``[policy]`` (max_drop,
        alpha, min_slice_size), ``slices`` / ``auto_tags`` and the test's settings from ``[compare]``.
        ``mode`` is ``[policy] mode`` when the config sets it, else ``"non-inferiority"`` (the gates'
        default, whatever ``ragshift eval`` uses). The policy's per-metric rules do not apply: the
        gate's arguments are its rule. The gate's report is written to
        ``<run folder>/gates/<name>/report.html`` first, so a failure can point at it.
        """
        __tracebackhide__ = True
        baseline = baseline or self.config.baseline
        for name in (baseline, candidate):
            self.config.system(name)
        configured = self.config.policy
        limits = GateLimits(
            configured.max_drop if max_drop is None else max_drop,
            configured.alpha if alpha is None else alpha,
            configured.min_slice_size if min_support is None else min_support,
            mode or (configured.mode if "mode" in configured.model_fields_set else "non-inferiority"),
        )
        policy = limits.policy(base=configured)
        section = self.config.compare.settings
        settings = section.updated(
            slice_fields=tuple(section.slice_fields if slices is None else slices),
            auto_tags=section.auto_tags if auto_tags is None else auto_tags,
        )
        rows = self.rows()
        comparison = compare_metric(rows, baseline=baseline, candidate=candidate, metric=metric, policy=policy, settings=settings)
        key = {"metric": metric, "policy": policy.model_dump(mode="json"), "settings": settings.model_dump(mode="json")}
        report = self._gate_report(rows, comparison, f"{candidate}-vs-{baseline}-{metric}-{stable_hash(key, 6)}")
        left_out = metric_rows(rows, [baseline, candidate], metric)[1]
        return require_not_worse(comparison, fail_on=fail_on, report=report, left_out=left_out)

    def assert_at_least(self, system: str, metric: str, threshold: float, *, slice: str = "all") -> ThresholdCheck:
        """``ragshift.harness.gates.assert_at_least`` on this suite's rows; a failure points at the run's report."""
        __tracebackhide__ = True
        return assert_at_least(self.rows(system), system=system, metric=metric, threshold=threshold, slice=slice,
                               report=self.report_path)

    def _evaluate(self) -> RunResult:
        from ragshift.harness.run import run_eval

        return run_eval(self.config, output=self.output)

    def _shared_result(self) -> RunResult:
        """Evaluate once per xdist test run: under a lock, the first worker evaluates; others read its folder."""
        from filelock import FileLock

        from ragshift.harness.rundir import RUN_CARD, SUMMARY, read_json, read_rows
        from ragshift.harness.run import RunResult

        shared = Path(tempfile.gettempdir()) / f"ragshift-xdist-{os.environ[XDIST_RUN]}"
        shared.mkdir(parents=True, exist_ok=True)
        key = stable_hash({"config": str(self.path), "fingerprint": self.config.fingerprint(), "output": str(self.output)})
        pointer = shared / f"{key}.json"
        with FileLock(str(shared / f"{key}.lock")):
            if not pointer.exists():
                result = self._evaluate()
                pointer.write_text(json.dumps({"run_dir": str(result.run_dir)}), encoding="utf-8")
                return result
        run_dir = Path(json.loads(pointer.read_text(encoding="utf-8"))["run_dir"])
        card = read_json(run_dir, RUN_CARD)
        verdict = read_json(run_dir, SUMMARY).get("verdict")
        return RunResult(card["run_id"], run_dir, list(read_rows(run_dir)), card, run_dir / "report.html", verdict)

    def _gate_report(self, rows: list[Row], comparison: Comparison, name: str) -> Path:
        """The gate's comparison (its metric, slices and policy) with both systems' full rows."""
        from ragshift.harness.report import build_report, write_report

        pair = comparison.pairs[0]
        metric = pair.metrics[0]
        chosen = [r for r in rows if r.system in (pair.baseline, pair.candidate)]
        title = f"ragshift gate: {pair.candidate} vs {pair.baseline} on {metric}"
        report = build_report(chosen, self.result.run_card, comparison, title=title, primary=metric)
        path = write_report(self.result.run_dir / "gates" / re.sub(r"[^A-Za-z0-9_.-]+", "_", name), report)["html"]
        self.gate_reports.append(path)
        return path
