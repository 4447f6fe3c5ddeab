"""``[engine]``: parsed and checked like every section, chosen by the factory, overridden by
``reindex --engine``, and never part of a run id (where vectors are computed does not change them)."""

from __future__ import annotations

import pytest
from rich.console import Console
from typer.testing import CliRunner

from ragshift.adapters.engines.factory import build_engine
from ragshift.adapters.engines.ray_engine import RayEngine
from ragshift.adapters.engines.st_pool import PoolEngine
from ragshift.harness.cli import app
from ragshift.harness.config import EmbedderConfig, load_config
from ragshift.harness.errors import ConfigError
from ragshift.harness.run import make_run_id
from ragshift.harness.shipping.reindex import LocalEngine
from ragshift.harness.systems import load_embedder
from tests.shipping.ship_fixtures import WORDS, write_config, write_corpus


@pytest.fixture
def path(tmp_path):
    return write_config(tmp_path, write_corpus(tmp_path / "corpus"))


def with_engine(path, text: str):
    """The config at ``path`` with ``text`` as its [engine] section, in a file of its own."""
    other = path.with_name(f"engine-{abs(hash(text))}.toml")
    other.write_text(path.read_text() + "\n[engine]\n" + text + "\n")
    return load_config(other)


def test_defaults_to_local_batches_of_64(path):
    config = load_config(path)
    assert (config.engine.kind, config.engine.batch_size, config.engine.processes) == ("local", 64, 1)
    engine = build_engine(config, config.embedders[-1], load_embedder(config, config.embedders[-1], console=Console(quiet=True)))
    assert isinstance(engine, LocalEngine) and engine.describe() == {"engine": "local", "processes": 1}


def test_ray_settings_and_bad_values(path):
    config = with_engine(path, 'kind = "ray"\nnum_actors = 2\ngpus_per_actor = 0\naddress = "auto"')
    spec = config.embedders[-1]
    engine = build_engine(config, spec, load_embedder(config, spec, console=Console(quiet=True)))
    assert isinstance(engine, RayEngine) and engine.recipe.config.embedder(engine.recipe.name) == spec
    with pytest.raises(ConfigError, match=r"\[engine\].*kind"):
        with_engine(path, 'kind = "spark"')
    with pytest.raises(ConfigError, match="actors"):
        with_engine(path, "actors = 2")
    with pytest.raises(ConfigError, match="batch_size"):
        with_engine(path, "batch_size = 0")


def test_processes_pick_the_pool_for_sentence_transformers_only(path, minilm_path):
    config = with_engine(path, "processes = 2")
    st = EmbedderConfig(name="minilm", model=minilm_path)
    config = config.model_copy(update={"embedders": (*config.embedders, st)})
    quiet = Console(quiet=True)
    assert isinstance(build_engine(config, st, load_embedder(config, st, console=quiet)), PoolEngine)  # the model stays unloaded
    out = Console(record=True, width=200)
    keyword = config.embedders[0]
    assert isinstance(build_engine(config, keyword, load_embedder(config, keyword, console=quiet), console=out), LocalEngine)
    assert "processes applies to sentence-transformers models" in out.export_text()
    onnx = EmbedderConfig(name="minilm-onnx", model=minilm_path, backend="onnx")  # the pool runs PyTorch models only
    config = config.model_copy(update={"embedders": (*config.embedders, onnx)})
    out = Console(record=True, width=200)
    assert isinstance(build_engine(config, onnx, load_embedder(config, onnx, console=quiet), console=out), LocalEngine)
    assert "sentence-transformers models on PyTorch; minilm-onnx embeds in this process" in out.export_text()


def test_the_run_id_ignores_the_engine(path):
    config = load_config(path)
    other = config.model_copy(update={"engine": config.engine.model_copy(update={"kind": "ray", "batch_size": 8})})
    systems = {"keywords": {"fingerprint": "abc"}}
    assert make_run_id(config, ["c"], systems) == make_run_id(other, ["c"], systems)


def test_cli_engine_option_overrides_the_config(path):
    runner = CliRunner()
    bad = runner.invoke(app, ["reindex", str(path), "-e", "keywords", "--engine", "spark"])
    assert bad.exit_code == 2 and "spark" in bad.output
    done = runner.invoke(app, ["reindex", str(path), "-e", "keywords", "--engine", "local", "--batch-size", "16"])
    assert done.exit_code == 0, done.output
    assert f"re-embedding 16/{len(WORDS)} chunks" in done.output and "is complete" in done.output


def test_a_recipe_builds_the_configured_embedder_in_the_worker(path, minilm_path):
    import pickle

    from ragshift.adapters.engines.recipe import EmbedderRecipe

    config = load_config(path)
    st = EmbedderConfig(name="minilm", model=minilm_path)
    config = config.model_copy(update={"embedders": (*config.embedders, st)})
    recipe = pickle.loads(pickle.dumps(EmbedderRecipe(config, "keywords")))  # what travels to an actor
    assert recipe.build(device="cuda").fingerprint() == load_embedder(config, config.embedder("keywords"), console=Console(quiet=True)).fingerprint()
    on_gpu = EmbedderRecipe(config, "minilm").build(device="cuda")  # the model loads lazily: nothing touches a GPU here
    assert on_gpu.device == "cuda" and EmbedderRecipe(config, "minilm").build().device == "cpu"
