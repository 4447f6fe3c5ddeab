"""Loading valid configs: defaults, relative paths, parsed metrics, fingerprints, extension."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from pydantic import ValidationError

from ragshift.harness.config import (
    DEFAULT_METRICS,
    RunConfig,
    Section,
    load_config,
    section,
)
from ragshift.harness.errors import ConfigError
from ragshift.harness.metrics import MetricSpec, parse_metrics

REPO = Path(__file__).resolve().parents[2]

FULL = """
[run]
name = "nightly"
seed = 7
output = "../out"
offline = false

[corpus]
path = "../corpora/kb"
format = "beir"
split = "dev"
query_type_field = "kind"

[chunking]
strategy = "none"
size = 128
overlap = 0

[[embedders]]
name = "baseline"
model = "all-MiniLM-L6-v2"
query_prompt = "query: "
document_prompt = "passage: "
normalize = false
max_length = 256
batch_size = 8

[[embedders]]
name = "finetuned"
model = "./models/ft"

[[embedders]]
name = "api"
kind = "openai"
model = "text-embedding-3-small"
base_url = "http://localhost:8000/v1"
api_key_env = "MY_KEY"
dimensions = 256

[[embedders]]
name = "li"
kind = "llamaindex"
class_path = "my_pkg.embed:make"

[[embedders]]
name = "fake"
kind = "testing.keyword"
vocabulary = ["alpha", "beta"]

[store]
kind = "chroma"
path = "/var/tmp/chroma"
host = "localhost"
port = 8000
fanout = 5

[cache]
path = "cache"

[metrics]
names = ["NDCG@10", "recall@20", "mrr"]
"""


def test_full_config_loads(write) -> None:
    path = write(FULL)
    root = path.parent.parent
    cfg = load_config(path)
    assert (cfg.run.name, cfg.run.seed, cfg.run.offline) == ("nightly", 7, False)
    assert cfg.run.output == root / "out"
    assert cfg.corpus.path == root / "corpora" / "kb"
    assert (cfg.corpus.format, cfg.corpus.split, cfg.corpus.query_type_field) == ("beir", "dev", "kind")
    assert (cfg.chunking.strategy, cfg.chunking.size, cfg.chunking.overlap) == ("none", 128, 0)
    base, finetuned, api, li, fake = cfg.embedders
    assert (base.query_prompt, base.document_prompt, base.normalize, base.max_length, base.batch_size) == (
        "query: ",
        "passage: ",
        False,
        256,
        8,
    )
    assert finetuned.model == str(path.parent / "models" / "ft")
    assert (api.kind, api.model, api.base_url, api.api_key_env, api.dimensions) == (
        "openai",
        "text-embedding-3-small",
        "http://localhost:8000/v1",
        "MY_KEY",
        256,
    )
    assert li.class_path == "my_pkg.embed:make"
    assert fake.vocabulary == ("alpha", "beta")
    assert cfg.store.path == Path("/var/tmp/chroma")
    assert (cfg.store.host, cfg.store.port, cfg.store.fanout) == ("localhost", 8000, 5)
    assert cfg.cache.path == path.parent / "cache"
    assert cfg.metrics.names == (MetricSpec("ndcg", 10), MetricSpec("recall", 20), MetricSpec("mrr"))
    assert cfg.metrics.specs == cfg.metrics.names
    assert cfg.metrics.depth == 20


def test_defaults_and_paths_relative_to_config_folder(write, minimal) -> None:
    path = write(minimal, name="my-run.toml")
    folder = path.parent
    cfg = load_config(path)
    assert (cfg.run.name, cfg.run.seed, cfg.run.offline) == ("my-run", 0, True)
    assert cfg.run.output == folder / "reports"
    assert cfg.corpus.path == folder / "data"
    assert (cfg.corpus.format, cfg.corpus.split, cfg.corpus.query_type_field) == ("auto", "test", None)
    assert (cfg.corpus.on_empty, cfg.corpus.answers_field) == ("skip", None)
    assert (cfg.chunking.strategy, cfg.chunking.size, cfg.chunking.overlap) == ("sentence", 256, 32)
    (emb,) = cfg.embedders
    assert (emb.kind, emb.model, emb.normalize, emb.batch_size, emb.max_length) == (
        "sentence-transformers",
        "all-MiniLM-L6-v2",
        True,
        32,
        None,
    )
    assert (cfg.store.kind, cfg.store.path, cfg.store.fanout) == ("chroma", folder / ".ragshift" / "chroma", 3)
    assert cfg.cache.path == folder / ".ragshift" / "cache"
    assert cfg.metrics.names == parse_metrics(DEFAULT_METRICS)
    assert cfg.metrics.depth == 10


def test_relative_paths_do_not_depend_on_working_directory(write, minimal, tmp_path, monkeypatch) -> None:
    path = write(minimal)
    monkeypatch.chdir(tmp_path)
    assert load_config(Path("configs") / path.name).corpus.path == path.parent / "data"


def test_star_split_means_all_splits(write, minimal) -> None:
    cfg = load_config(write(minimal.replace('path = "data"', 'path = "data"\nsplit = "*"')))
    assert cfg.corpus.split is None


def test_corpus_options_for_empty_documents_and_answers(write, minimal) -> None:
    text = minimal.replace('path = "data"', 'path = "data"\non_empty = "error"\nanswers_field = "long_answer"')
    cfg = load_config(write(text + '\n[[datasets]]\nname = "general"\npath = "general"\non_empty = "error"\n'))
    assert (cfg.corpus.on_empty, cfg.corpus.answers_field) == ("error", "long_answer")
    assert cfg.datasets[0].on_empty == "error"


def test_model_names_are_not_paths(write, minimal) -> None:
    cfg = load_config(write(minimal + 'model = "org/name"\n'))
    assert cfg.embedders[0].model == "org/name"


def test_config_is_frozen_and_hashable(write, minimal) -> None:
    cfg = load_config(write(minimal))
    with pytest.raises(ValidationError):
        cfg.chunking.size = 3  # type: ignore[misc]
    assert hash(cfg) == hash(load_config(write(minimal)))


def test_fingerprint_is_stable_and_sensitive(write, minimal) -> None:
    first = load_config(write(minimal)).fingerprint()
    assert first == load_config(write(minimal)).fingerprint()
    assert first != load_config(write(minimal + "batch_size = 16\n")).fingerprint()
    assert first != load_config(write(minimal + '\n[metrics]\nnames = ["mrr"]\n')).fingerprint()


def test_yaml_equals_toml(write, minimal) -> None:
    yaml_text = "corpus:\n  path: data\nembedders:\n  - name: base\n"
    from_yaml = load_config(write(yaml_text, name="cfg.yaml"))
    assert from_yaml == load_config(write(minimal, name="cfg.toml"))


def test_yaml_null_split_means_all(write) -> None:
    text = "corpus:\n  path: data\n  split: null\nembedders:\n  - name: base\n"
    assert load_config(write(text, name="cfg.yml")).corpus.split is None


class ComparisonSection(Section):
    alpha: float = 0.05


class ExtendedConfig(RunConfig):
    comparison: ComparisonSection = section()


def test_another_module_can_add_a_section(write, minimal) -> None:
    cfg = load_config(write(minimal + "\n[comparison]\nalpha = 0.01\n"), model=ExtendedConfig)
    assert cfg.comparison.alpha == 0.01
    assert load_config(write(minimal), model=ExtendedConfig).comparison.alpha == 0.05
    with pytest.raises(ConfigError, match=r"\[comparison\] unknown key 'beta'; valid keys: alpha$"):
        load_config(write(minimal + "\n[comparison]\nbeta = 1\n"), model=ExtendedConfig)
    with pytest.raises(ConfigError, match=r"unknown section \[comparison\]"):
        load_config(write(minimal + "\n[comparison]\nalpha = 0.01\n"))


def test_example_configs_load() -> None:
    demo = load_config(REPO / "configs" / "demo.toml")
    assert demo.corpus.path == REPO / "corpora" / "acme-kb"
    assert [(e.name, e.kind, e.model) for e in demo.embedders] == [
        ("baseline", "sentence-transformers", "all-MiniLM-L6-v2")
    ]
    scifact = load_config(REPO / "configs" / "scifact.toml")
    assert scifact.corpus.path == (REPO.parent / "shared" / "data" / "scifact").resolve()
    assert (scifact.chunking.strategy, scifact.corpus.split) == ("none", "test")


def test_adapter_options_fit_the_embedder_factory(write, minimal, monkeypatch) -> None:
    from ragshift.adapters.embedders.factory import build_embedder, builder

    text = """[corpus]
path = "data"
[[embedders]]
name = "st"
model = "./ft"
max_length = 128
[[embedders]]
name = "api"
kind = "openai"
base_url = "http://localhost:9/v1"
api_key_env = "RAGSHIFT_TEST_KEY"
[[embedders]]
name = "li"
kind = "llamaindex"
class_path = "pkg.mod:make"
[[embedders]]
name = "kw"
kind = "testing.keyword"
vocabulary = ["alpha", "beta"]
"""
    monkeypatch.setenv("RAGSHIFT_TEST_KEY", "secret")
    path = write(text)
    options = {e.kind: e.adapter_options() for e in load_config(path).embedders}
    assert options["sentence-transformers"]["model"] == str(path.parent / "ft")
    assert options["sentence-transformers"]["max_length"] == 128
    assert options["openai"]["api_key"] == "secret" and "api_key_env" not in options["openai"]
    assert options["llamaindex"] == {"class_path": "pkg.mod:make", "query_prompt": "", "document_prompt": ""}
    for kind, kwargs in options.items():
        inspect.signature(builder(kind)).bind(**kwargs)
    keyword = build_embedder("testing.keyword", **options["testing.keyword"])
    assert keyword.embed_queries(["alpha alpha beta"]).shape == (1, keyword.dimension)


def test_a_config_compare_section_gives_its_settings_without_the_baseline():
    from ragshift.harness.compare import CompareSettings
    from ragshift.harness.config import CompareSection

    settings = CompareSection(baseline="base", n_resamples=99, slice_fields=("lang",)).settings
    assert type(settings) is CompareSettings
    assert settings == CompareSettings(n_resamples=99, slice_fields=("lang",))
