"""``ragshift eval`` end to end on a tiny BEIR corpus with the keyword fake: files, reuse, clean failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.rundir import read_rows
from support.configs import keyword_embedder
from support.configs import write_config as write_toml

DOCS = {
    "d1": ("Returns policy", "Customers may return a pallet scanner within 30 days."),
    "d2": ("Firmware rollback", "To roll back scanner firmware, hold the reset key for ten seconds."),
    "d3": ("Holiday calendar", "The office closes on the first Monday of August."),
    "d4": ("VPN access", "Request VPN access through the IT portal; approval takes one day."),
}
QUERIES = {
    "q1": ("how do I return a scanner", "question", "test", {"d1": 1}),
    "q2": ("firmware rollback reset", "keyword", "test", {"d2": 2, "d1": 0}),
    "q3": ("when does the office close", "question", "test", {"d3": 1}),
    "q4": ("vpn portal approval", "keyword", "train", {"d4": 1}),
}
VOCAB = ["return", "scanner", "firmware", "rollback", "reset", "office", "close", "vpn", "portal", "approval"]


def write_corpus(root: Path) -> Path:
    (root / "qrels").mkdir(parents=True)
    with (root / "corpus.jsonl").open("w") as fh:
        for doc_id, (title, text) in DOCS.items():
            fh.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with (root / "queries.jsonl").open("w") as fh:
        for qid, (text, qtype, split, _) in QUERIES.items():
            fh.write(json.dumps({"_id": qid, "text": text, "metadata": {"query_type": qtype, "split": split}}) + "\n")
    for split in ("train", "test"):
        lines = ["query-id\tcorpus-id\tscore"] + [
            f"{qid}\t{doc}\t{score}"
            for qid, (_, _, s, rels) in QUERIES.items()
            if s == split
            for doc, score in rels.items()
        ]
        (root / "qrels" / f"{split}.tsv").write_text("\n".join(lines) + "\n")
    return root


def write_config(tmp_path: Path, corpus: Path, *, second: bool = False) -> Path:
    embedders = [keyword_embedder("keywords", VOCAB)] + ([keyword_embedder("fewer-keywords", VOCAB[:3])] if second else [])
    return write_toml(
        tmp_path / "tiny.toml",
        run={"name": "tiny", "output": "reports"},
        corpus={"path": corpus},
        chunking={"strategy": "none"},
        embedders=embedders,
        metrics={"names": ["ndcg@3", "recall@1", "mrr", "hit_rate@3"]},
        compare={"n_resamples": 99},
    )


@pytest.fixture()
def tiny(tmp_path: Path) -> Path:
    return write_config(tmp_path, write_corpus(tmp_path / "corpus"))


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def only_run_dir(reports: Path) -> Path:
    dirs = [p for p in reports.iterdir() if not p.name.startswith(".")]
    assert len(dirs) == 1, dirs
    return dirs[0]


def test_eval_writes_rows_summary_run_card_and_report(tiny: Path) -> None:
    result = run_cli("eval", str(tiny))
    assert result.exit_code == 0, result.output
    run_dir = only_run_dir(tiny.parent / "reports")
    assert run_dir.name.startswith("tiny-")
    assert {p.name for p in run_dir.iterdir()} >= {"rows.jsonl", "summary.json", "run_card.json", "report.html", "summary.md"}
    rows = list(read_rows(run_dir))
    assert sorted(r.qid for r in rows) == ["q1", "q2", "q3"]  # the test split only
    by_qid = {r.qid: r for r in rows}
    assert by_qid["q2"].hits[0].doc_id == "d2"
    assert by_qid["q2"].metrics["recall@1"] == 1.0
    assert by_qid["q2"].relevant == {"d2": 2}
    assert by_qid["q1"].query_type == "question"
    card = json.loads((run_dir / "run_card.json").read_text())
    assert card["run_id"] == run_dir.name
    assert card["corpus"]["fingerprint"] and card["systems"]["keywords"]["fingerprint"]
    assert card["systems"]["keywords"]["indexes"]["corpus"]["added"] == 4
    assert {"python", "chromadb", "llama-index-core"} <= set(card["versions"])
    assert "keywords.retrieve" in card["timings"]


def test_second_run_reuses_collection_and_cache(tiny: Path) -> None:
    assert run_cli("eval", str(tiny)).exit_code == 0
    assert run_cli("eval", str(tiny)).exit_code == 0
    card = json.loads((only_run_dir(tiny.parent / "reports") / "run_card.json").read_text())
    index = card["systems"]["keywords"]["indexes"]["corpus"]
    assert index["reused"] is True and index["added"] == 0 and index["cache_misses"] == 0


def test_two_embedders_are_compared_in_the_report(tmp_path: Path) -> None:
    config = write_config(tmp_path, write_corpus(tmp_path / "corpus"), second=True)
    result = run_cli("eval", str(config))
    assert result.exit_code in (0, 1), result.output
    assert "verdict:" in result.output
    summary = json.loads((only_run_dir(tmp_path / "reports") / "summary.json").read_text())
    assert summary["verdict"] in ("pass", "warn", "fail")


def test_bad_corpus_fails_cleanly_and_writes_nothing(tiny: Path) -> None:
    corpus = tiny.parent / "corpus" / "corpus.jsonl"
    corpus.write_text(corpus.read_text() + '{"_id": "d9", "text": \n')
    result = CliRunner().invoke(app, ["eval", str(tiny)])
    assert result.exit_code == 2
    assert "corpus.jsonl:5" in result.output and "JSON" in result.output
    assert not (tiny.parent / "reports").exists()


def test_unknown_metric_lists_valid_ones(tiny: Path) -> None:
    tiny.write_text(tiny.read_text().replace('"mrr"', '"mrrr"'))
    result = CliRunner().invoke(app, ["eval", str(tiny)])
    assert result.exit_code == 2
    assert "mrrr" in result.output and "ndcg@K" in result.output


def test_a_second_dataset_is_evaluated_next_to_the_domain_corpus(tiny: Path) -> None:
    tiny.write_text(tiny.read_text() + '\n[[datasets]]\nname = "general"\npath = "corpus"\nsplit = "train"\n')
    assert run_cli("eval", str(tiny)).exit_code == 0
    run_dir = only_run_dir(tiny.parent / "reports")
    by_dataset: dict[str, list[str]] = {}
    for row in read_rows(run_dir):
        by_dataset.setdefault(row.dataset, []).append(row.qid)
    assert by_dataset == {"corpus": ["q1", "q2", "q3"], "general": ["q4"]}
    card = json.loads((run_dir / "run_card.json").read_text())
    assert [d["name"] for d in card["datasets"]] == ["corpus", "general"]
    assert set(card["systems"]["keywords"]["indexes"]) == {"corpus", "general"}


def test_run_card_reads_back_as_the_typed_card_it_was_written_from(tmp_path: Path) -> None:
    """run_card.json is ``RunCard.to_json()``: reading it back typed and writing it again changes nothing."""
    from ragshift.harness.runcard import RunCard

    config = write_config(tmp_path, write_corpus(tmp_path / "corpus"), second=True)
    assert run_cli("eval", str(config)).exit_code == 0
    card = json.loads((only_run_dir(tmp_path / "reports") / "run_card.json").read_text())
    typed = RunCard.from_json(card)
    assert json.loads(json.dumps(typed.to_json())) == card
    assert (typed.corpus.name, typed.corpus.documents, typed.baseline) == ("corpus", 4, "keywords")
    facts = typed.rollback_facts()
    assert facts.collection == card["systems"]["keywords"]["indexes"]["corpus"]["collection"] and facts.present is True
    partial = {"run_id": "x", "training_curves": {"m": [{"epoch": 1, "train": 0.5, "dev": 0.4}]}, "bridge": {"k": 1}}
    assert {k: v for k, v in RunCard.from_json(partial).to_json().items() if v not in (None, [], {})} == partial
