"""``ragshift compare`` on a run folder: files written, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import ragshift.harness.cli.compare_cmd  # noqa: F401  (registers ``compare``)
from ragshift.harness.cli import app
from ragshift.harness.rundir import RUN_CARD, StagedRun
from ragshift.harness.testing.rows import synthetic_rows

FAST = ["--test", "t-test", "--n-resamples", "99"]


def _run_dir(tmp_path, rows, name="run-1"):
    staged = StagedRun(tmp_path / "reports", name)
    staged.write_rows(rows)
    staged.write_json(RUN_CARD, {"run_id": name, "seed": 5, "corpus": {"name": "acme"}})
    return staged.publish()


def _invoke(*args):
    return CliRunner().invoke(app, ["compare", *map(str, args)])


def test_passing_comparison_writes_report_and_exits_zero(tmp_path):
    run = _run_dir(tmp_path, synthetic_rows(60, {"base": 0.4, "ft": 0.6}))
    result = _invoke(run, *FAST)
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output and "ndcg@10" in result.output
    summary = json.loads((run / "summary.json").read_text())
    assert summary["verdict"] == "pass" and summary["comparison"]["baseline"] == "base"
    assert summary["comparison"]["seed"] == 5  # taken from the run card
    assert "rows" not in summary
    assert (run / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert "Verdict" in (run / "summary.md").read_text()


def test_failing_comparison_exits_one(tmp_path):
    rows = synthetic_rows(80, {"base": 0.5, "ft": 0.5}, type_effects={"ft": {"errorcode": -0.4}})
    result = _invoke(_run_dir(tmp_path, rows), *FAST)
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output and "query_type=errorcode" in result.output


def test_policy_baseline_candidate_and_out(tmp_path):
    rows = synthetic_rows(80, {"a": 0.5, "b": 0.5, "c": 0.6}, type_effects={"b": {"errorcode": -0.4}})
    run = _run_dir(tmp_path, rows)
    policy = tmp_path / "policy.toml"
    policy.write_text("max_drop = 0.99\n", encoding="utf-8")
    out = tmp_path / "cmp"
    assert _invoke(run, "--baseline", "a", "--candidate", "b", "--out", out, *FAST).exit_code == 1
    result = _invoke(run, "--baseline", "a", "--candidate", "b", "--policy", policy, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["comparison"]["candidates"] == ["b"]
    assert len(summary["rows"]) == 240  # a separate --out folder is self-contained


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--baseline", "nope"], "systems present"),
        (["--candidate", "zzz"], "choose from"),
    ],
)
def test_user_errors_exit_two(tmp_path, args, match):
    run = _run_dir(tmp_path, synthetic_rows(10, {"base": 0.4, "ft": 0.6}))
    result = _invoke(run, *args, *FAST)
    assert result.exit_code == 2
    assert match in result.output


def test_bad_policy_and_missing_rows_exit_two(tmp_path):
    run = _run_dir(tmp_path, synthetic_rows(10, {"base": 0.4, "ft": 0.6}))
    bad = tmp_path / "bad.toml"
    bad.write_text("alpah = 0.1\n", encoding="utf-8")
    assert _invoke(run, "--policy", bad, *FAST).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _invoke(empty, *FAST)
    assert result.exit_code == 2 and "rows.jsonl" in result.output
