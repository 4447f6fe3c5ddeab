"""``render_markdown``: a short summary for a CI job summary or a PR comment."""

from __future__ import annotations

from harness.report.html import fmt_num, fmt_p, fmt_signed
from harness.report.model import Report

ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


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
            f"| metric | {_cell(pair.baseline)} | {_cell(pair.candidate)} | Δ | {c.confidence_level:.0%} CI | p adj. | W/T/L | "
            + ("missing | " if missing else "") + "verdict |",
            "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if missing else "") + "---|",
        ]
        for t in overall:
            lines.append(
                f"| {_cell(t.metric)} | {fmt_num(t.baseline_mean)} | {fmt_num(t.candidate_mean)} | "
                f"{fmt_signed(t.delta)} | [{fmt_signed(t.ci_low, 3)}, {fmt_signed(t.ci_high, 3)}] | "
                f"{fmt_p(t.p_adjusted)} | {t.wins}/{t.ties}/{t.losses} | " + (f"{t.missing} | " if missing else "")
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
            lines.append(
                f"- {ICON[t.verdict.value]} {_cell(pair.candidate)}: {_cell(t.metric)} on `{_cell(t.slice.label)}` "
                f"(n={t.n}) Δ {fmt_signed(t.delta)}, p adj. {fmt_p(t.p_adjusted)}: {t.reason}"
            )
        if len(problems) > 10:
            lines.append(f"- … {len(problems) - 10} more in the HTML report")
    if c.resolution_warning():
        lines += ["", f"> ⚠️ {c.resolution_warning()}"]
    return lines


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


def render_markdown(report: Report) -> str:
    head = f"## ragshift: {_cell(report.title.removeprefix('ragshift report: '))}"
    lines = [head, "", f"Run `{_cell(report.run_id)}` · {len(report.systems)} system(s) · primary metric {report.primary}"]
    if report.comparison:
        v = report.comparison.verdict.value
        lines += ["", f"**Verdict: {ICON[v]} {v.upper()}** ({report.comparison.test}, "
                  f"{report.comparison.policy.correction} correction, alpha {report.comparison.policy.alpha:g}, "
                  f"max_drop {report.comparison.policy.max_drop:g})"]
        lines += _comparison(report)
    else:
        lines += [""] + _single(report)
    if report.answers:
        lines += _answers(report)
    return "\n".join(lines) + "\n"
