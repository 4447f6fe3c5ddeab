"""The "Answer quality" part of the report: transfer, failed verdicts, changed answers, missing values."""

from __future__ import annotations

import json

import pytest

from ragshift.harness.report import build_report, render_html, render_markdown, to_json, write_report

FAILED = 6
"""Candidate judge failures among the 50 answered queries (every 9th: 0, 9, ..., 45)."""


def test_answer_quality_view(answers_report):
    a = answers_report.answers
    assert a.metrics == ("answer.contains_gold", "answer.rouge_l", "judge.faithfulness")
    assert (a.headline, a.retrieval_metric, a.judged) == ("answer.contains_gold", "recall@3", ("judge.faithfulness",))
    assert a.answered == {"baseline": 50, "finetuned": 50}
    assert a.failures == {"finetuned": {"judge.faithfulness": FAILED}}
    pair = a.pairs[0]
    overall = pair.transfers[0]
    assert (overall.slice, overall.n) == ("all", 50)
    assert overall.retrieval_delta < 0 and overall.verdict == "worse retrieval, worse answers"
    by_type = {t.slice: t for t in pair.transfers[1:]}
    assert by_type["query_type=errorcode"].verdict == "worse retrieval, worse answers"  # the fixture's regression
    assert by_type["query_type=howto"].retrieval_delta > 0
    assert pair.changes and [abs(c.delta) for c in pair.changes] == sorted((abs(c.delta) for c in pair.changes), reverse=True)
    assert pair.changes[0].candidate.contexts and "judge.faithfulness" in pair.changes[0].candidate.scores
    by_system = {s.system: s for s in a.systems}
    assert by_system["baseline"].slices[0].label == "all" and by_system["baseline"].slices[0].n == 50


def test_missing_values_are_counted_not_zero(answers_report):
    pair = answers_report.comparison.pairs[0]
    judged, rouge, ndcg = (pair.test(m) for m in ("judge.faithfulness", "answer.rouge_l", "ndcg@10"))
    assert (judged.stats.n, judged.missing) == (50 - FAILED, 120 - 50 + FAILED)
    assert (rouge.stats.n, rouge.missing) == (50, 70)
    assert (ndcg.stats.n, ndcg.missing) == (120, 0)
    assert judged.stats.candidate_mean == pytest.approx(0.8)  # the failed verdicts did not pull it towards 0
    html = render_html(answers_report)
    assert '<th class="n">missing</th>' in html and f'<td class="n">{120 - 50 + FAILED}</td>' in html
    md = render_markdown(answers_report)
    assert "| W/T/L | missing | verdict |" in md and f"| {120 - 50 + FAILED} | pass |" in md


def test_answer_section_in_html_nav_and_escaped(answers_report, comparison_report, xss):
    html = render_html(answers_report)
    assert 'id="answers"' in html and 'href="#answers"' in html
    assert "Did better retrieval give better answers?" in html and "worse retrieval, worse answers" in html
    assert '<span class="pill warn">6</span>' in html  # failed verdicts shown, per system x metric
    first = answers_report.answers.pairs[0].changes[0]
    assert "Answers that changed" in html and f"answer of {first.qid}" in html and f"context of {first.candidate.contexts[0]['doc_id']}" in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    evil = [c for c in answers_report.answers.pairs[0].changes if xss["payload"] in c.candidate.answer]
    assert evil, "the fixture should put a payload into a shown answer"
    assert f"answer of {evil[0].qid} &lt;img src=x onerror=" in html and "gold &lt;img src=x onerror=" in html
    assert 'id="answers"' not in render_html(comparison_report) and comparison_report.answers is None


def test_markdown_and_json_carry_answers(tmp_path, answers_report):
    md = render_markdown(answers_report)
    assert "### Answer quality" in md and "failed verdicts for finetuned (scored None, not 0): judge.faithfulness 6" in md
    assert "<script" not in md and "<img" not in md
    data = to_json(answers_report)["answers"]
    assert data["failures"] == {"finetuned": {"judge.faithfulness": FAILED}}
    assert data["pairs"][0]["transfer"][0]["slice"] == "all" and data["pairs"][0]["changed"]
    paths = write_report(tmp_path, answers_report)
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["answers"]["headline"] == "answer.contains_gold"


def test_single_system_tables_leave_answer_metrics_to_their_section(answer_rows):
    report = build_report([r for r in answer_rows if r.system == "baseline"], {})
    assert "answer.rouge_l" in report.metrics and "answer.rouge_l" not in report.table_metrics
    assert report.summaries[0].means["judge.faithfulness"] == pytest.approx(0.8)
    html = render_html(report)
    assert 'id="answers"' in html and "No verdict failed (judge.faithfulness)" in html
    md = render_markdown(report)
    assert "answer.rouge_l" not in md.split("### Answer quality")[0]
    assert "- baseline (50 answered): answer.contains_gold" in md
