"""The [finetune] section: defaults, paths, validation, errors that name the valid keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from harness.config import load_config
from harness.errors import ConfigError
from harness.finetune.config import FinetuneConfig

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
