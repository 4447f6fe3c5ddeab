"""The real thing on tiny data: MiniLM and a perturbed copy of it (another fingerprint), bridged by `ragshift bridge`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app

REPO = Path(__file__).resolve().parents[2]


def perturbed_minilm(minilm_path: str, target: Path) -> Path:
    """MiniLM with seeded noise (15% of each weight matrix's spread) added, saved as a model folder."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(minilm_path, device="cpu")
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for param in model.parameters():
            if param.dim() >= 2:
                param.add_(torch.randn(param.shape, generator=generator) * param.std() * 0.15)
    model.save(str(target))
    return target


@pytest.mark.slow
def test_bridge_of_minilm_and_a_perturbed_copy(tmp_path, minilm_path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    lines = (REPO / "corpora" / "acme-kb" / "corpus.jsonl").read_text().splitlines()[:80]
    corpus.write_text("\n".join(lines) + "\n")
    perturbed = perturbed_minilm(minilm_path, tmp_path / "minilm-perturbed")
    config = tmp_path / "bridge.toml"
    config.write_text(f"""
[corpus]
path = "corpus.jsonl"
[chunking]
strategy = "none"
[cache]
path = "cache"
[[embedders]]
name = "minilm"
[[embedders]]
name = "perturbed"
model = "./minilm-perturbed"
[bridge]
from = "minilm"
to = "perturbed"
sample = 80
holdout = 0.25
""")
    result = CliRunner().invoke(app, ["bridge", str(config)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "bridges" / "perturbed-over-minilm"
    record = json.loads((folder / "bridge.json").read_text())
    assert record["from"]["fingerprint"] != record["to"]["fingerprint"]
    assert record["to"]["spec"]["model"] == str(perturbed)
    heldout = record["quality"]["heldout"]
    assert heldout["bridge"]["mean_cosine"] > heldout["no_bridge"]["mean_cosine"] + 0.02
    assert heldout["bridge"]["neighbours"] >= heldout["no_bridge"]["neighbours"]

    from ragshift.harness.bridge.embedder import load_bridge
    from ragshift.harness.systems import build_recorded

    bridge = load_bridge(folder, build=build_recorded)  # both models rebuilt from the folder's records, fingerprints checked
    queries = ["Who owns the Shipment Ledger Daemon?", "how do I roll back scanner firmware", "FDK outage"]
    old = bridge.old.embed_queries(queries)
    mapped, raw = bridge.embed_queries(queries), bridge.new.embed_queries(queries)
    assert np.mean(np.sum(mapped * old, axis=1)) > np.mean(np.sum(raw * old, axis=1))
