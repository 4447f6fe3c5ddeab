"""``ragshift eval`` and ``RagshiftRetriever.from_config`` against a Chroma server give what the embedded
database gives; the token comes from the environment and appears in no file of the run."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from chroma_server_helpers import TOKEN, write_config, write_corpus
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.rundir import read_rows


def run_cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def only_run_dir(reports: Path) -> Path:
    (run_dir,) = [p for p in reports.iterdir() if not p.name.startswith(".")]
    return run_dir


def evaluate(folder: Path, corpus: Path, store: dict) -> Path:
    folder.mkdir()
    config = write_config(folder, corpus, store)
    result = run_cli("eval", str(config))
    assert result.exit_code == 0, result.output
    return only_run_dir(folder / "reports")


def outcome(run_dir: Path) -> list[tuple]:
    return sorted(
        (r.system, r.qid, tuple(h.doc_id for h in r.hits), tuple(round(h.score, 5) for h in r.hits), tuple(sorted(r.metrics.items())))
        for r in read_rows(run_dir)
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", nonce=uuid.uuid4().hex)


def test_eval_on_the_server_matches_the_embedded_database(tmp_path, corpus, chroma_url, server_store):
    embedded = evaluate(tmp_path / "embedded", corpus, {"path": "chroma"})
    served = evaluate(tmp_path / "served", corpus, {"url": chroma_url})
    assert outcome(served) == outcome(embedded)
    assert len(outcome(served)) == 8  # 2 systems x 4 queries
    card = json.loads((served / "run_card.json").read_text())
    assert card["config"]["store"]["url"] == chroma_url
    on_server = set(server_store.collections())
    assert {card["systems"][s]["indexes"]["corpus"]["collection"] for s in ("baseline", "candidate")} <= on_server
    assert not (tmp_path / "served" / "chroma").exists()  # nothing was written to an embedded database

    again = run_cli("eval", str(tmp_path / "served" / "tiny.toml"))  # a second run reuses the server's collections
    assert again.exit_code == 0, again.output
    card = json.loads((only_run_dir(tmp_path / "served" / "reports") / "run_card.json").read_text())
    assert card["systems"]["baseline"]["indexes"]["corpus"]["reused"] is True


def test_eval_through_a_token_proxy_keeps_the_token_out_of_every_file(tmp_path, corpus, bearer_proxy, monkeypatch, server_store):
    store = {"url": bearer_proxy.url, "token_env": "RS_TEST_TOKEN"}
    monkeypatch.delenv("RS_TEST_TOKEN", raising=False)
    (tmp_path / "run").mkdir()
    config = write_config(tmp_path / "run", corpus, store)
    refused = run_cli("eval", str(config))
    assert refused.exit_code == 2
    assert "environment variable RS_TEST_TOKEN is not set" in refused.output and "Traceback" not in refused.output

    monkeypatch.setenv("RS_TEST_TOKEN", TOKEN)
    result = run_cli("eval", str(config))
    assert result.exit_code == 0, result.output
    run_dir = only_run_dir(tmp_path / "run" / "reports")
    card = json.loads((run_dir / "run_card.json").read_text())
    assert card["config"]["store"]["token_env"] == "RS_TEST_TOKEN"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and not [p for p in written if TOKEN.encode() in p.read_bytes()]
    assert TOKEN not in result.output
    assert any(path.endswith("/upsert") for _, path, _ in bearer_proxy.seen)  # the writes went through the proxy


def test_retriever_from_config_reads_the_servers_collection(tmp_path, corpus, chroma_url, server_store):
    from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
    from ragshift.harness.errors import ConfigError

    (tmp_path / "app").mkdir()
    config = write_config(tmp_path / "app", corpus, {"url": chroma_url})
    with pytest.raises(ConfigError, match=f"no collection rs-.* for embedder 'candidate' .* in {chroma_url}: build it first"):
        RagshiftRetriever.from_config(config, "candidate")
    assert run_cli("eval", str(config)).exit_code == 0
    retriever = RagshiftRetriever.from_config(config, "candidate", similarity_top_k=2)
    nodes = retriever.retrieve("firmware rollback reset")
    assert [n.node.ref_doc_id for n in nodes][0] == "d2"
    assert retriever.index.name in set(server_store.collections())
