"""The report's training section shows the label-free pairs and the forgetting budget of a fine-tune."""

from __future__ import annotations

from ragshift.harness.finetune.card import render_card
from ragshift.harness.report import build_report, render_html
from ragshift.harness.testing.rows import synthetic_rows
from ragshift.harness.finetune.facts import training_facts
from ragshift.harness.runcard import RunCard

SYNTHETIC = {
    "chunks": 193, "chunks_held_out": 41, "chunks_sampled": 152, "pairs": 300,
    "sources": {"crop": {"chunks_used": 152, "pairs": 152, "kept": 140, "filter": {"kept": 140}},
                "title": {"chunks_used": 152, "pairs": 152, "leakage_dropped": 2, "kept": 150}},
}
FORGETTING = {
    "alpha": 0.5, "max_drop": 0.01, "reason": "best dev nDCG@10 (0.8100) among the α within the forgetting budget",
    "curve": [{"alpha": 0.0, "dev": 0.7, "general:xquad": 0.94}, {"alpha": 0.5, "dev": 0.81, "general:xquad": 0.935},
              {"alpha": 1.0, "dev": 0.83, "general:xquad": 0.91}],
    "rejected": [{"alpha": 1.0, "why": "xquad 0.9400 → 0.9100 (drop 0.0300 > 0.01)"}],
}
RECORD = {
    "name": "tuned", "recipe_fingerprint": "r", "fingerprint": "f", "base_fingerprint": "b", "seconds": 1.0, "steps": 3,
    "training_set": {"loss": "mnrl", "pairs": 500, "synthetic_pairs": 300, "synthetic": SYNTHETIC},
    "leakage": {"overridden": False, "counts": {}, "dropped_train": []},
    "curves": {"points": [{"epoch": 0, "step": 0, "train": 0.6, "dev": 0.7, "gap": -0.1}], "best": None, "flags": []},
    "forgetting": FORGETTING,
    "config": {"base_model": "m", "method": "full", "loss": "mnrl", "epochs": 1, "max_steps": None, "batch_size": 8,
               "lr": 1e-4, "warmup": 0.1, "seed": 1, "hard_negatives": {"enabled": False}, "train_split": "train",
               "dev_fraction": 0.1, "eval_split": "test", "query_adapter": {}},
    "corpus": {"name": "c", "fingerprint": "cf"}, "dev_queries": 4,
}


def test_html_training_section_has_sources_and_alpha_curve() -> None:
    rows = synthetic_rows(30, {"baseline": 0.4, "tuned": 0.5})
    html = render_html(build_report(rows, RunCard("r", training={"tuned": training_facts(RECORD)}).training_json()))
    assert "Label-free pairs: 300 from 152 of 193 chunks (41 held out" in html
    assert "Forgetting budget (WiSE-FT): kept α = <strong>0.5</strong>" in html
    assert "rejected α 1.0" in html and "xquad 0.9400 → 0.9100" in html
    assert ">general:xquad<" in html and ">0.9350<" in html


def test_model_card_has_sources_and_alpha_curve() -> None:
    card = render_card(RECORD)
    assert "| crop | 152 | 152 | 0 | 140 | 140 |" in card and "| title | 152 | 152 | 2 | - | 150 |" in card
    assert "**α = 0.5**" in card and "| 1 | 0.8300 | 0.9100 | rejected |" in card and "| 0.5 | 0.8100 | 0.9350 | chosen |" in card
    assert "- rejected α = 1: xquad 0.9400 → 0.9100 (drop 0.0300 > 0.01)" in card
