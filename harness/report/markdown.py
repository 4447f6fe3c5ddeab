"""``render_markdown``: a short summary for a CI job summary or a PR comment."""

from __future__ import annotations

from ragshift.harness.report.cost import ICON as CHECK_ICON
from ragshift.harness.report.cost import cost_table, gain_line, spend_lines, target_documents
from ragshift.harness.report.html import fmt_num, fmt_p, fmt_signed
from ragshift.harness.compare.model import Comparison, MetricTest
from ragshift.harness.diagnosis import describe as describe_diagnosis
from ragshift.harness.report.model import Report

ICON = {"pass": "✅", "warn": "⚠️", "inconclusive": "❓", "fail": "❌"}


def _cell(text: object) -> str:
    """Table-safe text: no pipes, newlines or HTML in user-controlled strings."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _single(report: Report) -> list[str]:
    metrics = report.table_metrics
    lines = ["| system | dataset | queries | " + " | ".join(metrics) + " |",
             "|---|---|---:|" + "---:|" * len(metrics)]
    for s in report.summaries:
        values = " | ".join(fmt_num(s.means[m]) for m in metrics)
        lines.append(f"| {_cell(s.system)} | {_cell(s.dataset)} | {s.n} | {values} |")
    return lines


def _comparison(report: Report) -> list[str]:
    c = report.comparison
    lines = []
    for pair in c.pairs:
        where = f" on `{_cell(pair.dataset)}`" if len(c.datasets) > 1 else ""
        overall = [t for t in pair.tests if t.slice.label == "all"]
        missing = any(t.missing for t in overall)
        lines += [
            "",
            f"### {ICON[pair.verdict.value]} {_cell(pair.candidate)} vs {_cell(pair.baseline)}{where} "
            f"({pair.n_paired} queries)",
            "",
            f"| metric | {_cell(pair.baseline)} | {_cell(pair.candidate)} | Δ | {c.settings.confidence_level:.0%} CI | p adj. | W/T/L | "
            + ("missing | " if missing else "") + "verdict |",
            "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if missing else "") + "---|",
        ]
        for t in overall:
            s = t.stats
            lines.append(
                f"| {_cell(t.metric)} | {fmt_num(s.baseline_mean)} | {fmt_num(s.candidate_mean)} | "
                f"{fmt_signed(s.delta)} | [{fmt_signed(s.ci_low, 3)}, {fmt_signed(s.ci_high, 3)}] | "
                f"{fmt_p(t.p_adjusted)} | {s.wins}/{s.ties}/{s.losses} | " + (f"{t.missing} | " if missing else "")
                + f"{t.verdict.value} |"
            )
        if missing:
            lines.append("\nMissing: queries left out of a metric's test (failed judge verdict or not answered).")
        lost = sum(f.direction == "lost" for f in pair.flips)
        lines += ["", f"Flips in the top {pair.flip_k}: {lost} relevant docs lost, {len(pair.flips) - lost} gained."]
    problems = c.deciding_problems()
    if problems:
        lines += ["", "**Deciding problems**", ""]
        for pair, t in problems[:10]:
            where = f" on `{_cell(pair.dataset)}`" if len(c.datasets) > 1 else ""
            lines.append(
                f"- {ICON[t.verdict.value]} {_cell(pair.candidate)}{where}: {_cell(t.metric)} on `{_cell(t.slice.label)}` "
                f"(n={t.stats.n}) Δ {fmt_signed(t.stats.delta)}{_evidence(c, t)}: {t.reason}"
            )
        if len(problems) > 10:
            lines.append(f"- … {len(problems) - 10} more in the HTML report")
    if c.resolution_warning():
        lines += ["", f"> ⚠️ {c.resolution_warning()}"]
    if c.large_n_note():
        lines += ["", f"> {c.large_n_note()}"]
    return lines


def policy_line(c: Comparison) -> str:
    """The mode and the limits behind a verdict, in one parenthesis-ready phrase."""
    p = c.policy
    if p.mode == "non-inferiority":
        return (f"non-inferiority: one-sided {1 - p.alpha:.0%} lower bound of Δ >= -max_drop, max_drop {p.max_drop:g}, "
                f"{'t' if c.settings.test == 't-test' else 'bootstrap'} bounds")
    return f"significance: {c.settings.test}, {p.correction} correction, alpha {p.alpha:g}, max_drop {p.max_drop:g}"


def _evidence(c: Comparison, t: MetricTest) -> str:
    """The corrected p-value behind a significance verdict (a non-inferiority reason states its bounds)."""
    return "" if c.policy.mode == "non-inferiority" else f", p adj. {fmt_p(t.p_adjusted)}"


def _answers(report: Report) -> list[str]:
    """Answer quality in a few lines: overall means, transfer on all queries, failed verdicts."""
    a = report.answers
    lines = ["", "### Answer quality", ""]
    for s in a.systems:
        overall = s.slices[0]
        where = f" on `{_cell(s.dataset)}`" if len(report.datasets) > 1 else ""
        means = ", ".join(f"{_cell(m)} {fmt_num(v, 3)}" for m, v in overall.means.items())
        lines.append(f"- {_cell(s.system)}{where} ({overall.n} answered): {means}")
    for p in a.pairs:
        if p.transfers:
            t = p.transfers[0]
            lines.append(
                f"- {_cell(p.candidate)} vs {_cell(p.baseline)}: Δ {_cell(a.retrieval_metric)} {fmt_signed(t.retrieval_delta, 3)}, "
                f"Δ {_cell(a.headline)} {fmt_signed(t.answer_delta, 3)} ({t.verdict}; {len(p.changes)} changed answers in the HTML report)"
            )
    for system, per in a.failures.items():
        listed = ", ".join(f"{_cell(m)} {n}" for m, n in per.items())
        lines.append(f"- ⚠️ failed verdicts for {_cell(system)} (scored None, not 0): {listed}")
    return lines


def _cost(report: Report) -> list[str]:
    """Side-by-side latency and cost of every measured system."""
    table = cost_table(report.cost, report.systems, documents=target_documents(report.card, report.worth))
    lines = ["", "### Latency and cost", "", "| measure | " + " | ".join(_cell(s) for s in table.systems) + " |",
             "|---|" + "---:|" * len(table.systems)]
    lines += [f"| {_cell(r.label)} | " + " | ".join(_cell(v) for v in r.values) + " |" for r in table.rows]
    lines += [""] + [f"_{_cell(n)}_" if i == 0 else f"- {_cell(n)}" for i, n in enumerate(table.notes)]
    return lines


def _worth(report: Report) -> list[str]:
    """Gains against the cost of switching, and the checklist."""
    w = report.worth
    lines = ["", "### Is it worth it?", ""]
    many = len({g.dataset for g in w.gains}) > 1
    for i, g in enumerate(w.gains):
        where = f" on `{_cell(g.dataset)}`" if many else ""
        lines.append(f"- **Gain** {_cell(g.candidate)} vs {_cell(g.baseline)}{where}: {_cell(gain_line(w, i))}")
    for s in map(spend_lines, w.spends):
        lines += [f"- **Cost** {_cell(s.reembed)}", f"- **Cost** {_cell(s.latency)}", f"- **Cost** {_cell(s.memory)}"]
    lines += ["", "| check | state | why |", "|---|---|---|"]
    lines += [f"| {_cell(c.item)} | {CHECK_ICON[c.state]} {c.state} | {_cell(c.reason)} |" for c in w.checklist]
    return lines


def _bridges(report: Report) -> list[str]:
    """Bridge vs full re-embed: the share of the gain each bridge keeps."""
    from ragshift.harness.bridge.share import SHARE_COLUMNS, share_cells, share_note

    lines = ["", "### Bridge vs full re-embed", "", "| " + " | ".join(SHARE_COLUMNS) + " |", "|---|---|" + "---:|" * 5 + "---|"]
    lines += ["| " + " | ".join(_cell(c) for c in share_cells(s)) + " |" for s in report.bridges]
    return lines + ["", f"_{_cell(share_note(report.bridges))}_"]
def _decision(report: Report) -> list[str]:
    """Every system against the baseline: gain, verdict, query types, latency, index cost; the recommendation."""
    d = report.decision
    lines = ["", f"### Is it worth it? Every system vs {_cell(d.baseline)}", "",
             f"| system | kind | Δ {_cell(d.metric)} [CI] | verdict | wins | losses | query p50 / p95 ms | index cost |",
             "|---|---|---:|---|---|---|---:|---|"]
    for r in d.rows:
        lat = f"{fmt_num(r.p50_ms, 1)} / {fmt_num(r.p95_ms, 1)}" if r.p50_ms is not None else "—"
        lines.append(
            f"| {_cell(r.system)} | {r.kind} | {fmt_signed(r.delta, 3)} [{fmt_signed(r.ci_low, 3)}, {fmt_signed(r.ci_high, 3)}] "
            f"| {r.verdict} | {_cell(', '.join(r.wins) or '—')} | {_cell(', '.join(r.losses) or '—')} | {lat} | {_cell(r.index_cost)} |"
        )
    lines += ["", f"**Recommendation:** {_cell(d.recommendation)}"]
    return lines


def render_markdown(report: Report) -> str:
    head = f"## ragshift: {_cell(report.title.removeprefix('ragshift report: '))}"
    lines = [head, "", f"Run `{_cell(report.run_id)}` · {len(report.systems)} system(s) · primary metric {report.primary}"]
    if report.comparison:
        v = report.comparison.verdict.value
        lines += ["", f"**Verdict: {ICON[v]} {v.upper()}** ({policy_line(report.comparison)})"]
        lines += _comparison(report)
    else:
        lines += [""] + _single(report)
    if report.answers:
        lines += _answers(report)
    if report.decision:
        lines += _decision(report)
    if report.worth:
        lines += _worth(report)
    if report.bridges:
        lines += _bridges(report)
    if report.cost:
        lines += _cost(report)
    diagnosis = describe_diagnosis(report.card.diagnosis)
    if diagnosis:
        lines += ["", "### Diagnosis", ""] + [f"- {_cell(line)}" for line in diagnosis]
    return "\n".join(lines) + "\n"
