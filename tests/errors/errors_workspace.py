"""A workspace for bad-input cases: a tiny BEIR corpus, a good config, and helpers to break things."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from ragshift.harness.cli import app
from support.tiny_kb import DOCS, VOCAB

QUERIES = {
    "q1": ("how do I return a scanner", "test", {"d1": 1}),
    "q2": ("firmware rollback reset", "test", {"d2": 2, "d1": 0}),
    "q3": ("when does the office close", "test", {"d3": 1}),
    "q4": ("vpn portal approval", "train", {"d4": 1}),
}


def write_corpus(root: Path) -> Path:
    """A valid BEIR folder: 4 documents, 3 test queries and 1 train query."""
    (root / "qrels").mkdir(parents=True)
    docs = "".join(json.dumps({"_id": d, "title": t, "text": x}) + "\n" for d, (t, x) in DOCS.items())
    (root / "corpus.jsonl").write_text(docs)
    queries = "".join(json.dumps({"_id": q, "text": t, "metadata": {"split": s}}) + "\n" for q, (t, s, _) in QUERIES.items())
    (root / "queries.jsonl").write_text(queries)
    for split in ("train", "test"):
        rows = [f"{q}\t{d}\t{g}" for q, (_, s, rel) in QUERIES.items() if s == split for d, g in rel.items()]
        (root / "qrels" / f"{split}.tsv").write_text("\n".join(["query-id\tcorpus-id\tscore", *rows]) + "\n")
    return root


def config_text(corpus: str = "corpus", *, name: str = "good", extra: str = "") -> str:
    """A fast config: the keyword fake embedder, whole documents, no cost measurement."""
    return (
        f'[run]\nname = "{name}"\noutput = "reports"\n'
        f'[corpus]\npath = "{corpus}"\n'
        '[chunking]\nstrategy = "none"\n'
        f'[[embedders]]\nname = "keywords"\nkind = "testing.keyword"\nvocabulary = {json.dumps(VOCAB)}\n'
        '[metrics]\nnames = ["ndcg@3", "recall@1", "mrr"]\n'
        '[cost]\nenabled = false\n'
        + extra
    )


@dataclass
class Workspace:
    """``root`` holds corpus/, good.toml, a regular file ``afile``; reports and .ragshift/ go there too."""

    root: Path

    @property
    def good(self) -> Path:
        return self.root / "good.toml"

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    def bad_config(self, text: str, name: str = "bad.toml") -> Path:
        return self.write(name, text)

    def bad_corpus(self, rel: str, text: str | bytes) -> Path:
        """A copy of the corpus in bad-corpus/ with ``rel`` replaced; returns the folder."""
        copy = write_corpus(self.root / "bad-corpus")
        (copy / rel).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return copy

    def tree(self) -> dict[str, tuple[int, int]]:
        """Every file and folder under root with its size and mtime: what "nothing written" compares."""
        found = {}
        for folder, dirs, files in os.walk(self.root):
            for name in dirs + files:
                path = Path(folder, name)
                stat = path.lstat()
                found[path.relative_to(self.root).as_posix()] = (stat.st_size if name in files else 0, stat.st_mtime_ns)
        return found

    def run_folders(self) -> list[Path]:
        reports = self.root / "reports"
        return sorted(reports.iterdir()) if reports.is_dir() else []


def invoke(*args: str | Path):
    """Run ``ragshift ARGS`` in this process; exceptions other than exits are reported, not raised."""
    return CliRunner().invoke(app, [str(a) for a in args])
