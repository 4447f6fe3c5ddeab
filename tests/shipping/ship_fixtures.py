"""A synthetic BEIR corpus where every document has its own keyword, and configs over it.

With the full vocabulary the keyword embedder finds every document; with ``FEW`` words it finds only
those few, so "fewer" is clearly (significantly) worse than "keywords" on the 30 test queries.
"""

from __future__ import annotations

import json
from pathlib import Path
from support.configs import keyword_embedder
from support.configs import write_config as write_toml

WORDS = [
    "badge", "laptop", "printer", "vpn", "payroll", "holiday", "parking", "invoice", "firewall", "backup",
    "monitor", "keyboard", "license", "router", "scanner", "locker", "shuttle", "canteen", "gym", "visa",
    "pension", "insurance", "training", "mentor", "desk", "projector", "headset", "wifi", "badgeless", "courier",
    "archive", "tablet", "charger", "server", "phone", "ticket", "travel", "expense", "mailbox", "calendar",
]
FEW = WORDS[:5]


def write_corpus(root: Path, *, words: list[str] = WORDS, edit: dict[str, str] | None = None) -> Path:
    """One document per word (``edit`` replaces some texts), a test query per word, 10 train queries."""
    (root / "qrels").mkdir(parents=True, exist_ok=True)
    edit = edit or {}
    with (root / "corpus.jsonl").open("w") as fh:
        for i, word in enumerate(words):
            text = edit.get(f"d{i}", f"How the {word} service works: request a {word} at the help desk portal.")
            fh.write(json.dumps({"_id": f"d{i}", "title": word.title(), "text": text}) + "\n")
    with (root / "queries.jsonl").open("w") as fh:
        for i, word in enumerate(words):
            split = "train" if i % 4 == 3 else "test"
            fh.write(json.dumps({"_id": f"q{i}", "text": f"problem with my {word}", "metadata": {"split": split}}) + "\n")
    for split in ("train", "test"):
        rows = [f"q{i}\td{i}\t1" for i in range(len(words)) if ("train" if i % 4 == 3 else "test") == split]
        (root / "qrels" / f"{split}.tsv").write_text("query-id\tcorpus-id\tscore\n" + "\n".join(rows) + "\n")
    return root


def write_config(root: Path, corpus: Path, *, store: dict | None = None) -> Path:
    """Two keyword embedders: ``fewer`` (5 words) first, ``keywords`` (all) second."""
    return write_toml(
        root / "ship.toml",
        run={"name": "ship", "output": root / "reports"},
        corpus={"path": corpus, "split": "test"},
        chunking={"strategy": "none"},
        embedders=[keyword_embedder("fewer", FEW), keyword_embedder("keywords", WORDS)],
        store=store or {"path": root / "chroma"},
        cache={"path": root / "cache"},
        metrics={"names": ["ndcg@10", "recall@5"]},
        compare={"n_resamples": 999},
    )
