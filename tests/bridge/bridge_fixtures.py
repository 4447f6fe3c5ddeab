"""A seeded keyword corpus (BEIR folder) and configs for bridge tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

VOCAB = [
    "pallet", "scanner", "firmware", "rollback", "invoice", "refund", "vpn", "portal", "ledger", "daemon",
    "carrier", "route", "depot", "badge", "printer", "label", "customs", "tariff", "fleet", "battery",
]
FILLER = ["the", "a", "of", "to", "and", "when", "is", "for"]


def texts(n: int, *, seed: int = 0) -> list[str]:
    """``n`` short texts of 2-6 vocabulary words among filler (distinct bags of words)."""
    rng = random.Random(seed)
    return [" ".join(rng.sample(VOCAB, rng.randint(2, 6)) + rng.sample(FILLER, 3)) for _ in range(n)]


def write_corpus(root: Path, *, documents: int = 60, queries: int = 40, seed: int = 0) -> Path:
    """BEIR folder: documents of random vocabulary words; each test query asks for 2-3 words of one document."""
    rng = random.Random(seed)
    (root / "qrels").mkdir(parents=True)
    docs = texts(documents, seed=seed)
    with (root / "corpus.jsonl").open("w") as fh:
        for i, text in enumerate(docs):
            fh.write(json.dumps({"_id": f"d{i}", "title": "", "text": text}) + "\n")
    lines = ["query-id\tcorpus-id\tscore"]
    with (root / "queries.jsonl").open("w") as fh:
        for q in range(queries):
            target = rng.randrange(documents)
            words = [w for w in docs[target].split() if w in VOCAB]
            text = " ".join(rng.sample(words, min(len(words), rng.randint(2, 3))))
            kind = "short" if q % 2 else "long"
            fh.write(json.dumps({"_id": f"q{q}", "text": text, "metadata": {"query_type": kind, "split": "test"}}) + "\n")
            lines.append(f"q{q}\td{target}\t1")
    (root / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n")
    return root


def write_config(tmp_path: Path, *, bridge: str | None = None, extra_embedders: str = "", extra: str = "") -> Path:
    """Old = keyword vectors plus noise (``noisy``), new = the clean keyword space (``kw``); ``[bridge]`` from
    noisy to kw unless ``bridge`` gives the section's body."""
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        write_corpus(corpus)
    section = bridge if bridge is not None else 'from = "noisy"\nto = "kw"\nsample = 60\n'
    text = f"""
[run]
name = "bridgetest"
output = "reports"
[corpus]
path = "corpus"
[chunking]
strategy = "none"
[cache]
path = "cache"
[store]
path = "chroma"
[[embedders]]
name = "noisy"
kind = "testing.degraded"
of = "kw"
noise = 0.6
[[embedders]]
name = "kw"
kind = "testing.keyword"
vocabulary = {json.dumps(VOCAB)}
{extra_embedders}
[metrics]
names = ["ndcg@10", "recall@10", "mrr"]
[compare]
baseline = "noisy"
n_resamples = 199
{extra}
"""
    if section:
        text += f"\n[bridge]\n{section}"
    path = tmp_path / "bridge.toml"
    path.write_text(text)
    return path


def fitted_bridge(old, new, sample, *, kind: str = "orthogonal", names: tuple[str, str] = ("old", "new"), **options):
    """A BridgedEmbedder of ``new`` over ``old``'s index, fitted on ``sample`` texts, with its record."""
    from ragshift.harness.bridge.artefact import BridgeRecord, BridgeSide
    from ragshift.harness.bridge.embedder import BridgedEmbedder, bridged_fingerprint
    from ragshift.harness.bridge.fit import fit_map
    from ragshift.harness.protocols import document_fingerprint

    settings = {"kind": kind, "identity_weight": 0.0, "rank": 32, "hidden": 32, "epochs": 20, "lr": 1e-2, "seed": 0, **options}
    bridge_map = fit_map(new.embed_documents(sample), old.embed_documents(sample), settings)

    def side(name, embedder):
        spec = {"name": name, **{k: v for k, v in embedder.describe().items() if k in ("kind", "vocabulary")}}
        return BridgeSide(name, spec, embedder.fingerprint(), document_fingerprint(embedder), embedder.dimension)

    record = BridgeRecord(
        bridged_fingerprint(new.fingerprint(), bridge_map.weights_hash()),
        {"kind": bridge_map.kind, "weights_hash": bridge_map.weights_hash(), "in_dim": bridge_map.in_dim,
         "out_dim": bridge_map.out_dim, "options": settings},
        side(names[0], old), side(names[1], new),
        sample={"chunks": len(sample)}, quality={}, timings={"fit_s": 0.01},
    )
    return BridgedEmbedder(old, new, bridge_map, record=record)
