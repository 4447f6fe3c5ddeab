"""``ragshift eval`` with old model, full re-embed and bridge side by side: the bridge reuses the old index; the
report gains the share of the full re-embed's gain kept, and "Is it worth it?" the bridge's cost."""

from __future__ import annotations

import json

from bridge_fixtures import write_config
from typer.testing import CliRunner

from ragshift.harness.cli import app

COST = "[cost]\nlatency_queries = 3\nthroughput_chunks = 20\nwarmup = 1\ncorpus_documents = 1_000_000\n"


def test_eval_puts_old_full_reembed_and_bridge_side_by_side(tmp_path) -> None:
    bridged = '[[embedders]]\nname = "kw-bridged"\nkind = "bridged"\nmodel = "./bridges/kw-over-noisy"\n'
    config = write_config(tmp_path, extra_embedders=bridged, extra=COST)
    assert CliRunner().invoke(app, ["bridge", str(config)]).exit_code == 0
    result = CliRunner().invoke(app, ["eval", str(config)])
    assert result.exit_code in (0, 1), result.output
    run_dir = next(p for p in (tmp_path / "reports").iterdir() if not p.name.startswith("."))
    card = json.loads((run_dir / "run_card.json").read_text())
    old, bridge = card["systems"]["noisy"], card["systems"]["kw-bridged"]
    assert bridge["indexes"]["corpus"]["collection"] == old["indexes"]["corpus"]["collection"]
    assert bridge["indexes"]["corpus"]["reused"] is True and bridge["indexes"]["corpus"]["cache_misses"] == 0
    assert bridge["embedder"]["kind"] == "bridged" and bridge["embedder"]["document_fingerprint"] == old["fingerprint"]
    summary = (run_dir / "summary.md").read_text()
    assert "kw-bridged vs noisy" in summary and "kw vs noisy" in summary  # the usual paired statistics
    assert "### Bridge vs full re-embed" in summary
    row = next(line for line in summary.splitlines() if line.startswith("| kw-bridged (kw over noisy's index) | all | 40 |"))
    old_mean, new_mean, bridge_mean = (float(c) for c in row.split(" | ")[3:6])
    kept, ci = row.split(" | ")[6:8]
    assert int(kept.rstrip("%")) == round(100 * (bridge_mean - old_mean) / (new_mean - old_mean))
    low, high = (int(v.rstrip("%")) for v in ci.strip(" |[]").split(", "))
    assert low < int(kept.rstrip("%")) < high
    assert "| query_type=long | 20 |" in summary  # per query type (20 queries each)
    assert "Bridge over noisy's index (orthogonal map): no document is re-embedded" in summary
    assert "embedding the 60-chunk sample with kw" in summary and "a full re-embed of the 1,000,000 documents" in summary
    shares = json.loads((run_dir / "summary.json").read_text())["bridges"]
    assert [(s["slice"], s["n"]) for s in shares] == [("all", 40), ("query_type=long", 20), ("query_type=short", 20)]
    assert json.loads((run_dir / "summary.json").read_text())["worth_it"]["costs"][1]["bridge"]["sample_chunks"] == 60
    html = (run_dir / "report.html").read_text()
    assert '<section id="bridges">' in html and "gain kept" in html
