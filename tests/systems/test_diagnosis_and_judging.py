"""Diagnosis in every run (judged@10, unreachable queries, judging sheet) and ``ragshift judge merge``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.diagnosis import Pool
from ragshift.harness.run import run_eval
from ragshift.harness.types import Document, Hit, Query
from tests.systems.test_systems_eval import systems_config


def test_pool_counts_judged_share_unreachable_queries_and_unjudged_documents() -> None:
    queries = [Query("q1", "a"), Query("q2", "b")]
    qrels = {"q1": {"d1": 1, "d2": 0}, "q2": {"d9": 1}}
    pool = Pool("x", queries, qrels, {d: Document(d, f"text {d}") for d in ("d1", "d2", "d3")})
    pool.add("s", {"q1": [Hit("d1", 1.0), Hit("d2", 0.5), Hit("d3", 0.1)], "q2": [Hit("d3", 1.0)]})
    assert pool.judged["s"] == [0.2, 0.0]  # two of q1's top 10 are judged (d2 with grade 0 counts)
    assert [(u["qid"], u["missing_documents"]) for u in pool.unreachable()] == [("q2", ["d9"])]
    assert [(i["qid"], i["doc_id"], i["systems"]) for i in pool.sheet()] == [("q1", "d3", ["s"]), ("q2", "d3", ["s"])]
    pool.add_deep({"q2": [Hit("d9", 0.1)]})
    assert pool.unreachable() == []


def test_a_run_reports_diagnosis_and_writes_a_judging_sheet_that_merges_into_qrels(tmp_path: Path) -> None:
    result = run_eval(load_config(systems_config(tmp_path)), output=tmp_path / "reports")
    diagnosis = result.run_card["diagnosis"]
    assert set(diagnosis["judged"]["corpus"]) == {"keywords", "lexical", "keywords-small-chunks", "hybrid", "reranked"}
    assert all(0 <= v <= 1 for v in diagnosis["judged"]["corpus"].values())
    assert diagnosis["unreachable"] == []  # every relevant document of the tiny corpus is found by some system
    assert "### Diagnosis" in (result.run_dir / "summary.md").read_text()
    assert 'id="diagnosis"' in (result.run_dir / "report.html").read_text()
    sheet = result.run_dir / "judging" / "sheet.jsonl"
    items = [json.loads(line) for line in sheet.read_text().splitlines()]
    assert len(items) == diagnosis["unjudged_pooled"] > 0
    assert "judged.tsv" in (result.run_dir / "judging" / "sheet.html").read_text()
    first = items[0]
    assert (first["qid"], first["doc_id"]) not in {("q1", "d1"), ("q2", "d2"), ("q2", "d1"), ("q3", "d3")}
    filled = tmp_path / "filled.jsonl"
    filled.write_text(json.dumps({**first, "relevance": 1}) + "\n" + "".join(json.dumps(i) + "\n" for i in items[1:]))
    qrels = tmp_path / "corpus" / "qrels" / "test.tsv"
    before = qrels.read_text()
    out = CliRunner().invoke(app, ["judge", "merge", str(filled), str(qrels)])
    assert out.exit_code == 0, out.output
    assert "1 judgment(s) added" in out.output
    assert qrels.read_text().startswith(before.rstrip("\n")) and qrels.read_text().endswith(f"{first['qid']}\t{first['doc_id']}\t1\n")


def test_judge_merge_refuses_a_clash_and_a_bad_grade(tmp_path: Path) -> None:
    qrels = tmp_path / "test.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    clash = tmp_path / "judged.tsv"
    clash.write_text("query-id\tcorpus-id\tscore\nq1\td1\t0\n")
    out = CliRunner().invoke(app, ["judge", "merge", str(clash), str(qrels)])
    assert out.exit_code == 2 and "disagree" in out.output and "--replace" in out.output
    assert qrels.read_text() == "query-id\tcorpus-id\tscore\nq1\td1\t1\n"
    assert CliRunner().invoke(app, ["judge", "merge", str(clash), str(qrels), "--replace"]).exit_code == 0
    assert qrels.read_text().endswith("q1\td1\t0\n")
    clash.write_text("q1\td2\thigh\n")
    out = CliRunner().invoke(app, ["judge", "merge", str(clash), str(qrels)])
    assert out.exit_code == 2 and "judged.tsv:1" in out.output and "whole number" in out.output
