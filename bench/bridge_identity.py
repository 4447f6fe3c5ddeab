"""Choose the bridge's ``identity_weight`` default on acme-kb dev data: the train split's queries, never test.

Same setting as ``bench/bridge.py`` (old = all-MiniLM-L6-v2's chunk vectors, exact cosine, a document
scores as its best chunk); the new model is ``--model``. The bridges are scored on

- ``train``: the 320 queries of the train split (the `make demo` fine-tune trained on 286 of them, so
  its own gain there is optimistic; what is compared is bridges with each other), and
- ``ft-dev`` (when ``--model`` is a ragshift fine-tune): the 34 of them it held out as its dev set
  (``split_dev`` with the fine-tune's seed and fraction): queries no model was trained on.

Two model changes were run: the `make demo` fine-tune (``models/acme-finetuned``) and MiniLM with 15 %
weight noise (the slow test's perturbation; ``/work/bench-models/acme-kb/minilm-perturbed``). The
default is the weight with the highest mean train nDCG@10 over sizes, seeds and both changes
(bench/RESULTS.md §5 says how that rule came about).

    .venv/bin/python bench/bridge_identity.py --model models/acme-finetuned [--seeds 5] [--kinds orthogonal affine]

Writes bench/out/bridge_identity-<model>-<kinds>.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchenv import REPO

import numpy as np  # noqa: E402

from bench.bridge import KINDS, Quiet, per_query, search  # noqa: E402
from ragshift.harness.bridge.fit import fit_map  # noqa: E402
from ragshift.harness.bridge.sample import draw_sample  # noqa: E402
from ragshift.harness.config import EmbedderConfig, load_config  # noqa: E402
from ragshift.harness.corpus import load_corpus  # noqa: E402
from ragshift.harness.finetune.evalsets import split_dev  # noqa: E402
from ragshift.harness.systems import build_chunker, load_embedder  # noqa: E402

WEIGHTS = [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(REPO / "models" / "acme-finetuned"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100, 193])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--kinds", nargs="+", default=list(KINDS))
    parser.add_argument("--weights", type=float, nargs="+", default=WEIGHTS)
    parser.add_argument("--holdout", type=float, default=0.2)
    args = parser.parse_args()

    config = load_config(REPO / "configs" / "demo.toml")
    corpus = load_corpus(config.corpus.path)
    train = corpus.select("train")
    sets = {"train": train}
    card = Path(args.model) / "ragshift_finetune.json"
    if card.is_file():  # a ragshift fine-tune: its own dev queries too
        record = json.loads(card.read_text())["config"]
        _, dev = split_dev(train, fraction=record["dev_fraction"], seed=record["seed"], near_duplicate=record["near_duplicate"])
        sets["ft-dev"] = dev
    chunker = build_chunker(config)
    chunks = chunker.chunk(list(corpus.documents.values()))
    texts, docs = [c.text for c in chunks], [c.doc_id for c in chunks]
    old = load_embedder(config, EmbedderConfig(name="baseline"), console=Quiet())  # type: ignore[arg-type]
    new = load_embedder(config, EmbedderConfig(name="acme-finetuned", model=args.model), console=Quiet())  # type: ignore[arg-type]
    old_docs, new_docs = old.embed_documents(texts), new.embed_documents(texts)
    new_q = {name: new.embed_queries([q.text for q in qs]) for name, qs in sets.items()}
    old_q = {name: old.embed_queries([q.text for q in qs]) for name, qs in sets.items()}
    by_chunk = {c.chunk_id: i for i, c in enumerate(chunks)}

    def ndcg(name: str, query_vectors: np.ndarray, doc_vectors: np.ndarray) -> float:
        qs = sets[name]
        rows = per_query("x", qs, search(query_vectors, doc_vectors, docs, [q.qid for q in qs]), corpus.qrels)
        return float(np.mean([m["ndcg@10"] for m in rows.values()]))

    reference = {name: {"old": ndcg(name, old_q[name], old_docs), "full re-embed": ndcg(name, new_q[name], new_docs),
                        "no map": ndcg(name, new_q[name], old_docs)} for name in sets}
    scores: dict[str, dict[str, dict[str, list[float]]]] = {}
    t0 = time.perf_counter()
    for kind in args.kinds:
        for weight in args.weights:
            cell = scores.setdefault(kind, {}).setdefault(str(weight), {name: [] for name in sets})
            for size in args.sizes:
                for seed in range(args.seeds):
                    sample = draw_sample(list(corpus.documents.values()), chunker, size=size, holdout=args.holdout, seed=seed)
                    rows = [by_chunk[c.chunk_id] for c, held in zip(sample.chunks, sample.heldout) if not held]
                    bridge_map = fit_map(new_docs[rows], old_docs[rows], {**KINDS[kind], "identity_weight": weight, "seed": seed})
                    for name in sets:
                        cell[name].append(ndcg(name, bridge_map.apply(new_q[name]), old_docs))
        print(f"{kind}: done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bridge_identity-{Path(args.model).name}-{'-'.join(args.kinds)}.json").write_text(json.dumps(
        {"sizes": args.sizes, "seeds": args.seeds, "queries": {k: len(v) for k, v in sets.items()},
         "reference": reference, "scores": scores}, indent=1))
    print(markdown(args, sets, reference, scores))


def markdown(args: argparse.Namespace, sets: dict[str, Any], reference: dict[str, Any], scores: dict[str, Any]) -> str:
    names = list(sets)
    head = " | ".join(f"{n} ({len(sets[n])} q.)" for n in names)
    lines = [f"nDCG@10, mean over sample sizes {args.sizes} × {args.seeds} seeds; **bold**: the best weight on `train`.", "",
             f"| map | identity_weight | {head} |", "|---|---:|" + "---:|" * len(names)]
    for label in ("old", "no map", "full re-embed"):
        lines.append(f"| {label} | — | " + " | ".join(f"{reference[n][label]:.4f}" for n in names) + " |")
    for kind, by_weight in scores.items():
        best = max(by_weight, key=lambda w: np.mean(by_weight[w]["train"]))
        for weight, cell in by_weight.items():
            mark = "**" if weight == best else ""
            lines.append(f"| {kind} | {mark}{weight}{mark} | " + " | ".join(f"{np.mean(cell[n]):.4f}" for n in names) + " |")
    sizes = " | ".join(f"{size} chunks" for size in args.sizes)
    lines += ["", f"Per sample size (`train` / `ft-dev`, mean over {args.seeds} seeds):", "",
              f"| map | identity_weight | {sizes} |", "|---|---:|" + "---|" * len(args.sizes)]
    for kind, by_weight in scores.items():
        for weight, cell in by_weight.items():
            per = [[float(np.mean(cell[n][i * args.seeds:(i + 1) * args.seeds])) for n in names] for i in range(len(args.sizes))]
            lines.append(f"| {kind} | {weight} | " + " | ".join(" / ".join(f"{v:.4f}" for v in p) for p in per) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
