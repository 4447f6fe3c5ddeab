"""Every kind of bad input, one row each: the command, the exit code, a fragment of the one-line
message, nothing written, and a good run in the same folders still works afterwards.

Add a row when you add a check; the matrix must stay green as the code changes.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from errors_workspace import Workspace, config_text, invoke

Setup = Callable[[Workspace], list]


@dataclass(frozen=True)
class Case:
    id: str
    setup: Setup
    code: int
    message: str
    touches: tuple[str, ...] = field(default=())
    """Globs of workspace paths the failed command may change (caches it fills before the failing step)."""


def bad(text: str) -> Setup:
    """``ragshift eval bad.toml`` with this config."""
    return lambda ws: ["eval", ws.bad_config(text)]


def eval_good_with(extra: str) -> Setup:
    """``ragshift eval`` of the good config plus ``extra`` (later tables win over nothing: keys are new)."""
    return bad(config_text(extra=extra))


def corpus_with(rel: str, content: str | bytes) -> Setup:
    def setup(ws: Workspace) -> list:
        ws.bad_corpus(rel, content)
        return ["eval", ws.bad_config(config_text("bad-corpus"))]

    return setup


def replaced(old: str, new: str) -> Setup:
    return bad(config_text().replace(old, new))


def with_run_folder(damage: Callable[[Path], object], *extra: str) -> Setup:
    """``ragshift compare`` of a copy of a good run folder, damaged by ``damage(folder)``."""

    def setup(ws: Workspace) -> list:
        assert invoke("eval", ws.good).exit_code == 0
        source = ws.run_folders()[0]
        copy = ws.root / "damaged-run"
        shutil.copytree(source, copy)
        damage(copy)
        return ["compare", copy, *extra]

    return setup


def truncate(path: Path, keep: float = 0.6) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def damaged_store(ws: Workspace) -> list:
    store = ws.root / "damaged-store"
    store.mkdir()
    (store / "chroma.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    return ["eval", ws.bad_config(config_text(extra=f'[store]\npath = "{store}"\n'))]


def store_busy(ws: Workspace) -> list:
    """Another writer (``reindex``) holds the store's write lock while eval must build a collection."""
    from ragshift.adapters.stores.locks import folder_write_lock

    lock = folder_write_lock(ws.root / ".ragshift" / "chroma", what="reindex rsx-test")
    lock.__enter__()
    ws.release = lambda: lock.__exit__(None, None, None)  # type: ignore[attr-defined]
    return ["eval", ws.good]


ONE_MORE_EMBEDDER = '[[embedders]]\nname = "ft"\nmodel = "{}"\n'
FINETUNE = '[finetune]\nbase_model = "{}"\noutput = "models/ft"\n'

CASES = [
    # config: syntax, keys, values
    Case("unknown-key", replaced('strategy = "none"', 'strategy = "none"\nsise = 3'), 2, "[chunking] unknown key 'sise'; valid keys: strategy, size, overlap"),
    Case("unknown-section", eval_good_with('[chunkng]\nsize = 3\n'), 2, "unknown section [chunkng]; valid sections: run, corpus"),
    Case("bad-metric", replaced('"mrr"', '"ndgc@5"'), 2, "invalid metric 'ndgc@5': unknown name; valid forms: ndcg@K"),
    Case("invalid-toml", bad('[run\nname = "x"\n'), 2, "invalid TOML"),
    Case("missing-corpus-section", bad('[[embedders]]\nname = "a"\nkind = "testing.keyword"\nvocabulary = ["a"]\n'), 2,
         "missing required section [corpus]"),
    Case("duplicate-embedder", eval_good_with('[[embedders]]\nname = "keywords"\nkind = "testing.keyword"\nvocabulary = ["x"]\n'), 2,
         "embedder names must be unique; used more than once: keywords"),
    Case("chunk-overlap", replaced('strategy = "none"', 'strategy = "sentence"\nsize = 32\noverlap = 32'), 2,
         "[chunking]: overlap (32) must be smaller than size (32)"),
    Case("key-not-used-by-kind", replaced('kind = "testing.keyword"', 'kind = "testing.keyword"\nbase_url = "http://x"'), 2,
         "[[embedders]] #1: 'base_url' not used by kind = \"testing.keyword\""),
    Case("degraded-of-unknown", eval_good_with('[[embedders]]\nname = "noisy"\nkind = "testing.degraded"\nof = "nope"\n'), 2,
         "'noisy': of = 'nope' must name an embedder that is not degraded; choose from: keywords"),
    Case("store-url-credentials", eval_good_with('[store]\nurl = "http://user:pw@localhost:8000"\n'), 2,
         "[store] url: url must not hold credentials"),
    Case("config-not-found", lambda ws: ["eval", ws.root / "nope.toml"], 2, "does not exist"),
    Case("config-type", lambda ws: ["eval", ws.write("bad.ini", "[run]\n")], 2, "unsupported config file type '.ini'"),
    # run names: one safe folder name, never a path
    Case("name-slash", replaced('name = "good"', 'name = "a/b"'), 2, "[run] name: 'a/b' is not a safe folder name"),
    Case("name-escape", replaced('name = "good"', 'name = "./../../escaped"'), 2, "is not a safe folder name"),
    Case("name-dotdot", replaced('name = "good"', 'name = ".."'), 2, "[run] name: '..' is not a safe folder name"),
    # folders under a regular file (the output case used to fail only after indexing and retrieval)
    Case("output-under-file", replaced('output = "reports"', 'output = "afile/reports"'), 2,
         "[run] output: {root}/afile is a file, not a folder"),
    Case("output-option-under-file", lambda ws: ["eval", ws.good, "--output", "afile/out"], 2,
         "--output afile/out: afile is a file, not a folder"),
    Case("store-under-file", eval_good_with('[store]\npath = "afile/chroma"\n'), 2, "{root}/afile is a file, not a folder"),
    Case("cache-under-file", eval_good_with('[cache]\npath = "afile/cache"\n'), 2, "[cache] path: {root}/afile is a file, not a folder"),
    # models: checked before any work
    Case("model-missing", eval_good_with(ONE_MORE_EMBEDDER.format("./models/nope")), 2,
         "[[embedders]] 'ft': model folder {root}/models/nope does not exist"),
    Case("model-is-a-file", eval_good_with(ONE_MORE_EMBEDDER.format("./afile")), 2,
         "[[embedders]] 'ft': model {root}/afile is a file, not a model folder"),
    Case("hub-id-not-cached-offline", eval_good_with(ONE_MORE_EMBEDDER.format("some-org/not-cached-model")), 2,
         "model 'some-org/not-cached-model' is not a local folder and not in the Hugging Face cache, and downloads are off"),
    Case("hub-id-invalid", eval_good_with(ONE_MORE_EMBEDDER.format("not a model")), 2,
         "model 'not a model' is neither a folder nor a valid Hugging Face model id"),
    Case("query-adapter-missing", eval_good_with('[[embedders]]\nname = "qa"\nkind = "query-adapter"\nmodel = "./models/qa"\n'), 2,
         "[[embedders]] 'qa': model {root}/models/qa is not a query-adapter folder"),
    Case("finetune-base-missing", lambda ws: ["finetune", ws.bad_config(config_text(extra=FINETUNE.format("./models/base")))], 2,
         "[finetune] base_model: model folder {root}/models/base does not exist"),
    Case("finetune-section-missing", lambda ws: ["finetune", ws.good], 2, "good.toml: this command needs a [finetune] section"),
    Case("reindex-model-missing", lambda ws: ["reindex", ws.bad_config(config_text(extra=ONE_MORE_EMBEDDER.format("./models/nope"))), "-e", "ft"],
         2, "model folder {root}/models/nope does not exist"),
    Case("unknown-embedder", lambda ws: ["reindex", ws.good, "-e", "nope"], 2, "no embedder named 'nope'; embedders: keywords"),
    # corpus files: file, line, problem
    Case("corpus-malformed-json", corpus_with("corpus.jsonl", '{"_id": "d1", "text": "x"}\n{"_id": "d2", "text": \n'), 2,
         "bad-corpus/corpus.jsonl:2: malformed JSON"),
    Case("corpus-duplicate-id", corpus_with("corpus.jsonl", '{"_id": "d1", "text": "x"}\n{"_id": "d1", "text": "y"}\n'), 2,
         "corpus.jsonl:2: duplicate document id 'd1' (first on line 1)"),
    Case("corpus-not-utf8", corpus_with("corpus.jsonl", b'{"_id": "d1", "text": "caf\xe9"}\n'), 2, "corpus.jsonl:1: not valid UTF-8"),
    Case("corpus-empty", corpus_with("corpus.jsonl", "\n"), 2, "corpus.jsonl: empty corpus"),
    Case("qrels-unknown-doc", corpus_with("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td7\t1\n"), 2,
         "qrels/test.tsv:2: unknown document id 'd7'"),
    Case("qrels-columns", corpus_with("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\n"), 2,
         "test.tsv:2: expected 3 tab-separated columns `query-id<TAB>corpus-id<TAB>score`, found 2"),
    Case("qrels-spaces", corpus_with("qrels/test.tsv", "query-id corpus-id score\nq1 d1 1\n"), 2,
         "test.tsv:1: expected the header line `query-id<TAB>corpus-id<TAB>score`, found 3 columns separated by spaces"),
    Case("qrels-score", corpus_with("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1.5\n"), 2,
         "test.tsv:2: score must be an integer, got '1.5'"),
    Case("corpus-missing-id", corpus_with("corpus.jsonl", '{"text": "no id"}\n'), 2, "corpus.jsonl:1: missing `_id`"),
    Case("corpus-all-empty", corpus_with("corpus.jsonl", '{"_id": "d1", "text": " \\t "}\n'), 2,
         "corpus.jsonl: empty corpus: all 1 documents are empty (no title, no text)"),
    Case("queries-duplicate-id", corpus_with("queries.jsonl", '{"_id": "q1", "text": "a"}\n{"_id": "q1", "text": "b"}\n'), 2,
         "queries.jsonl:2: duplicate query id 'q1' (first on line 1)"),
    Case("qrels-missing-header", corpus_with("qrels/test.tsv", "q1\td1\t1\n"), 2, "test.tsv:1: missing header line"),
    Case("qrels-unknown-query", corpus_with("qrels/test.tsv", "query-id\tcorpus-id\tscore\nq9\td1\t1\n"), 2,
         "test.tsv:2: unknown query id 'q9'"),
    Case("card-invalid-toml", corpus_with("card.toml", 'name = "kb"\nsplit_field = \n'), 2, "card.toml:2: invalid TOML"),
    Case("corpus-unknown-format", lambda ws: ["eval", ws.write("docs.csv", "a,b\n") and ws.bad_config(config_text("docs.csv"))], 2,
         "docs.csv: cannot tell the corpus format"),
    Case("corpus-missing", bad(config_text("no-such-corpus")), 2, "no-such-corpus: does not exist"),
    Case("split-without-queries", replaced('path = "corpus"', 'path = "corpus"\nsplit = "dev"'), 2,
         "no judged queries in split 'dev'; splits present: test, train"),
    # stores and run folders
    Case("damaged-chroma-sqlite", damaged_store, 2, "damaged-store/chroma.sqlite3: not a readable Chroma database",
         touches=(".ragshift", ".ragshift/cache", ".ragshift/cache/*")),
    Case("damaged-embedding-cache", lambda ws: ["eval", ws.write("dcache/embeddings.sqlite", b"not sqlite at all") and
                                                 ws.bad_config(config_text(extra='[cache]\npath = "dcache"\n'))], 2,
         "embedding cache {root}/dcache/embeddings.sqlite is unusable (not an sqlite database); delete the file to rebuild it"),
    Case("store-busy", store_busy, 2, "is being written by another process (pid ",
         touches=(".ragshift", ".ragshift/*", ".ragshift/cache/*")),
    Case("compare-truncated-rows", with_run_folder(lambda run: truncate(run / "rows.jsonl")), 2,
         "damaged-run/rows.jsonl:2: truncated or malformed JSON"),
    Case("compare-foreign-rows", with_run_folder(lambda run: (run / "rows.jsonl").write_text('{"system": "a"}\n')), 2,
         "rows.jsonl:1: not a ragshift row (missing field 'qid')"),
    Case("compare-truncated-run-card", with_run_folder(lambda run: truncate(run / "run_card.json", 0.3)), 2,
         "damaged-run/run_card.json:"),
    Case("compare-no-rows", with_run_folder(lambda run: (run / "rows.jsonl").unlink()), 2, "no rows.jsonl; is this a folder written by"),
    Case("compare-out-under-file", with_run_folder(lambda run: None, "--out", "afile/cmp"), 2,
         "--out afile/cmp: afile is a file, not a folder"),
    Case("compare-unknown-baseline", with_run_folder(lambda run: None, "--baseline", "nope"), 2, "systems present"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(workspace: Workspace, case: Case) -> None:
    args = case.setup(workspace)
    before = workspace.tree()
    try:
        result = invoke(*args)
    finally:
        getattr(workspace, "release", lambda: None)()
    output = result.output
    assert result.exit_code == case.code, output
    assert case.message.format(root=workspace.root) in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 or case.id == "config-not-found", output  # click's usage error is a box
    changed = {p for p, v in workspace.tree().items() if before.get(p) != v} | (set(before) - set(workspace.tree()))
    assert {p for p in changed if not any(fnmatch.fnmatch(p, g) for g in case.touches)} == set(), "written: " + str(changed)
    # A good run in the same folders still works: no lock held, no half-written collection or folder in the way.
    good = invoke("eval", workspace.good)
    assert good.exit_code == 0, good.output
    assert [p.name.split("-")[0] for p in workspace.run_folders()] == ["good"]


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
