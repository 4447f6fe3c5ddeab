"""``render_html``: one self-contained HTML file (inline CSS and SVG, no script), autoescaped Jinja."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ragshift.harness.diagnosis import describe as describe_diagnosis
from ragshift.harness.compare.model import PairComparison
from ragshift.harness.numbers import is_finite
from ragshift.harness.report import charts
from ragshift.harness.report.cost import PILL, cost_table, gain_line, spend_lines, target_documents
from ragshift.harness.report.model import Report
from ragshift.harness.report.summary import query_deltas

TEMPLATES = Path(__file__).with_name("templates")
FLIP_LIMIT = 25
DROP_LIMIT = 10


def fmt_num(v: Any, digits: int = 4) -> str:
    return f"{v:.{digits}f}" if is_finite(v) else "—"


def fmt_signed(v: Any, digits: int = 4) -> str:
    return f"{v:+.{digits}f}" if is_finite(v) else "—"


def fmt_p(v: Any) -> str:
    if not is_finite(v):
        return "—"
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def fmt_value(v: Any) -> str:
    """Run-card values: numbers compact, containers as compact JSON."""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
    return "—" if v is None else str(v)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_num, signed=fmt_signed, pval=fmt_p, value=fmt_value)
    return env


def _pair_view(report: Report, pair: PairComparison, colors: dict[str, str]) -> dict[str, Any]:
    primary = report.primary
    forest = charts.forest_plot(
        [
            charts.ForestItem(t.slice.label, t.stats.delta, t.stats.ci_low, t.stats.ci_high, t.verdict.value, t.stats.n, not t.deciding)
            for t in pair.tests
            if t.metric == primary
        ],
        x_label=f"Δ {primary} (candidate − baseline), {report.comparison.settings.confidence_level:.0%} bootstrap CI",
    )
    deltas = query_deltas(report.rows, pair.dataset, pair.baseline, pair.candidate, primary) if primary else []
    edges = [round(-1.05 + 0.1 * i, 2) for i in range(22)]  # zero sits mid-bin
    delta_hist = charts.histogram(
        {f"Δ {primary} per query": [d.delta for d in deltas]}, edges=edges,
        x_label=f"per-query Δ {primary}", colors={f"Δ {primary} per query": colors.get(pair.candidate, "#2563eb")},
        x_ticks=[-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1],
    ) if deltas else Markup("")
    lost = [f for f in pair.flips if f.direction == "lost"]
    gained = [f for f in pair.flips if f.direction == "gained"]
    return {
        "pair": pair,
        "overall": [t for t in pair.tests if t.slice.label == "all"],
        "forest": forest,
        "delta_hist": delta_hist,
        "drops": [d for d in deltas if d.delta < 0][:DROP_LIMIT],
        "lost": lost[:FLIP_LIMIT],
        "gained": gained[:FLIP_LIMIT],
        "n_lost": len(lost),
        "n_gained": len(gained),
    }


def _dataset_charts(report: Report, colors: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for dataset in report.datasets:
        sums = [s for s in report.summaries if s.dataset == dataset]
        curves = {s.system: s.recall_curve() for s in sums if s.recall_curve()}
        recall = charts.line_chart(curves, x_label="K", y_label="mean recall@K", colors=colors, y_cap=1.0) if curves else Markup("")
        primary = report.primary
        values = {
            s.system: [r.metrics.get(primary) for r in report.rows if r.system == s.system and r.dataset == dataset]
            for s in sums
        } if primary else {}
        seen = [v for vs in values.values() for v in vs if is_finite(v)]
        lo, hi = min([0.0, *seen]), max([1.0, *seen])  # metrics live in [0, 1]; custom ones may not
        edges = [round(lo + (hi - lo) * i / 10, 6) for i in range(11)]
        dist = charts.histogram(values, edges=edges, x_label=primary or "", colors=colors) if seen else Markup("")
        out.append({"dataset": dataset, "recall": recall, "distribution": dist})
    return out


def _training_charts(report: Report) -> list[dict[str, Any]]:
    out = []
    for name, points in report.training_curves.items():
        keys = [
            k for k in dict.fromkeys(k for p in points for k in p if k != "epoch")
            if all(p.get(k) is None or is_finite(p.get(k)) for p in points)
        ]
        series = {k: [(p.get("epoch", i + 1), p.get(k)) for i, p in enumerate(points)] for k in keys}
        chart = charts.line_chart(series, x_label="epoch", y_label="value", dashed={"train"} & set(keys))
        facts = report.card.training.get(name)
        info = facts.to_json() if facts is not None else {}
        out.append({"name": name, "chart": chart, "points": points, "keys": keys, "info": info})
    return out


def render_html(report: Report) -> str:
    """The whole report as one HTML document; all text from rows and run card is escaped."""
    names = list(dict.fromkeys(([report.comparison.baseline] if report.comparison else []) + report.systems))
    colors = charts.colors_for(names)
    pairs = [_pair_view(report, p, colors) for p in report.comparison.pairs] if report.comparison else []
    latency_keys = list(dict.fromkeys(k for v in report.latency.values() for k in v))
    cost = cost_table(report.cost, report.systems, documents=target_documents(report.card, report.worth)) if report.cost else None
    worth = report.worth
    return environment().get_template("report.html.j2").render(
        r=report,
        c=report.comparison,
        colors=colors,
        pairs=pairs,
        datasets=_dataset_charts(report, colors),
        training=_training_charts(report),
        latency_keys=latency_keys,
        cost=cost,
        worth=worth,
        gains=[gain_line(worth, i) for i in range(len(worth.gains))] if worth else [],
        spends=[spend_lines(s) for s in worth.spends] if worth else [],
        check_pill=PILL,
        card=report.run_card,
        diagnosis=describe_diagnosis(report.card.diagnosis),
        card_json=json.dumps(report.run_card, indent=2, sort_keys=True, ensure_ascii=False, default=str),
        relevant=lambda row, doc: row.relevant.get(doc, 0) > 0,
    )
