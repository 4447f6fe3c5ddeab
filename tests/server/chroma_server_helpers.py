"""Shared by the client/server tests: the proxies' token and a tiny corpus whose collections are unique per test."""

from __future__ import annotations

import json
from pathlib import Path

from support.configs import keyword_embedder
from support.configs import write_config as write_toml
from support.tiny_kb import DOCS, VOCAB

TOKEN = "rs-test-token.7Qx"
"""What the proxies demand; ASCII letters, digits and punctuation, like any Chroma token."""

QUERIES = {
    "q1": ("how do I return a scanner", "question", {"d1": 1}),
    "q2": ("firmware rollback reset", "keyword", {"d2": 2, "d1": 0}),
    "q3": ("when does the office close", "question", {"d3": 1}),
    "q4": ("vpn portal approval", "keyword", {"d4": 1}),
}


def write_corpus(root: Path, nonce: str) -> Path:
    """A BEIR folder; ``nonce`` (in one document) makes its fingerprint, hence its collection names, unique."""
    (root / "qrels").mkdir(parents=True)
    docs = {**DOCS, "d5": ("Run marker", f"marker {nonce}")}
    with (root / "corpus.jsonl").open("w") as fh:
        for doc_id, (title, text) in docs.items():
            fh.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with (root / "queries.jsonl").open("w") as fh:
        for qid, (text, qtype, _) in QUERIES.items():
            fh.write(json.dumps({"_id": qid, "text": text, "metadata": {"query_type": qtype}}) + "\n")
    lines = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t{s}" for q, (_, _, rels) in QUERIES.items() for d, s in rels.items()]
    (root / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n")
    return root


def write_config(folder: Path, corpus: Path, store: dict) -> Path:
    """Two keyword embedders (baseline, candidate) over ``corpus``; ``store`` is the ``[store]`` table."""
    return write_toml(
        folder / "tiny.toml",
        run={"name": "tiny", "output": "reports"},
        corpus={"path": corpus},
        chunking={"strategy": "none"},
        embedders=[keyword_embedder("baseline", VOCAB[:5]), keyword_embedder("candidate", VOCAB)],
        store=store,
        metrics={"names": ["ndcg@3", "recall@1", "mrr"]},
        compare={"n_resamples": 99},
    )
