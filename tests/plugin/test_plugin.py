"""The pytest plugin as users meet it: a separate pytest process, loaded through the pytest11 entry point."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.configs import keyword_embedder, write_config

N_DOCS = 20

def write_suite(path: Path) -> Path:
    """Keyword baseline, ``same`` (noise 0) and ``worse`` (noise 3) degraded copies of it."""
    degraded = [{"name": name, "kind": "testing.degraded", "of": "baseline", "noise": noise} for name, noise in (("same", 0.0), ("worse", 3.0))]
    return write_config(
        path,
        run={"name": "tiny"},
        corpus={"path": "corpus"},
        chunking={"strategy": "none"},
        embedders=[keyword_embedder("baseline", [f"term{i}" for i in range(2 * N_DOCS)]), *degraded],
        store={"path": "state/chroma"},
        cache={"path": "state/cache"},
        metrics={"names": ["ndcg@10", "recall@10"]},
        compare={"n_resamples": 999, "auto_tags": False},
    )

TESTS = '''
import pytest
from ragshift.harness.gates import GateFailure


def test_passing_gates(ragshift):
    ragshift.assert_not_worse("same", metric="ndcg@10", max_drop=0.0)
    ragshift.assert_at_least("baseline", "recall@10", 0.9, slice="query_type=pair")


def test_failing_gate(ragshift):
    ragshift.assert_not_worse("worse", metric="ndcg@10")


def test_failing_threshold(ragshift):
    ragshift.assert_at_least("worse", "ndcg@10", 0.99)


def test_unknown_system(ragshift):
    ragshift.assert_not_worse("nope")


@pytest.mark.xfail(raises=GateFailure, strict=True)
def test_expected_failure(ragshift):
    ragshift.assert_not_worse("worse")


@pytest.mark.ragshift(config="missing.toml")
def test_marker_config(ragshift):
    pass


def test_config_fixture(ragshift_config):
    assert [e.name for e in ragshift_config.embedders] == ["baseline", "same", "worse"]


def test_record_evaluation(ragshift, tmp_path_factory):
    import os, pathlib
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    evidence = pathlib.Path("evidence") / f"{worker}.txt"
    evidence.parent.mkdir(exist_ok=True)
    evidence.write_text(repr(ragshift.result.run_card["timings"]["total"]))
'''


def write_beir(folder: Path) -> None:
    """20 documents with two words of their own; per document a one-word and a two-word query."""
    (folder / "qrels").mkdir(parents=True)
    docs = [{"_id": f"d{i}", "title": "", "text": f"term{2 * i} and term{2 * i + 1} live here"} for i in range(N_DOCS)]
    queries, qrels = [], ["query-id\tcorpus-id\tscore"]
    for i in range(N_DOCS):
        for kind, text in (("single", f"term{2 * i}"), ("pair", f"term{2 * i} term{2 * i + 1}")):
            queries.append({"_id": f"q{i}{kind[0]}", "text": text, "metadata": {"query_type": kind, "split": "test"}})
            qrels.append(f"q{i}{kind[0]}\td{i}\t1")
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (folder / "qrels" / "test.tsv").write_text("\n".join(qrels) + "\n")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    write_beir(root / "corpus")
    write_suite(root / "suite.toml")
    (root / "test_suite.py").write_text(TESTS)
    (root / "pytest.ini").write_text("[pytest]\nragshift_config = not-this-one.toml\n")
    return root


def pytest_run(root: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rxXs", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600)


def outcomes(stdout: str) -> dict[str, int]:
    last = stdout.strip().splitlines()[-1]
    return {word.rstrip("s") if word == "errors" else word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}


def failure_section(stdout: str, test: str) -> str:
    match = re.search(rf"_+ {test} _+\n(.*?)(?=\n_{{3,}} |\n=+ )", stdout, re.S)
    assert match, stdout
    return match.group(1)


@pytest.fixture(scope="module")
def run(project) -> subprocess.CompletedProcess:
    return pytest_run(project, "--ragshift-config", "suite.toml", "--ragshift-report", "out")


@pytest.mark.slow
def test_suite_outcomes(run):
    assert outcomes(run.stdout) == {"failed": 3, "passed": 3, "xfailed": 1, "error": 1}, run.stdout + run.stderr


@pytest.mark.slow
def test_failed_gate_prints_a_table_and_the_report_not_a_traceback(run, project):
    section = failure_section(run.stdout, "test_failing_gate")
    lines = section.splitlines()
    assert lines[0] == f"{project / 'test_suite.py'}:12"  # the gate's line in the test
    assert lines[1].startswith("ragshift gate failed: 'worse' vs 'baseline' on ndcg@10: ")
    assert "(non-inferiority: one-sided 95% lower bound of delta >= -0.01 overall and on every slice with n >= 20" in lines[1]
    assert lines[2].split()[:5] == ["metric", "slice", "n", "baseline", "worse"]
    assert [line.split()[1] for line in lines[3:] if line.startswith("ndcg@10")] == [
        "all", "query_type=pair", "query_type=single"
    ]
    report = Path(lines[-1].removeprefix("report: "))
    assert report.is_file() and report.is_relative_to(project / "out") and "gates" in report.parts
    assert "Traceback" not in section and "harness/" not in section and len(lines) < 10


@pytest.mark.slow
def test_threshold_failure_and_user_errors_are_compact(run, project):
    threshold = failure_section(run.stdout, "test_failing_threshold").splitlines()
    assert threshold[1] == "ragshift gate failed: 'worse' ndcg@10 on all is below 0.99"
    assert threshold[-1] == f"report: {project / 'out'}/{threshold[-1].split('/out/')[1]}"
    unknown = failure_section(run.stdout, "test_unknown_system")
    assert unknown.splitlines()[1] == "ConfigError: no system named 'nope'; systems: baseline, same, worse"
    marker = failure_section(run.stdout, "ERROR at setup of test_marker_config")
    assert marker.strip() == f"ragshift: {project / 'missing.toml'}: config file not found"


@pytest.mark.slow
def test_terminal_summary_names_the_run_and_its_reports(run, project):
    summary = run.stdout.split(" ragshift ")[-1]
    assert re.search(rf"suite.toml: run tiny-\w+, report {re.escape(str(project / 'out'))}/tiny-\w+/report.html", summary)
    assert summary.count("gate report") == 2  # the two identical "worse" gates share one


def test_help_documents_options_and_the_marker(project):
    helped = pytest_run(project, "--help")
    for text in ("--ragshift-config=PATH", "--ragshift-report=DIR", "ragshift_config (string)", "pytest-xdist"):
        assert text in helped.stdout
    markers = pytest_run(project, "--markers")
    assert "@pytest.mark.ragshift(config=None)" in markers.stdout


def test_ini_option_names_the_default_config(project):
    (project / "ini.toml").write_text((project / "suite.toml").read_text().replace('"tiny"', '"from-ini"'))
    (project / "test_ini.py").write_text("def test_name(ragshift_config):\n    assert ragshift_config.run.name == 'from-ini'\n")
    try:
        ran = pytest_run(project, "-o", "ragshift_config=ini.toml", "test_ini.py")
    finally:
        (project / "test_ini.py").unlink()
    assert outcomes(ran.stdout) == {"passed": 1}, ran.stdout


@pytest.mark.slow
def test_xdist_workers_share_one_evaluation(project, run):
    pytest.importorskip("xdist")
    # --dist each: both workers run every test, so both need the suite's results.
    ran = pytest_run(project, "-n", "2", "--dist", "each", "--ragshift-config", "suite.toml", "--ragshift-report", "out-x")
    assert outcomes(ran.stdout) == {"failed": 6, "passed": 6, "xfailed": 2, "error": 2}, ran.stdout + ran.stderr
    totals = {p.name: p.read_text() for p in (project / "evidence").glob("gw*.txt")}
    assert len(totals) == 2 and len(set(totals.values())) == 1  # one evaluation's run card, read by both
    assert len(list((project / "out-x").glob("tiny-*/rows.jsonl"))) == 1


@pytest.mark.slow
def test_suite_gates_use_policy_mode_only_when_the_config_sets_it(project, tmp_path):
    from ragshift.harness.suite import Suite

    (project / "sig.toml").write_text((project / "suite.toml").read_text() + '[policy]\nmode = "significance"\n')
    unset = Suite(project / "suite.toml", output=tmp_path / "a")
    assert unset.assert_not_worse("same", max_drop=0.0).policy.mode == "non-inferiority"
    chosen = Suite(project / "sig.toml", output=tmp_path / "b")
    assert chosen.assert_not_worse("same", max_drop=0.0).policy.mode == "significance"
    assert chosen.assert_not_worse("same", max_drop=0.0, mode="non-inferiority").policy.mode == "non-inferiority"
    assert len(chosen.gate_reports) == 2  # the two modes are two gates, two reports
