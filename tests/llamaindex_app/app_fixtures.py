"""The tiny corpus of the LlamaIndex app tests, and suite configs over it."""

from __future__ import annotations

import json
from pathlib import Path
from support.configs import keyword_embedder
from support.configs import write_config as write_toml

DOCS = {
    "d1": ("Passwords", "Reset your password from the account page. A password reset link expires in one hour."),
    "d2": ("Invoices", "Invoices are emailed monthly. Download any invoice from the billing page."),
    "d3": ("Routers", "Restart the router by holding its button. A router restart takes two minutes."),
    "d4": ("Holidays", "The office is closed on public holidays. Holiday pay follows the contract."),
    "d5": ("Badges", "A lost badge must be reported to security. Security prints a new badge."),
    "d6": ("Printers", "The printer on floor two jams often. Clear a printer jam by opening the tray."),
}
QUERIES = {
    "q1": ("password reset link", "d1", "one hour"),
    "q2": ("download invoice billing", "d2", "billing page"),
    "q3": ("router restart button", "d3", "two minutes"),
    "q4": ("office holidays", "d4", "public holidays"),
    "q5": ("lost badge security", "d5", "security"),
    "q6": ("printer jam tray", "d6", "opening the tray"),
}
VOCABULARY = [
    "password", "reset", "link", "invoice", "invoices", "billing", "router", "restart", "button", "office",
    "holidays", "badge", "security", "printer", "jam", "tray",
]
OTHER_VOCABULARY = [w.upper()[::-1].lower() for w in VOCABULARY]  # same size, other words: same dimension


def write_corpus(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    docs = [{"_id": d, "title": t, "text": x} for d, (t, x) in DOCS.items()]
    queries = [{"_id": q, "text": t, "metadata": {"split": "test", "query_type": "keyword"}} for q, (t, _, _) in QUERIES.items()]
    answers = [{"query_id": q, "answers": [a]} for q, (_, _, a) in QUERIES.items()]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (folder / "answers.jsonl").write_text("".join(json.dumps(a) + "\n" for a in answers))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t2\n" for q, (_, d, _) in QUERIES.items())
    )
    return folder


def suite_config(root: Path, embedders: list[dict], **sections: dict) -> Path:
    """``suite.toml`` over ``root/corpus`` with these ``[[embedders]]`` (and further sections)."""
    return write_toml(
        root / "suite.toml",
        run={"name": "app", "output": "reports"},
        corpus={"path": "corpus"},
        chunking={"strategy": "none"},
        store={"path": "chroma"},
        cache={"path": "cache"},
        metrics={"names": ["ndcg@10", "recall@3", "mrr"]},
        embedders=embedders,
        **sections,
    )


KEYWORD_SUITE = [
    keyword_embedder("baseline", VOCABULARY),
    keyword_embedder("candidate", VOCABULARY, query_prompt="reset "),
]
