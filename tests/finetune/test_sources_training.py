"""Real (tiny) fine-tunes of the packaged MiniLM with label-free sources, a teacher, the new losses and
the forgetting budget, end to end through ``run_finetune`` (fake generator and teacher, real weights)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from fakes import Doc2QueryGenerator, OverlapTeacher
from finetune_fixtures import make_corpus

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.run import run_finetune
from ragshift.harness.finetune.wiseft import GeneralSet
from ragshift.harness.types import Document, Query

pytestmark = pytest.mark.slow
safetensors = pytest.importorskip("safetensors.torch")

MANUALS = {
    "m-print": "Load paper in tray two. Send jobs from the print portal. Collect pages with your badge at the printer.",
    "m-vpn": "Install the client first. Sign in with your company email. Pick the nearest server from the list.",
    "m-badge": "Lost badges are replaced at reception. Bring photo identification. The old badge stops working at once.",
    "m-desk": "Desks are booked in the app. Bookings end at midnight. Leave the desk clean for the next person.",
}
TINY = dict(batch_size=8, lr=1e-4, dev_fraction=0.25, dev_pool_size=30, seed=13, epochs=1)


def corpus() -> Corpus:
    base = make_corpus(leak=False)
    return replace(base, documents={**base.documents, **{d: Document(d, t, title=d[2:]) for d, t in MANUALS.items()}})


def general() -> GeneralSet:
    docs = {
        "paris": "Paris is the capital of France and lies on the Seine.",
        "nile": "The Nile flows north through Egypt into the Mediterranean Sea.",
        "everest": "Mount Everest is the highest mountain above sea level.",
        "amazon": "The Amazon rainforest covers much of northern Brazil.",
        "sahara": "The Sahara is the largest hot desert in the world.",
    }
    queries = {"g1": "capital of France", "g2": "river through Egypt", "g3": "highest mountain", "g4": "largest hot desert"}
    rel = {"g1": "paris", "g2": "nile", "g3": "everest", "g4": "sahara"}
    return GeneralSet("geo", Corpus("geo", {d: Document(d, t) for d, t in docs.items()},
                                    {q: Query(q, t, split="test") for q, t in queries.items()},
                                    {q: {d: 1} for q, d in rel.items()}), "test")


def test_sources_teacher_and_alpha_selection_end_to_end(minilm_path, tmp_path) -> None:
    gen = Doc2QueryGenerator()
    cfg = FinetuneConfig(
        base_model=minilm_path, output=tmp_path / "model", max_steps=3, **TINY,
        hard_negatives={"enabled": True, "window": [1, 10], "margin": 0.0},
        sources={
            "inverse_cloze": {"min_sentences": 3}, "crop": {"min_words": 8, "query_words": [3, 5]},
            "generated": {"max_chunks": 6}, "filter": {"top_k": 10},
        },
        teacher={}, forgetting={"alphas": [0.0, 0.5, 1.0], "max_queries": 4, "pool_size": 5},
    )
    result = run_finetune(cfg, corpus(), cache_dir=tmp_path / "cache", general=[general()], max_drop=0.05,
                          teacher=OverlapTeacher(), generator=gen)
    record = result.record
    synthetic = record["training_set"]["synthetic"]
    assert synthetic["chunks_held_out"] >= 3 and set(synthetic["sources"]) == {"inverse_cloze", "crop", "generated"}
    assert record["training_set"]["synthetic_pairs"] == synthetic["pairs"] > 0
    assert synthetic["sources"]["generated"]["generated"] == len(gen.prompts) == 6
    assert record["training_set"]["queries"] > 12  # judged train queries plus pseudo-queries
    assert record["training_set"]["mining"]["skipped_by_check"] >= 0 and record["teacher"]["kind"] == "overlap-teacher"
    choice = record["forgetting"]
    assert [p["alpha"] for p in choice["curve"]] == [0.0, 0.5, 1.0] and choice["alpha"] in (0.0, 0.5, 1.0)
    assert all(p["dev"] is not None and p["general:geo"] is not None for p in choice["curve"])
    card = (result.output / "README.md").read_text(encoding="utf-8")
    assert "## Label-free pairs" in card and "## Forgetting budget (WiSE-FT)" in card and f"α = {choice['alpha']:g}" in card
    manifest = json.loads((result.output / "ragshift_training.json").read_text(encoding="utf-8"))
    assert any(q["qid"].startswith("syn:") for q in manifest["queries"])
    # the chosen mix is what was published: re-measuring it gives the curve's point
    weights = safetensors.load_file(str(result.output / "model.safetensors"))
    base = safetensors.load_file(str(__import__("pathlib").Path(minilm_path) / "model.safetensors"))
    moved = any(not bool((weights[k] == base[k]).all()) for k in weights if weights[k].is_floating_point())
    assert moved == (choice["alpha"] > 0)
    from ragshift.harness.score_cache import FILE, ScoreCache

    assert ScoreCache(tmp_path / "cache" / FILE).count(OverlapTeacher().fingerprint()) > 0  # the teacher's scores are kept
    again = run_finetune(cfg, corpus(), cache_dir=tmp_path / "cache", general=[general()], max_drop=0.05,
                         teacher=OverlapTeacher(), generator=Doc2QueryGenerator())
    assert again.record["recipe_fingerprint"] == record["recipe_fingerprint"]  # up to date: nothing regenerated


@pytest.mark.parametrize(
    "settings",
    [
        {"loss": "cached-mnrl", "mini_batch_size": 4},
        {"loss": "gist"},
        {"loss": "cached-gist", "mini_batch_size": 4},
        {"loss": "margin-mse", "teacher": {}, "matryoshka_dims": [384, 128]},
    ],
    ids=lambda s: s["loss"],
)
def test_new_losses_train_a_step(minilm_path, tmp_path, settings) -> None:
    cfg = FinetuneConfig(base_model=minilm_path, output=tmp_path / "m", max_steps=1, **TINY, **settings)
    result = run_finetune(cfg, make_corpus(leak=False), teacher=OverlapTeacher() if "teacher" in settings else None)
    assert result.record["steps"] == 1 and result.record["training_set"]["loss"] == settings["loss"]
    if settings["loss"] == "margin-mse":
        assert result.record["training_set"]["columns"] == ["anchor", "positive", "negative_1", "label"]
        from ragshift.harness.score_cache import FILE, ScoreCache

        assert ScoreCache(tmp_path / FILE).count() > 0  # the teacher's margins are kept beside the model
