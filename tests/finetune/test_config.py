"""The [finetune] section: defaults, paths, validation, errors that name the valid keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError
from ragshift.harness.finetune.config import FinetuneConfig

HEAD = """
[corpus]
path = "data"

[[embedders]]
name = "base"
"""


def load(tmp_path: Path, section: str) -> FinetuneConfig:
    path = tmp_path / "run.toml"
    path.write_text(HEAD + (section if "[finetune" in section else "[finetune]\n" + section), encoding="utf-8")
    return load_config(path).require_finetune()


def test_defaults_are_the_plain_recipe(tmp_path) -> None:
    cfg = load(tmp_path, "")
    assert (cfg.loss, cfg.epochs, cfg.batch_size, cfg.lr, cfg.method) == ("mnrl", 3, 32, 2e-5, "full")
    assert cfg.hard_negatives.enabled is False and cfg.leakage == "refuse"
    assert cfg.output == tmp_path / "models" / "finetuned"


def test_nested_tables_and_paths(tmp_path) -> None:
    cfg = load(
        tmp_path,
        '[finetune]\nloss = "triplet"\nbase_model = "./base"\noutput = "out/m"\n'
        "[finetune.hard_negatives]\nenabled = true\nwindow = [5, 20]\nper_query = 2\n",
    )
    assert cfg.hard_negatives.window == (5, 20) and cfg.hard_negatives.per_query == 2
    assert cfg.base_model == str(tmp_path / "base") and cfg.output == tmp_path / "out" / "m"
    assert load(tmp_path, '[finetune]\nbase_model = "all-MiniLM-L6-v2"\n').base_model == "all-MiniLM-L6-v2"


@pytest.mark.parametrize(
    "section, fragments",
    [
        ("[finetune]\nepochz = 3\n", ["unknown key 'epochz'", "valid keys: base_model, method, loss"]),
        ("[finetune.hard_negatives]\nwindows = [1, 2]\n", ["unknown key 'hard_negatives.windows'", "enabled, window"]),
        ('[finetune]\nloss = "contrastive"\n', ["[finetune] loss", "'mnrl'"]),
        ("[finetune.hard_negatives]\nwindow = [10, 2]\n", ["1 <= low <= high"]),
        ("[finetune]\ndev_fraction = 1.0\n", ["dev_fraction"]),
        ('[finetune]\nleakage = "ignore"\n', ["leakage", "'refuse', 'drop' or 'allow'"]),
    ],
)
def test_bad_values_raise_config_error(tmp_path, section: str, fragments: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, section)
    for fragment in fragments:
        assert fragment in str(err.value)


def test_recipe_ignores_where_and_how_to_resume() -> None:
    a = FinetuneConfig(output="a", resume=True)
    b = FinetuneConfig(output="b", resume=False, keep_checkpoints=True)
    assert a.recipe() == b.recipe()
    assert FinetuneConfig(seed=1).recipe() != a.recipe()


def test_config_is_frozen() -> None:
    with pytest.raises(ValidationError):
        FinetuneConfig().epochs = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    "section, fragment",
    [
        ("[finetune.sources]\nmax_chunks = 10\n", "needs at least one source table"),
        ("[finetune.sources.crop]\nquery_words = [9, 3]\n", "query_words must be [low, high]"),
        ("[finetune.sources.crop]\npositive_ratio = [0.5, 1.5]\n", "positive_ratio"),
        ('[finetune.sources.generated]\nuser = "Passage please"\n', "must contain {passage}"),
        ('[finetune.sources.generated]\ngenerator = { kind = "openai" }\n', 'kind = "openai" needs base_url, model'),
        ("[finetune.sources.title]\n[finetune.sources.filter]\ntop_k = 0\n", "top_k"),
        ("[finetune.sources.title]\n[finetune.sources.filter]\ntop_k = -1\n", "top_k"),
        ("[finetune.sources.title]\n[finetune.sources.filter]\ntop_k = 5\nteacher_min = 0.5\n", "teacher_min needs a [finetune.teacher]"),
        ("[finetune.sources.title]\nwords = 3\n", "unknown key 'sources.title.words'"),
        ('[finetune]\nloss = "margin-mse"\n', 'loss = "margin-mse" needs a [finetune.teacher]'),
        ('[finetune]\nloss = "gist"\n[finetune.hard_negatives]\nenabled = true\nper_query = 2\n', "per_query = 1"),
        ('[finetune]\nguide_model = "./g"\n', 'guide_model is used by loss = "gist"'),
        ("[finetune]\nmatryoshka_dims = [128, 384]\n", "largest first"),
        ('[finetune]\nmethod = "query-adapter"\nloss = "gist"\n', "remove loss"),
        ('[finetune.teacher]\nactivation = "softmax"\n', "'sigmoid' or 'none'"),
        ("[finetune.forgetting]\nalphas = [0.5, 1.0]\n", "must include 0.0"),
        ("[finetune.forgetting]\nmax_drop = -0.1\n", "max_drop"),
    ],
)
def test_new_options_fail_with_a_clear_message(tmp_path, section: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, section)
    assert fragment in str(err.value)


def test_new_tables_load_and_old_recipes_stay_valid(tmp_path) -> None:
    cfg = load(
        tmp_path,
        '[finetune]\nloss = "margin-mse"\nmatryoshka_dims = [384, 128]\n'
        "[finetune.teacher]\n[finetune.forgetting]\nalphas = [0.0, 0.5, 1.0]\n"
        "[finetune.sources]\nmax_chunks = 100\n[finetune.sources.inverse_cloze]\nper_chunk = 2\n"
        '[finetune.sources.generated]\nmax_chunks = 20\ntime_budget_s = 60\ngenerator = { kind = "smollm2", max_new_tokens = 24 }\n'
        "[finetune.sources.filter]\ntop_k = 20\n",
    )
    assert cfg.sources.enabled == ["inverse_cloze", "generated"] and cfg.sources.generated.generator.max_new_tokens == 24
    assert cfg.teacher.model == "ms-marco-MiniLM-L-12-v2" and cfg.forgetting.alphas == (0.0, 0.5, 1.0)
    assert set(cfg.recipe()) >= {"sources", "teacher", "forgetting", "matryoshka_dims"}
    plain = FinetuneConfig().recipe()
    assert not {"sources", "teacher", "forgetting", "guide_model", "matryoshka_dims", "mini_batch_size", "title_pairs"} & set(plain)
    assert "mini_batch_size" in FinetuneConfig(loss="cached-mnrl").recipe()


def test_title_pairs_is_a_title_source() -> None:
    assert FinetuneConfig(title_pairs=50).effective_sources().title.max_chunks == 50
    assert FinetuneConfig().effective_sources() is None
