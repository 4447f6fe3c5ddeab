"""``render_shadow_html``: the shadow-replay report — one self-contained, autoescaped HTML file.

It uses the run report's Jinja environment, filters, inline-SVG charts and stylesheet (the shared
``_style.css.j2`` partial), so both reports look alike and neither needs a script or an external asset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from markupsafe import Markup

from ragshift.harness import __version__
from ragshift.harness.report import charts
from ragshift.harness.report.html import environment
from ragshift.harness.shipping.replay import ShadowResult, biggest_movers, current_hits, rows_changed_completely
from ragshift.harness.types import Document, Row

CHANGED_LIMIT = 25
MOVER_LIMIT = 10
SNIPPET = 140


@dataclass(frozen=True)
class Entry:
    rank: int
    doc_id: str
    snippet: str
    shared: bool
    """Also in the other system's top-K."""


@dataclass(frozen=True)
class QueryView:
    row: Row
    current: list[Entry]
    candidate: list[Entry]


def _snippet(doc_id: str, documents: Mapping[str, Document], texts: Mapping[str, str]) -> str:
    doc = documents.get(doc_id)
    text = (f"{doc.title} — {doc.text}" if doc.title else doc.text) if doc else texts.get(doc_id, "")
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def _view(row: Row, documents: Mapping[str, Document], texts: Mapping[str, str]) -> QueryView:
    cur = [h.doc_id for h in current_hits(row)]
    cand = [h.doc_id for h in row.hits]

    def entries(ids: list[str], other: list[str]) -> list[Entry]:
        return [Entry(i, d, _snippet(d, documents, texts), d in other) for i, d in enumerate(ids, start=1)]

    return QueryView(row, entries(cur, cand), entries(cand, cur))


def render_shadow_html(
    result: ShadowResult,
    *,
    run_id: str = "",
    documents: Mapping[str, Document] | None = None,
    details: Mapping[str, Any] | None = None,
) -> str:
    """The report; ``documents`` give titles and snippets (else the retrieved chunk texts are used),
    ``details`` (log, systems, versions, timings) are listed under Provenance. Every text is escaped."""
    documents = documents or {}
    k, s = result.k, result.summary
    edges = [round(-0.05 + 0.1 * i, 2) for i in range(12)]  # 0, 0.1, … 1 sit mid-bin
    overlap = [r.metrics.get(f"overlap@{k}") for r in result.rows]
    rbo = [r.metrics.get("rbo") for r in result.rows]
    distribution = charts.histogram(
        {f"overlap@{k}": overlap, "RBO": rbo}, edges=edges, x_label="agreement per query (1 = same results)",
        colors={f"overlap@{k}": charts.PALETTE[1], "RBO": charts.PALETTE[2]}, x_ticks=[0, 0.2, 0.4, 0.6, 0.8, 1],
    ) if result.rows else Markup("")
    changed = rows_changed_completely(result.rows)
    movers = biggest_movers(result.rows, MOVER_LIMIT)
    return environment().get_template("shadow.html.j2").render(
        r=result,
        s=s,
        k=k,
        run_id=run_id,
        version=__version__,
        created=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        distribution=distribution,
        changed=[_view(r, documents, result.texts) for r in changed[:CHANGED_LIMIT]],
        n_changed=len(changed),
        movers=[_view(r, documents, result.texts) for r in movers],
        sides=[("current", result.current), ("candidate", result.candidate)],
        details=dict(details or {}),
        summary_json=json.dumps(s, indent=2, sort_keys=True, ensure_ascii=False, default=str),
    )
