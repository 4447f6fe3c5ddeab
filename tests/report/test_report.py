"""Report building and the HTML / Markdown / JSON renderers."""

from __future__ import annotations

import json
import math
import re

import pytest

from ragshift.harness.report import build_report, render_html, render_markdown, to_json, write_report
from ragshift.harness.report.charts import ForestItem, forest_plot, histogram, line_chart, nice_ticks
from ragshift.harness.report.summary import primary_metric

SECTIONS = ("metrics", "slices", "recall", "distribution", "worst", "provenance")


def _ids(html):
    return set(re.findall(r'<section id="([a-z]+)"', html))


def test_single_system_report(single_report):
    html = render_html(single_report)
    assert _ids(html) == set(SECTIONS) | {"latency"}
    assert "verdict" not in _ids(html) and "flips" not in _ids(html)
    s = single_report.summaries[0]
    assert s.system == "baseline" and s.n == 120
    assert [k for k, _ in s.recall_curve()] == [1, 3, 5, 10, 20]
    assert s.worst[0].metrics["ndcg@10"] == min(r.metrics["ndcg@10"] for r in single_report.rows)
    assert html.count("<svg") >= 2
    assert "retrieve_ms_per_query" in html  # derived from the run card's timings


def test_comparison_report_sections(comparison_report):
    html = render_html(comparison_report)
    assert _ids(html) == set(SECTIONS) | {"verdict", "flips", "training", "latency", "decision"}
    assert comparison_report.verdict == "fail"
    assert '<div class="big">FAIL</div>' in html
    assert "query_type=errorcode" in html and "p95_ms" in html


@pytest.mark.parametrize("which", ["single_report", "comparison_report"])
def test_html_escapes_every_payload(request, which):
    html = render_html(request.getfixturevalue(which))
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_html_is_self_contained(comparison_report):
    html = render_html(comparison_report)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "@import" not in html and "<link" not in html
    assert "Content-Security-Policy" in html


def test_markdown(single_report, comparison_report):
    one = render_markdown(single_report)
    assert "| system | dataset | queries | ndcg@10" in one and "| baseline | default | 120 |" in one
    many = render_markdown(comparison_report)
    assert "**Verdict: ❌ FAIL**" in many and "### ❌ finetuned vs baseline" in many
    assert "query_type=errorcode" in many
    for md in (one, many):
        assert "<script" not in md and "<img" not in md
    assert len(many.splitlines()) < 60


def test_json_and_rows(comparison_report):
    data = to_json(comparison_report)
    assert data["verdict"] == "fail" and data["primary_metric"] == "ndcg@10"
    assert data["comparison"]["pairs"][0]["flips"] is not None
    assert "rows" not in data
    with_rows = to_json(comparison_report, include_rows=True)
    assert len(with_rows["rows"]) == 240 and with_rows["rows"][0]["system"] == "baseline"


def test_write_report_is_atomic_and_strict_json(tmp_path, comparison_report):
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    paths = write_report(tmp_path, comparison_report)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "summary.json", "summary.md"]
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    json.loads(paths["json"].read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))


def test_nan_becomes_null(tmp_path, rows):
    from dataclasses import replace

    odd = [replace(r, metrics={**r.metrics, "answer_score": math.nan}) for r in rows if r.system == "baseline"]
    paths = write_report(tmp_path, build_report(odd, {}))
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["summaries"][0]["means"]["answer_score"] is None
    assert "—" in paths["html"].read_text(encoding="utf-8")


def test_failed_render_leaves_old_files(tmp_path, single_report, monkeypatch):
    (tmp_path / "report.html").write_text("old", encoding="utf-8")
    monkeypatch.setattr("ragshift.harness.report.write.render_markdown", lambda r: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_report(tmp_path, single_report)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_training_curves_from_run_card_list(rows):
    card = {"training_curves": [{"epoch": 1, "train": 1.0}, {"epoch": 2, "train": 0.5}]}
    report = build_report(rows, card)
    assert list(report.training_curves) == ["training"]
    assert 'id="training"' in render_html(report)


def test_multiple_datasets_summarised_separately(rows):
    from dataclasses import replace

    general = [replace(r, dataset="general") for r in rows[:40]]
    report = build_report(list(rows) + general, {})
    assert report.datasets == ["default", "general"]
    assert [(s.system, s.dataset, s.n) for s in report.summaries][-1] == ("baseline", "general", 40)


def test_primary_metric_choice():
    assert primary_metric(["recall@10", "ndcg@10"]) == "ndcg@10"
    assert primary_metric(["recall@5", "mrr@10"]) == "mrr@10"
    assert primary_metric(["custom"]) == "custom"
    assert primary_metric([]) is None


def test_nice_ticks():
    assert nice_ticks(0, 1, 5) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(-0.27, 0.27, 6) == pytest.approx([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3])
    ticks = nice_ticks(0.31, 0.93)
    assert ticks[0] <= 0.31 and ticks[-1] >= 0.93


def test_charts_escape_labels(xss):
    svg = str(line_chart({xss["script"]: [(1, 0.2), (5, 0.6)]}, x_label=xss["img"], y_label="y", y_cap=1.0))
    svg += str(forest_plot([ForestItem(xss["payload"], -0.1, -0.2, 0.0, "fail", 30)], x_label="Δ"))
    svg += str(histogram({xss["script"]: [0.1, 0.5, 0.9]}, edges=[0, 0.5, 1], x_label=xss["img"]))
    assert "<script" not in svg and "<img" not in svg and svg.count("<svg") == 3
    assert str(line_chart({}, x_label="x", y_label="y")) == ""


def test_odd_extras_do_not_break_rendering(rows):
    from dataclasses import replace

    scaled = [replace(r, metrics={"latency_ms": 10 + i % 50}) for i, r in enumerate(rows) if r.system == "baseline"]
    curves = [{"epoch": 1, "train": 0.5, "note": "warmup"}, {"epoch": 2, "train": None, "dev": 0.3}]
    html = render_html(build_report(scaled, {}, training_curves=curves))
    assert 'id="training"' in html and ">note<" not in html
    assert html.count("<svg") >= 2


def _inconclusive_report(second: str | None = None):
    from ragshift.harness.compare import RegressionPolicy, compare_rows
    from ragshift.harness.testing.rows import rows_with_deltas

    deltas = [0.095 if i % 2 else -0.105 for i in range(60)]  # Δ -0.005 on 60 queries: cannot tell
    rows = rows_with_deltas([0.5] * 60, deltas)
    if second:  # a second dataset with the same qids and a measured drop
        rows += rows_with_deltas([0.5] * 60, [-0.2] * 60, dataset=second)
    policy = RegressionPolicy(mode="non-inferiority", max_drop=0.01)
    comparison = compare_rows(rows, baseline="baseline", policy=policy, slice_fields=(), auto_tags=False, n_resamples=999)
    return build_report(rows, {}, comparison)


def test_inconclusive_verdict_has_its_own_badge_colour_and_words():
    report = _inconclusive_report()
    assert report.verdict == "inconclusive"
    html = render_html(report)
    assert '<section id="verdict" class="verdict inconclusive">' in html and '<div class="big">INCONCLUSIVE</div>' in html
    assert '<span class="pill inconclusive"' in html and ".pill.inconclusive { background:var(--inconclusive); }" in html
    assert "Policy (non-inferiority)" in html and "would resolve it" in html and "lower bound</th>" in html
    assert '#7c3aed' in html  # the forest plot's colour for inconclusive
    md = render_markdown(report)
    assert "**Verdict: ❓ INCONCLUSIVE** (non-inferiority: one-sided 95% lower bound of Δ >= -max_drop, max_drop 0.01" in md
    problem = next(line for line in md.splitlines() if line.startswith("- ❓"))
    assert "95% bounds of Δ [" in problem and "paired queries (now 60) would resolve it" in problem
    assert to_json(report)["comparison"]["pairs"][0]["tests"][0]["queries_needed"] > 60


def test_deciding_problems_name_their_dataset():
    report = _inconclusive_report("general")
    md = render_markdown(report)
    problems = [line for line in md.splitlines() if line.startswith("- ❌") or line.startswith("- ❓")]
    assert [p.split(":")[0] for p in problems] == ["- ❌ candidate on `general`", "- ❓ candidate on `default`"]
    html = render_html(report)
    assert "<strong>candidate</strong> / general:" in html
