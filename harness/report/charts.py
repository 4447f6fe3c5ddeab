"""Inline SVG charts (no JavaScript, no external assets). Every label is escaped."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from markupsafe import Markup, escape

PALETTE = ("#64748b", "#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777")
STATUS = {"pass": "#15803d", "warn": "#b45309", "inconclusive": "#7c3aed", "fail": "#b91c1c"}
LABEL_MAX = 40
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


def colors_for(names: Sequence[str]) -> dict[str, str]:
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]``."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    ticks, t = [], start
    while t <= hi + step * 1e-6:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi - 1e-12:
        ticks.append(round(t, 10))
    return ticks


def _fmt_tick(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1e-9 else "0"


def _order(v: object) -> tuple[float, str]:
    return (float(v), "") if isinstance(v, (int, float)) else (math.inf, str(v))


def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" style="{FONT}">'
        + "".join(body)
        + "</svg>"
    )


def _legend(names: Sequence[str], colors: Mapping[str, str], x: float, y: float, dashed: set[str] = frozenset()) -> list[str]:
    out, cx = [], x
    for name in names:
        dash = ' stroke-dasharray="5 3"' if name in dashed else ""
        out.append(f'<line x1="{cx}" y1="{y}" x2="{cx + 18}" y2="{y}" stroke="{colors[name]}" stroke-width="3"{dash}/>')
        out.append(f'<text x="{cx + 24}" y="{y + 4}" font-size="12" fill="#334155">{escape(name)}</text>')
        cx += 34 + 7 * len(name)
    return out


def line_chart(
    series: Mapping[str, Sequence[tuple[object, float | None]]],
    *,
    x_label: str,
    y_label: str,
    colors: Mapping[str, str] | None = None,
    dashed: set[str] = frozenset(),
    y_cap: float | None = None,
    width: int = 680,
    height: int = 300,
) -> Markup:
    """Lines over categorical x values (K cutoffs, epochs), equally spaced in sorted order.

    ``y_cap`` (e.g. 1.0 for recall) keeps the axis from running past a bound no value can exceed.
    """
    colors = colors or colors_for(list(series))
    xs = sorted({x for pts in series.values() for x, y in pts if y is not None}, key=_order)
    ys = [y for pts in series.values() for _, y in pts if y is not None and math.isfinite(y)]
    if not xs or not ys:
        return Markup("")
    left, right, top, bottom = 58, 20, 36, 48
    pw, ph = width - left - right, height - top - bottom
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.08 or 0.05
    ticks = nice_ticks(max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad)
    if y_cap is not None and hi <= y_cap:
        ticks = [t for t in ticks if t < y_cap - 1e-9] + [y_cap]
    y0, y1 = ticks[0], ticks[-1]
    xpos = {x: left + (pw * (i + 0.5) / len(xs)) for i, x in enumerate(xs)}

    def ypos(v: float) -> float:
        return top + ph * (1 - (v - y0) / (y1 - y0))

    body = [f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#f8fafc"/>']
    for t in ticks:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{ypos(t):.1f}" y2="{ypos(t):.1f}" stroke="#e2e8f0"/>')
        body.append(f'<text x="{left - 8}" y="{ypos(t) + 4:.1f}" font-size="11" fill="#64748b" text-anchor="end">{_fmt_tick(t)}</text>')
    for x, px in xpos.items():
        body.append(f'<text x="{px:.1f}" y="{top + ph + 18}" font-size="11" fill="#64748b" text-anchor="middle">{escape(str(x))}</text>')
    body.append(f'<text x="{left + pw / 2}" y="{height - 8}" font-size="12" fill="#334155" text-anchor="middle">{escape(x_label)}</text>')
    body.append(
        f'<text transform="translate(14 {top + ph / 2}) rotate(-90)" font-size="12" fill="#334155" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    for name, pts in series.items():
        clean = [(x, y) for x, y in pts if y is not None and math.isfinite(y)]
        if not clean:
            continue
        dash = ' stroke-dasharray="6 4"' if name in dashed else ""
        path = " ".join(f"{xpos[x]:.1f},{ypos(y):.1f}" for x, y in clean)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colors[name]}" stroke-width="2.5"{dash}/>')
        for x, y in clean:
            body.append(
                f'<circle cx="{xpos[x]:.1f}" cy="{ypos(y):.1f}" r="3.5" fill="{colors[name]}">'
                f"<title>{escape(name)}: {escape(str(x))} → {y:.4f}</title></circle>"
            )
    body += _legend(list(series), colors, left, 16, dashed)
    return _svg(width, height, body, f"{y_label} by {x_label}")


@dataclass(frozen=True)
class ForestItem:
    label: str
    delta: float
    low: float
    high: float
    status: str
    n: int
    muted: bool = False


def forest_plot(items: Sequence[ForestItem], *, x_label: str, width: int = 880) -> Markup:
    """Deltas with confidence intervals, one row per slice, around a zero line."""
    items = [i for i in items if math.isfinite(i.delta)]
    if not items:
        return Markup("")
    longest = max(len(i.label) for i in items)
    row_h, top, bottom, right_text = 26, 30, 44, 200
    left = int(min(max(6.8 * min(longest, LABEL_MAX) + 24, 110), 300))
    height = top + bottom + row_h * len(items)
    pw = width - left - right_text - 20
    ends = [v for i in items for v in (i.low, i.high, i.delta) if math.isfinite(v)] + [0.0]
    span = max(abs(min(ends)), abs(max(ends))) * 1.1 or 0.05
    ticks = nice_ticks(-span, span, 6)
    x0, x1 = ticks[0], ticks[-1]

    def xpos(v: float) -> float:
        return left + pw * (v - x0) / (x1 - x0)

    body = []
    for t in ticks:
        body.append(f'<line x1="{xpos(t):.1f}" x2="{xpos(t):.1f}" y1="{top - 6}" y2="{height - bottom + 4}" stroke="#eef2f7"/>')
        body.append(f'<text x="{xpos(t):.1f}" y="{height - bottom + 20}" font-size="11" fill="#64748b" text-anchor="middle">{_fmt_tick(t)}</text>')
    body.append(f'<line x1="{xpos(0):.1f}" x2="{xpos(0):.1f}" y1="{top - 10}" y2="{height - bottom + 4}" stroke="#334155" stroke-width="1.2"/>')
    body.append(f'<text x="{left + pw / 2}" y="{height - 8}" font-size="12" fill="#334155" text-anchor="middle">{escape(x_label)}</text>')
    body.append(f'<text x="{xpos(x0) + 2}" y="{top - 14}" font-size="11" fill="#94a3b8">← worse</text>')
    body.append(f'<text x="{xpos(x1) - 2}" y="{top - 14}" font-size="11" fill="#94a3b8" text-anchor="end">better →</text>')
    for n, item in enumerate(items):
        cy = top + row_h * n + row_h / 2
        color = STATUS.get(item.status, "#334155")
        opacity = ' opacity="0.45"' if item.muted else ""
        if n % 2 == 0:
            body.append(f'<rect x="0" y="{cy - row_h / 2:.1f}" width="{width}" height="{row_h}" fill="#f8fafc"/>')
        label = item.label if len(item.label) <= LABEL_MAX else item.label[: LABEL_MAX - 1] + "…"
        body.append(f'<text x="{left - 10}" y="{cy + 4:.1f}" font-size="12" fill="#0f172a" text-anchor="end"{opacity}>{escape(label)}<title>{escape(item.label)}</title></text>')
        if math.isfinite(item.low) and math.isfinite(item.high):
            body.append(f'<line x1="{xpos(item.low):.1f}" x2="{xpos(item.high):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{color}" stroke-width="2"{opacity}/>')
            for end in (item.low, item.high):
                body.append(f'<line x1="{xpos(end):.1f}" x2="{xpos(end):.1f}" y1="{cy - 5:.1f}" y2="{cy + 5:.1f}" stroke="{color}" stroke-width="2"{opacity}/>')
        body.append(f'<rect x="{xpos(item.delta) - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{color}"{opacity}/>')
        note = f"{item.delta:+.3f} [{item.low:+.3f}, {item.high:+.3f}] n={item.n}"
        body.append(f'<text x="{width - right_text + 8}" y="{cy + 4:.1f}" font-size="11" fill="#475569" font-family="ui-monospace,monospace"{opacity}>{escape(note)}</text>')
    return _svg(width, height, body, f"{x_label} per slice")


def histogram(
    series: Mapping[str, Sequence[float]],
    *,
    edges: Sequence[float],
    x_label: str,
    colors: Mapping[str, str] | None = None,
    x_ticks: Sequence[float] | None = None,
    width: int = 680,
    height: int = 260,
) -> Markup:
    """Grouped bars: share of queries per bin for each series; ``x_ticks`` label chosen values."""
    colors = colors or colors_for(list(series))
    shares = {}
    for name, values in series.items():
        vals = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
        counts, _ = np.histogram(np.clip(vals, edges[0], edges[-1]), bins=np.asarray(edges))
        shares[name] = counts / max(len(vals), 1)
    if not shares:
        return Markup("")
    left, right, top, bottom = 52, 16, 36, 48
    pw, ph = width - left - right, height - top - bottom
    ticks = nice_ticks(0.0, max(float(s.max()) for s in shares.values()) or 0.1, 4)
    bins = len(edges) - 1
    bw = pw / bins
    group = bw * 0.8 / len(shares)

    def ypos(v: float) -> float:
        return top + ph * (1 - v / ticks[-1])

    body = []
    for t in ticks:
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{ypos(t):.1f}" y2="{ypos(t):.1f}" stroke="#e2e8f0"/>')
        body.append(f'<text x="{left - 8}" y="{ypos(t) + 4:.1f}" font-size="11" fill="#64748b" text-anchor="end">{t:.0%}</text>')
    for b in range(bins):
        for s, (name, share) in enumerate(shares.items()):
            x = left + b * bw + bw * 0.1 + s * group
            body.append(
                f'<rect x="{x:.1f}" y="{ypos(share[b]):.1f}" width="{max(group - 1, 1):.1f}" '
                f'height="{ph * share[b] / ticks[-1]:.1f}" fill="{colors[name]}" rx="1">'
                f"<title>{escape(name)}: [{edges[b]:g}, {edges[b + 1]:g}) {share[b]:.1%}</title></rect>"
            )
    lo, hi = edges[0], edges[-1]
    labels = x_ticks if x_ticks is not None else edges[:: max(1, bins // 10)]
    for v in labels:
        x = left + pw * (v - lo) / (hi - lo)
        body.append(f'<text x="{x:.1f}" y="{top + ph + 16}" font-size="11" fill="#64748b" text-anchor="middle">{v:g}</text>')
    body.append(f'<text x="{left + pw / 2}" y="{height - 8}" font-size="12" fill="#334155" text-anchor="middle">{escape(x_label)}</text>')
    body += _legend(list(shares), colors, left, 16)
    return _svg(width, height, body, f"distribution of {x_label}")
