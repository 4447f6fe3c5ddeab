"""Commands that do not evaluate need no queries: reindex (and promote to a new alias) of a folder or
JSONL corpus work; only promote's sample evaluation asks for judged queries, and says which split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.errors import PromotionRefused
from ragshift.harness.shipping.promote import promote
from ragshift.harness.shipping.reindex_job import run_reindex
from tests.shipping.ship_fixtures import WORDS, write_config


def folder_corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    for word in WORDS[:6]:
        (root / f"{word}.md").write_text(f"# {word.title()}\nHow to request a {word} at the help desk.\n")
    (root / "blank.txt").write_text("\n")  # skipped with a warning, not a reason to refuse
    return root


def jsonl_corpus(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": f"request a {w}"}) + "\n" for i, w in enumerate(WORDS[:6])))
    return path


def test_reindex_of_a_folder_corpus_needs_no_queries(tmp_path: Path):
    config = write_config(tmp_path, folder_corpus(tmp_path / "docs"))
    result = CliRunner().invoke(app, ["reindex", str(config), "-e", "keywords"])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "6 chunks: 6 embedded" in output and "is complete" in output
    assert "docs: skipped 1 empty document (no title, no text): blank" in output


def test_reindex_of_a_jsonl_corpus_then_promote_to_a_new_alias(tmp_path: Path):
    config = load_config(write_config(tmp_path, jsonl_corpus(tmp_path / "kb" / "docs.jsonl")))
    built = {name: run_reindex(config, name).collection for name in ("fewer", "keywords")}
    first = promote(config, "keywords")
    assert first.alias.collection == built["keywords"]
    assert [c.mark for c in first.checks] == ["ok", "ok", "ok", "skip"]  # a new alias: nothing to evaluate
    with pytest.raises(PromotionRefused, match=r"\[FAIL\] sample evaluation: no judged queries in split 'test' of .*docs\.jsonl"):
        promote(config, "fewer")
