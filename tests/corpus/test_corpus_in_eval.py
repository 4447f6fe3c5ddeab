"""``ragshift eval`` on a published-looking corpus: two empty documents and a foreign answers.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_fixtures import jsonl, tsv
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.rundir import read_rows

DOCS = [
    {"_id": "d1", "title": "Returns", "text": "Customers may return a scanner within 30 days."},
    {"_id": "d2", "title": "Firmware", "text": "Hold the reset key to roll back scanner firmware."},
    {"_id": "d3", "title": "", "text": ""},
    {"_id": "d4", "title": "VPN access through the portal", "text": ""},
    {"_id": "d5", "title": " ", "text": "  "},
]
QUERIES = [
    {"_id": "q1", "text": "return scanner", "metadata": {"split": "test"}},
    {"_id": "q2", "text": "firmware reset", "metadata": {"split": "test"}},
    {"_id": "q3", "text": "vpn portal", "metadata": {"split": "test"}},
]
QRELS = [("q1", "d1", 1), ("q1", "d3", 1), ("q2", "d2", 1), ("q3", "d4", 1)]
ANSWERS = [{"query_id": "q1", "final_decision": "yes", "long_answer": "Within 30 days."}]


def write_config(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "kb"
    (root / "qrels").mkdir(parents=True)
    (root / "corpus.jsonl").write_text(jsonl(DOCS))
    (root / "queries.jsonl").write_text(jsonl(QUERIES))
    (root / "answers.jsonl").write_text(jsonl(ANSWERS))
    (root / "qrels" / "test.tsv").write_text(tsv(QRELS))
    vocabulary = ["return", "scanner", "firmware", "reset", "vpn", "portal"]
    path = tmp_path / "kb.toml"
    path.write_text(
        f'[run]\nname = "kb"\noutput = "reports"\n[corpus]\npath = "kb"\n{extra}\n[chunking]\nstrategy = "none"\n'
        f'[[embedders]]\nname = "keywords"\nkind = "testing.keyword"\nvocabulary = {json.dumps(vocabulary)}\n'
        '[metrics]\nnames = ["recall@3", "ndcg@3"]\n'
    )
    return path


def test_eval_skips_empty_documents_with_one_warning_and_ignores_unasked_answers(tmp_path: Path):
    result = CliRunner().invoke(app, ["eval", str(write_config(tmp_path))])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert output.count("skipped 2 empty documents") == 1
    assert "kb: skipped 2 empty documents (no title, no text): d3, d5; 1 of them judged relevant: kept in the qrels" in output
    (run_dir,) = [p for p in (tmp_path / "reports").iterdir() if not p.name.startswith(".")]
    card = json.loads((run_dir / "run_card.json").read_text())
    assert card["datasets"][0]["skipped_empty"] == ["d3", "d5"] and card["datasets"][0]["documents"] == 3
    rows = {r.qid: r for r in read_rows(run_dir)}
    assert rows["q1"].relevant == {"d1": 1, "d3": 1}
    assert rows["q1"].metrics["recall@3"] == pytest.approx(0.5)  # d3 is relevant and can never be retrieved
    assert rows["q3"].metrics["recall@3"] == 1.0  # a title without text is a document


def test_on_empty_error_refuses_the_corpus_with_exit_2(tmp_path: Path):
    result = CliRunner().invoke(app, ["eval", str(write_config(tmp_path, 'on_empty = "error"'))])
    assert result.exit_code == 2
    assert "corpus.jsonl:3: empty document 'd3': no title and no text" in " ".join(result.output.split())
    assert not (tmp_path / "reports").exists()


def test_answers_asked_for_read_the_file_and_name_the_option(tmp_path: Path):
    config = write_config(tmp_path)
    config.write_text(config.read_text() + '[answers]\nmetrics = ["answer.exact_match"]\n')
    result = CliRunner().invoke(app, ["eval", str(config)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "answers.jsonl:1: expected" in output and 'answers_field = "final_decision" or "long_answer"' in output
