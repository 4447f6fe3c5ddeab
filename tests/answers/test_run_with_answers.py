"""``ragshift eval`` with an ``[answers]`` section, end to end: two keyword embedders on a tiny BEIR
corpus with gold answers, answers generated over HTTP by the loopback chat server, offline metrics,
then a judge that answers garbage (failures counted and shown, never 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.rundir import read_rows
from support.chat_server import ChatServer, ChatServerState
from support.configs import keyword_embedder
from support.configs import write_config as write_toml

DOCS = {
    "d1": ("Returns policy", "Customers may return a pallet scanner within 30 days. Refunds take five business days."),
    "d2": ("Firmware rollback", "To roll back scanner firmware, hold the reset key for ten seconds. The scanner restarts when done."),
    "d3": ("Holiday calendar", "The office closes on the first Monday of August. It reopens on Tuesday."),
    "d4": ("VPN access", "Request VPN access through the IT portal. Approval takes one day."),
    "d5": ("Badge readers", "The badge reader at gate four accepts blue cards only."),
}
QUERIES = {  # qid: (text, query type, relevant doc, gold answer)
    "q1": ("how many days to return a scanner", "question", "d1", "30 days"),
    "q2": ("firmware rollback reset key seconds", "keyword", "d2", "ten seconds"),
    "q3": ("when does the office close", "question", "d3", "first Monday of August"),
    "q4": ("vpn approval takes how long", "keyword", "d4", "one day"),
    "q5": ("which cards does the badge reader accept", "question", "d5", "blue cards"),
}
VOCAB = ["return", "scanner", "firmware", "rollback", "reset", "office", "closes", "close", "vpn", "portal",
         "approval", "badge", "reader", "cards"]
FEWER = ["return", "scanner", "firmware", "when", "vpn", "cards"]
"""Finds every document but the office calendar: "when" sends that query to the firmware page."""
OFFLINE = ["ctx.id_recall", "answer.contains_gold", "answer.rouge_l"]


def write_corpus(root: Path) -> Path:
    (root / "qrels").mkdir(parents=True)
    lines = [json.dumps({"_id": d, "title": title, "text": text}) for d, (title, text) in DOCS.items()]
    (root / "corpus.jsonl").write_text("\n".join(lines) + "\n")
    lines = [json.dumps({"_id": q, "text": t, "metadata": {"query_type": k, "split": "test"}}) for q, (t, k, _, _) in QUERIES.items()]
    (root / "queries.jsonl").write_text("\n".join(lines) + "\n")
    (root / "answers.jsonl").write_text("\n".join(json.dumps({"query_id": q, "answers": [a]}) for q, (*_, a) in QUERIES.items()) + "\n")
    qrels = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t1" for q, (_, _, d, _) in QUERIES.items()]
    (root / "qrels" / "test.tsv").write_text("\n".join(qrels) + "\n")
    return root


def write_config(tmp_path: Path, generator_url: str, *, answers: dict) -> Path:
    """Two keyword embedders answered by the generator at ``generator_url``; ``answers`` adds to ``[answers]``."""
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        write_corpus(corpus)
    generator = {"kind": "openai", "base_url": generator_url, "model": "rules", "timeout": 10, "max_retries": 0}
    return write_toml(
        tmp_path / "answers.toml",
        run={"name": "answers", "output": "reports"},
        corpus={"path": corpus},
        chunking={"strategy": "none"},
        embedders=[keyword_embedder("keywords", VOCAB), keyword_embedder("fewer-keywords", FEWER)],
        metrics={"names": ["ndcg@3", "recall@1", "mrr"]},
        compare={"n_resamples": 99},
        answers={"top_k": 1, **answers, "generator": generator},
    )


def run_dirs(reports: Path) -> list[Path]:
    return sorted(p for p in reports.iterdir() if not p.name.startswith("."))


def evaluate(config: Path):
    result = CliRunner().invoke(app, ["eval", str(config)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output  # 1: the weaker candidate fails the policy
    return result


def test_eval_adds_answer_metrics_to_rows_run_card_and_report(tmp_path, server) -> None:
    config = write_config(tmp_path, server.base_url, answers={"metrics": OFFLINE, "max_queries": 4})
    result = evaluate(config)
    assert "answers keywords on corpus (4 queries): ctx.id_recall" in result.output
    (run_dir,) = run_dirs(tmp_path / "reports")
    rows = {(r.system, r.qid): r for r in read_rows(run_dir)}
    assert len(rows) == 10
    q1 = rows[("keywords", "q1")]
    assert {"ndcg@3", "recall@1", "mrr", *OFFLINE} == set(q1.metrics)
    assert q1.meta["answer"]["text"].endswith("Customers may return a pallet scanner within 30 days.")
    assert q1.meta["answer"]["contexts"][0] == {"doc_id": "d1", "text": "Returns policy\n" + DOCS["d1"][1]}  # the hit's chunk
    assert q1.metrics["answer.contains_gold"] == 1.0
    for system in ("keywords", "fewer-keywords"):  # max_queries = 4: q5 keeps retrieval metrics only
        assert set(rows[(system, "q5")].metrics) == {"ndcg@3", "recall@1", "mrr"} and "answer" not in rows[(system, "q5")].meta
    assert [rows[("keywords", q)].metrics["answer.contains_gold"] for q in ("q1", "q2", "q3", "q4")] == [1.0] * 4
    q3 = rows[("fewer-keywords", "q3")]
    assert [c["doc_id"] for c in q3.meta["answer"]["contexts"]] == ["d2"] and q3.metrics["recall@1"] == 0.0
    assert (q3.metrics["ctx.id_recall"], q3.metrics["answer.contains_gold"]) == (0.0, 0.0)
    assert q3.meta["answer"]["text"] == "The scanner restarts when done."

    card = json.loads((run_dir / "run_card.json").read_text())
    answers = card["answers"]
    assert answers["failures"] == {} and answers["max_queries"] == 4 and answers["top_k"] == 1
    assert answers["prompt_template_fingerprint"] and answers["generator"]["fingerprint"] and answers["judge"] is None
    assert answers["cache"]["answers"]["misses"] >= 4 and "keywords.answers" in card["timings"]

    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["answers"]["headline"] == "answer.contains_gold" and summary["answers"]["retrieval_metric"] == "recall@1"
    transfer = summary["answers"]["pairs"][0]["transfer"][0]
    assert transfer["slice"] == "all" and transfer["n"] == 4 and transfer["verdict"] == "worse retrieval, worse answers"
    tests = {t["metric"]: t for t in summary["comparison"]["pairs"][0]["tests"] if t["slice"] == "all"}
    assert (tests["answer.contains_gold"]["n"], tests["answer.contains_gold"]["missing"]) == (4, 1)
    html = (run_dir / "report.html").read_text()
    assert 'id="answers"' in html and "Answer quality" in html and "Answers that changed" in html
    assert summary["answers"]["pairs"][0]["changed"][0]["qid"] == "q3" and "The scanner restarts when done." in html
    assert "### Answer quality" in (run_dir / "summary.md").read_text()

    # The prompt template is part of the run id; the generated answers are cached.
    calls = len(server.state.chat_requests())
    evaluate(config)
    assert len(server.state.chat_requests()) == calls and len(run_dirs(tmp_path / "reports")) == 1
    config.write_text(config.read_text() + '[answers.generator.prompt_template]\nsystem = "Be terse."\n')
    evaluate(config)
    assert len(run_dirs(tmp_path / "reports")) == 2


def test_malformed_judge_is_counted_and_shown_not_a_crash(tmp_path, server) -> None:
    with ChatServer(ChatServerState(malformed=True)) as judge:
        judge_table = {"base_url": judge.base_url, "model": "rules", "timeout": 10, "max_retries": 0}
        answers = {"metrics": ["answer.contains_gold", "judge.faithfulness"], "judge": judge_table}
        result = evaluate(write_config(tmp_path, server.base_url, answers=answers))
    assert "failed judge verdicts (scored None, not 0): judge.faithfulness 5" in result.output
    (run_dir,) = run_dirs(tmp_path / "reports")
    rows = list(read_rows(run_dir))
    assert all(r.metrics["judge.faithfulness"] is None and r.metrics["answer.contains_gold"] is not None for r in rows)
    card = json.loads((run_dir / "run_card.json").read_text())
    assert card["answers"]["failures"] == {s: {"judge.faithfulness": 5} for s in ("keywords", "fewer-keywords")}
    assert card["answers"]["judge"]["model"] == "rules"
    faith = next(t for t in json.loads((run_dir / "summary.json").read_text())["comparison"]["pairs"][0]["tests"]
                 if t["metric"] == "judge.faithfulness")
    assert (faith["n"], faith["missing"], faith["deciding"]) == (0, 5, False)
    html = (run_dir / "report.html").read_text()
    assert "Failed verdicts" in html and '<span class="pill warn">5</span>' in html


def test_answers_section_validates_like_the_others(tmp_path) -> None:
    from ragshift.harness.errors import ConfigError

    config = write_config(tmp_path, "http://127.0.0.1:9/v1", answers={"metrics": ["answer.bleu"]})
    with pytest.raises(ConfigError, match=r"\[answers\] metrics: unknown answer metric 'answer.bleu'; valid: ctx.precision"):
        load_config(config)
    config.write_text(config.read_text().replace('metrics = ["answer.bleu"]', "max_querys = 3"))
    with pytest.raises(ConfigError, match=r"\[answers\] unknown key 'max_querys'; valid keys: generator, judge, .*max_queries"):
        load_config(config)


def test_example_answers_config_loads() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "configs" / "answers.toml")
    assert config.answers is not None and config.answers.generator.kind == "smollm2" and config.answers.judge is None
    assert config.answers.top_k == 3 and config.answers.max_queries and config.corpus.path.name == "acme-kb"
