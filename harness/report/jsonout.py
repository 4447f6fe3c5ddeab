"""``to_json``: the machine-readable report (``summary.json``)."""

from __future__ import annotations

from typing import Any

from ragshift.harness.report.model import Report


def to_json(report: Report, *, include_rows: bool = False) -> dict[str, Any]:
    """Summary, comparison (tests, flips) and provenance; per-query rows only if asked."""
    data: dict[str, Any] = {
        "run_id": report.run_id,
        "title": report.title,
        "created": report.created,
        "ragshift_version": report.version,
        "systems": report.systems,
        "datasets": report.datasets,
        "metrics": list(report.metrics),
        "primary_metric": report.primary,
        "verdict": report.verdict,
        "summaries": [s.to_json() for s in report.summaries],
        "comparison": report.comparison.to_json() if report.comparison else None,
        "training_curves": {k: list(v) for k, v in report.training_curves.items()},
        "latency": dict(report.latency),
        "cost": dict(report.cost),
        "worth_it": report.worth.to_json() if report.worth else None,
        "decision": report.decision.to_json() if report.decision else None,
        "answers": report.answers.to_json() if report.answers else None,
        **({"bridges": [s.to_json() for s in report.bridges]} if report.bridges else {}),
        "run_card": dict(report.run_card),
    }
    if include_rows:
        data["rows"] = [r.to_json() for r in report.rows]
    return data
