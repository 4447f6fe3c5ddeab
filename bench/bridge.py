"""Bridge vs full re-embed on the bundled ACME corpus: recall@10 / nDCG@10 per map kind and sample size.

Old model: the packaged all-MiniLM-L6-v2 (its index is what a bridge reuses). New model: the fine-tune
`make demo` (or `ragshift finetune configs/demo.toml`) writes to models/acme-finetuned. Per map kind
(orthogonal, affine, mlp) and sample size (chunks of the corpus embedded with both models), fitted on
the sample's fit part, then evaluated on the judged test queries: the new model's query vectors mapped
into the old space and searched over the old model's chunk vectors. Exact cosine over all chunks, a
document scores as its best chunk (no ANN in the way), metrics by ir_measures through ragshift's rows.
Vectors come from the shared embedding cache, so only the first run encodes.

    .venv/bin/python bench/bridge.py [--seeds 3] [--sizes 25 50 100 193]

Writes bench/out/bridge.json and the "bridge" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from benchenv import REPO

import numpy as np  # noqa: E402

from bench.results_md import write_section  # noqa: E402
from ragshift.harness.bridge.config import BridgeSection  # noqa: E402
from ragshift.harness.bridge.fit import fit_map  # noqa: E402
from ragshift.harness.bridge.maps import unit_rows  # noqa: E402
from ragshift.harness.bridge.sample import draw_sample  # noqa: E402
from ragshift.harness.bridge.share import BridgeTriple, share_of_gain  # noqa: E402
from ragshift.harness.config import EmbedderConfig, load_config  # noqa: E402
from ragshift.harness.corpus import load_corpus  # noqa: E402
from ragshift.harness.metrics.rows import rows_from_hits  # noqa: E402
from ragshift.harness.metrics.spec import parse_metrics  # noqa: E402
from ragshift.harness.systems import build_chunker, load_embedder  # noqa: E402
from ragshift.harness.types import Hit  # noqa: E402

METRICS = parse_metrics(["recall@10", "ndcg@10"])
IDENTITY_WEIGHT = BridgeSection.model_fields["identity_weight"].default
"""``ragshift bridge``'s default (chosen on dev data by ``bench/bridge_identity.py``)."""
KINDS = {
    "orthogonal": {"kind": "orthogonal", "identity_weight": IDENTITY_WEIGHT, "seed": 0},
    "affine": {"kind": "affine", "identity_weight": IDENTITY_WEIGHT, "rank": 32, "seed": 0},
    "mlp": {"kind": "mlp", "identity_weight": IDENTITY_WEIGHT, "hidden": 256, "epochs": 100, "lr": 1e-3, "seed": 0},
}


class Quiet:
    def print(self, *args: Any, **kwargs: Any) -> None:
        pass


def search(query_vectors: np.ndarray, chunk_vectors: np.ndarray, chunk_docs: list[str], qids: list[str], k: int = 10) -> dict[str, list[Hit]]:
    """Exact cosine; a document scores as its best chunk."""
    scores = unit_rows(query_vectors) @ unit_rows(chunk_vectors).T
    hits: dict[str, list[Hit]] = {}
    for qid, row in zip(qids, scores):
        best: dict[str, float] = {}
        for j in np.argsort(-row, kind="stable"):
            doc = chunk_docs[j]
            if doc not in best:
                best[doc] = float(row[j])
                if len(best) == k:
                    break
        hits[qid] = [Hit(d, s) for d, s in best.items()]
    return hits


def per_query(system: str, queries, hits, qrels) -> dict[str, dict[str, float]]:
    rows = rows_from_hits(system, queries, hits, qrels, METRICS)
    return {r.qid: dict(r.metrics) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(REPO / "models" / "acme-finetuned"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100, 193])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    args = parser.parse_args()

    config = load_config(REPO / "configs" / "demo.toml")
    corpus = load_corpus(config.corpus.path)
    queries = corpus.select("test")
    chunker = build_chunker(config)
    chunks = chunker.chunk(list(corpus.documents.values()))
    old = load_embedder(config, EmbedderConfig(name="baseline"), console=Quiet())  # type: ignore[arg-type]
    new = load_embedder(config, EmbedderConfig(name="acme-finetuned", model=args.model), console=Quiet())  # type: ignore[arg-type]
    load = uptime()
    runs, results, embed_s = measure(corpus, queries, chunker, chunks, old, new, args)
    report(args, runs, results, embed_s, len(chunks), len(queries), f"{load} / {uptime()}")


def measure(corpus, queries, chunker, chunks, old, new, args: argparse.Namespace, *, log=None) -> tuple[dict[str, Any], list[dict[str, Any]], float]:
    """Old, full re-embed and unmapped rows, then one bridge per map kind, sample size and seed (per-query metrics)."""
    texts, docs, qids = [c.text for c in chunks], [c.doc_id for c in chunks], [q.qid for q in queries]
    t0 = time.perf_counter()
    old_docs, new_docs = old.embed_documents(texts), new.embed_documents(texts)
    old_q, new_q = old.embed_queries([q.text for q in queries]), new.embed_queries([q.text for q in queries])
    embed_s = time.perf_counter() - t0
    by_chunk = dict(zip([c.chunk_id for c in chunks], range(len(chunks))))

    runs = {
        "old": per_query("old", queries, search(old_q, old_docs, docs, qids), corpus.qrels),
        "full re-embed": per_query("new", queries, search(new_q, new_docs, docs, qids), corpus.qrels),
        "new queries, old index, no map": per_query("raw", queries, search(new_q, old_docs, docs, qids), corpus.qrels),
    }
    results: list[dict[str, Any]] = []
    for kind in args.kinds:
        for size in args.sizes:
            for seed in range(args.seeds):
                sample = draw_sample(list(corpus.documents.values()), chunker, size=size, holdout=args.holdout, seed=seed)
                fit_rows = [by_chunk[c.chunk_id] for c, held in zip(sample.chunks, sample.heldout) if not held]
                t0 = time.perf_counter()
                bridge_map = fit_map(new_docs[fit_rows], old_docs[fit_rows], {**KINDS[kind], "seed": seed})
                fit_s = time.perf_counter() - t0
                mapped = bridge_map.apply(new_q)
                batch_us, single_us = overhead(bridge_map, new_q)
                scored = per_query("bridge", queries, search(mapped, old_docs, docs, qids), corpus.qrels)
                results.append({"kind": kind, "size": len(sample.chunks), "fit_pairs": len(fit_rows), "seed": seed,
                                "fit_s": fit_s, "apply_us_per_query": batch_us, "apply_us_single": single_us,
                                "per_query": scored})
                if log:
                    log(f"{kind} {size} seed {seed}: fit {fit_s:.2f} s, nDCG@10 {mean(scored, 'ndcg@10'):.4f}")
    return runs, results, embed_s


def overhead(bridge_map, query_vectors: np.ndarray, *, rounds: int = 5, singles: int = 50) -> tuple[float, float]:
    """µs per query the map adds: all queries in one call (best of ``rounds``), and one query a call
    (median over the first ``singles``, as a server maps each request)."""
    batch = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        bridge_map.apply(query_vectors)
        batch.append(time.perf_counter() - t0)
    single = []
    for row in query_vectors[:singles]:
        t0 = time.perf_counter()
        bridge_map.apply(row[None, :])
        single.append(time.perf_counter() - t0)
    return 1e6 * min(batch) / len(query_vectors), 1e6 * float(np.median(single))


def uptime() -> str:
    """The load averages ``uptime`` prints (speed numbers depend on them)."""
    import subprocess

    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.split("load average:")[-1].strip()


def mean(per: dict[str, dict[str, float]], metric: str) -> float:
    return float(np.mean([m[metric] for m in per.values()]))


def report(args: argparse.Namespace, runs: dict[str, Any], results: list[dict[str, Any]], embed_s: float, n_chunks: int,
           n_queries: int, load: str) -> None:
    lines = [
        "<!-- bridge:begin -->",
        "## Bridge vs full re-embed on acme-kb (`bench/bridge.py`)",
        "",
        f"Old model: all-MiniLM-L6-v2 (its chunk vectors are the index). New model: `{Path(args.model).name}` (`make demo`'s "
        f"2-epoch MNRL fine-tune). {n_queries} judged test queries over {n_chunks} chunks, exact cosine, a document "
        f"scores as its best chunk. A bridge is fitted on a seeded sample of chunks embedded with both models "
        f"({1 - args.holdout:.0%} of the sampled documents; the rest is the held-out part `ragshift bridge` reports), then "
        f"the new model's query vectors, mapped, search the old model's vectors (identity_weight {IDENTITY_WEIGHT}). Mean over {args.seeds} sample seeds; "
        "gain kept = (bridge − old) / (full re-embed − old) of the seed-0 run with its 95% paired bootstrap CI over queries.",
        "",
        "| system | map | sample chunks (fit pairs) | recall@10 | nDCG@10 | gain kept (nDCG@10) [95% CI] | fit s | map µs/query (batch / one a call) |",
        "|---|---|---:|---:|---:|---|---:|---:|",
    ]
    lines += table_rows(runs, results)
    lines += ["", f"Embedding (from the cache after the first run): {embed_s:.1f} s. Load average before / after: {load} "
              "on 2 shared CPUs: fit seconds and µs/query are under that load.", "<!-- bridge:end -->", ""]
    text = "\n".join(lines)
    print(text)
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bridge.json").write_text(json.dumps({"runs": runs, "results": results}, indent=1))
    write_section(REPO / "bench" / "RESULTS.md", "bridge", text)


def table_rows(runs: dict[str, Any], results: list[dict[str, Any]]) -> list[str]:
    """The table's rows: old, full re-embed, unmapped, then one per map kind and sample size (mean over seeds)."""
    qids = sorted(runs["old"])
    old, full = runs["old"], runs["full re-embed"]
    lines = []
    for name, per in runs.items():
        lines.append(f"| {name} | — | — | {mean(per, 'recall@10'):.4f} | {mean(per, 'ndcg@10'):.4f} | — | — | — |")
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault((r["kind"], r["size"]), []).append(r)
    for (kind, size), group in groups.items():
        first = next(r for r in group if r["seed"] == 0)
        arrays = [np.array([per[q]["ndcg@10"] for q in qids]) for per in (old, full, first["per_query"])]
        share = share_of_gain(*arrays, names=BridgeTriple("bridge", "old", "new"), n_resamples=9999)
        kept = (f"{share.share:.0%} [{share.ci_low:.0%}, {share.ci_high:.0%}]" if share.share is not None else share.note)
        recall = np.mean([mean(r["per_query"], "recall@10") for r in group])
        ndcg = np.mean([mean(r["per_query"], "ndcg@10") for r in group])
        lines.append(
            f"| bridge | {kind} | {size} ({np.mean([r['fit_pairs'] for r in group]):.0f}) | {recall:.4f} | {ndcg:.4f} | {kept} | "
            f"{np.mean([r['fit_s'] for r in group]):.3f} | {np.mean([r['apply_us_per_query'] for r in group]):.1f} / "
            f"{np.mean([r['apply_us_single'] for r in group]):.0f} |"
        )
    return lines


if __name__ == "__main__":
    main()
