"""``ragshift shadow`` on the bundled acme-kb corpus with two keyword embedders (no model, seconds)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.rundir import read_rows

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpora" / "acme-kb"
WORDS = ["vpn", "badge", "scanner", "firmware", "rollback", "printer", "label", "pallet", "forklift",
         "certificate", "disk", "restart", "failover", "expense", "travel", "leave", "parking", "password"]


def write_config(tmp_path: Path, *, second: bool = True) -> Path:
    text = f"""
[run]
name = "acme"
output = "reports"
[corpus]
path = "{CORPUS}"
[chunking]
strategy = "none"
[store]
path = "{tmp_path / 'chroma'}"
[cache]
path = "{tmp_path / 'cache'}"
[[embedders]]
name = "prod"
kind = "testing.keyword"
vocabulary = {json.dumps(WORDS)}
"""
    if second:
        text += f"""
[[embedders]]
name = "ft"
kind = "testing.keyword"
vocabulary = {json.dumps(WORDS[::2] + ["xr", "err", "owl"])}
"""
    path = tmp_path / "acme.toml"
    path.write_text(text)
    return path


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def shadow_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shadow")
    config = write_config(tmp)
    log = tmp / "log.txt"
    log.write_text("reset my vpn\nxr-220 firmware rollback\n<script>alert(1)</script> badge\n\nlost badge\nreset my VPN\n")
    result = run_cli("shadow", str(config), "--log", str(log), "-k", "5", "--dedupe", "--warmup", "1")
    return tmp, result


def test_shadow_writes_rows_summary_and_report(shadow_run) -> None:
    tmp, result = shadow_run
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "shadow ft vs current prod: 4 queries, top 5" in out
    assert "latency p50 / p95 ms: prod" in out and "report:" in out
    runs = [p for p in (tmp / "reports").iterdir() if not p.name.startswith(".")]
    assert len(runs) == 1 and runs[0].name.startswith("acme-shadow-")
    run_dir = runs[0]
    assert {p.name for p in run_dir.iterdir()} == {"rows.jsonl", "summary.json", "run_card.json", "report.html"}
    rows = list(read_rows(run_dir))
    assert [r.qid for r in rows] == ["line-1", "line-2", "line-3", "line-5"]
    assert rows[0].meta["log"] == {"occurrences": 2}
    assert all(len(r.hits) == 5 and len(r.meta["current_hits"]) == 5 for r in rows)
    assert all(r.metrics["latency_ms.current"] > 0 and r.metrics["latency_ms.candidate"] > 0 for r in rows)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert (summary["current"], summary["candidate"], summary["queries"], summary["k"]) == ("prod", "ft", 4, 5)
    card = json.loads((run_dir / "run_card.json").read_text())
    assert card["log"]["duplicates_dropped"] == 1 and card["corpus"]["documents"] == 193
    assert set(card["systems"]) == {"prod", "ft"}
    html = (run_dir / "report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; badge" in html


def test_queries_bypass_the_embedding_cache(shadow_run) -> None:
    tmp, result = shadow_run
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp / "cache" / "embeddings.sqlite") as db:
        kinds = dict(db.execute("SELECT kind, COUNT(*) FROM embeddings GROUP BY kind").fetchall())
    assert kinds.get("q", 0) == 0 and kinds["d"] == 2 * 193


def test_unknown_or_missing_candidate_is_a_clean_error(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("vpn\n")
    result = run_cli("shadow", str(write_config(tmp_path)), "--log", str(log), "--candidate", "nope")
    assert result.exit_code == 2 and "no embedder named 'nope'; embedders: prod, ft" in " ".join(result.output.split())
    result = run_cli("shadow", str(write_config(tmp_path, second=False)), "--log", str(log))
    assert result.exit_code == 2 and "shadow needs two embedders" in result.output
    bad = tmp_path / "log.jsonl"
    bad.write_text('{"text": "vpn"}\n{"q": "oops"}\n')
    result = run_cli("shadow", str(write_config(tmp_path)), "--log", str(bad))
    assert result.exit_code == 2 and "log.jsonl:2:" in result.output


def test_candidate_defaults_to_the_model_finetune_trained(tmp_path: Path) -> None:
    from ragshift.harness.config import load_config
    from ragshift.harness.errors import ConfigError
    from ragshift.harness.shipping.shadow_run import choose_pair

    config = write_config(tmp_path, second=False)
    config.write_text(config.read_text() + '\n[finetune]\nmethod = "full"\noutput = "models/acme-ft"\n')
    cfg = load_config(config)
    with pytest.raises(ConfigError, match=r"only 'prod'.*models/acme-ft holds no trained model yet: run `ragshift run` first"):
        choose_pair(cfg)
    (tmp_path / "models" / "acme-ft").mkdir(parents=True)
    (tmp_path / "models" / "acme-ft" / "ragshift_finetune.json").write_text("{}")
    current, candidate = choose_pair(cfg)
    assert current.name == "prod"
    assert (candidate.name, candidate.kind, candidate.model) == ("acme-ft", "sentence-transformers", str(tmp_path / "models" / "acme-ft"))
    assert [s.name for s in choose_pair(cfg, current="acme-ft", candidate="prod")] == ["acme-ft", "prod"]
    with pytest.raises(ConfigError, match="both 'prod'"):
        choose_pair(cfg, candidate="prod")
