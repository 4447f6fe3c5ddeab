"""``render_markdown``: a short summary for a CI job summary or a PR comment."""

from __future__ import annotations

from harness.report.html import fmt_num, fmt_p, fmt_signed
from harness.report.model import Report

ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌"}


def _cell(text: object) -> str:
    """Table-safe text: no pipes, newlines or HTML in user-controlled strings."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _single(report: Report) -> list[str]:
    lines = ["| system | dataset | queries | " + " | ".join(report.metrics) + " |",
             "|---|---|---:|" + "---:|" * len(report.metrics)]
    for s in report.summaries:
        values = " | ".join(fmt_num(s.means[m]) for m in report.metrics)
        lines.append(f"| {_cell(s.system)} | {_cell(s.dataset)} | {s.n} | {values} |")
    return lines


def _comparison(report: Report) -> list[str]:
    c = report.comparison
    lines = []
    for pair in c.pairs:
        where = f" on `{_cell(pair.dataset)}`" if len(c.datasets) > 1 else ""
        lines += [
            "",
            f"### {ICON[pair.verdict.value]} {_cell(pair.candidate)} vs {_cell(pair.baseline)}{where} "
            f"({pair.n_paired} queries)",
            "",
            f"| metric | {_cell(pair.baseline)} | {_cell(pair.candidate)} | Δ | {c.confidence_level:.0%} CI | p adj. | W/T/L | verdict |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for t in pair.tests:
            if t.slice.label == "all":
                lines.append(
                    f"| {_cell(t.metric)} | {fmt_num(t.baseline_mean)} | {fmt_num(t.candidate_mean)} | "
                    f"{fmt_signed(t.delta)} | [{fmt_signed(t.ci_low, 3)}, {fmt_signed(t.ci_high, 3)}] | "
                    f"{fmt_p(t.p_adjusted)} | {t.wins}/{t.ties}/{t.losses} | {t.verdict.value} |"
                )
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
    return "\n".join(lines) + "\n"
