"""all-MiniLM-L6-v2 on SciFact with backend = "torch", "onnx" and "onnx-int8": vectors, nDCG@10, speed.

Each backend is ragshift's sentence-transformers embedder (``backend`` option) in this process; the
exports are made first (not timed) into a temporary ``RAGSHIFT_ONNX_CACHE``. chunks/s over the first
``--speed-docs`` abstracts (the same texts for every backend) and its ratio to PyTorch's; cosine of each
abstract's and test claim's vector with the PyTorch one; for the ``--ndcg`` backends the whole corpus:
nDCG@10 of exact cosine top 100 on the test claims (ragshift's metric rows, ir_measures) and its paired
bootstrap 95 % CI against PyTorch (ragshift's comparison).
PyTorch encodes batches of 32 (length-sorted); the ONNX run-time embeds one text per call (no padding).

    .venv/bin/python bench/scale_onnx.py [--data ../shared/data/scifact] [--backends torch,onnx,onnx-int8] [--speed-docs 1000] [--ndcg torch,onnx-int8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchenv import REPO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--limit", type=int, default=None, help="First N abstracts only (a smoke run; nDCG then means nothing).")
    parser.add_argument("--speed-docs", type=int, default=1000, help="chunks/s and cosine over the first N abstracts.")
    parser.add_argument("--ndcg", default="torch,onnx-int8", help="Backends that embed the whole corpus for nDCG@10.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ragshift-onnx-bench-") as exports:  # ~110 MB of exports, deleted after
        os.environ["RAGSHIFT_ONNX_CACHE"] = exports
        return run(args)


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from scale_embed import load

    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
    from ragshift.harness.compare.compare import compare_rows
    from ragshift.harness.compare.model import OVERALL
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.metrics.rows import rows_from_hits
    from ragshift.harness.metrics.spec import parse_metrics
    from ragshift.harness.types import Hit

    corpus = load_corpus(args.data)
    queries = corpus.select("test")
    doc_ids = list(corpus.documents)[: args.limit]
    texts = [corpus.documents[d].full_text for d in doc_ids]
    specs = parse_metrics(["ndcg@10"])
    ranked = set(args.ndcg.split(","))
    lines, vectors, rates, rows = [], {}, {}, []
    speed = texts[: args.speed_docs]
    for backend in args.backends.split(","):
        embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2", backend=backend)
        embedder.embed_documents(texts[:8])  # load (export) and warm up, not timed
        t0 = time.perf_counter()
        docs = embedder.embed_documents(speed)
        seconds = time.perf_counter() - t0
        rates[backend] = len(speed) / seconds
        line = f"{backend:9s}: first {len(speed)} abstracts in {seconds:4.0f} s, {rates[backend]:5.1f} chunks/s"
        claims = embedder.embed_queries([q.text for q in queries])
        if backend in ranked:  # the rest of the corpus, for nDCG@10
            docs = np.vstack([docs, embedder.embed_documents(texts[len(speed):])])
            scores = claims @ docs.T
            hits = {q.qid: [Hit(doc_ids[j], float(scores[i, j])) for j in np.argsort(-scores[i])[:100]] for i, q in enumerate(queries)}
            rows += rows_from_hits(backend, queries, hits, corpus.qrels, specs)
            ndcg = float(np.mean([r.metrics["ndcg@10"] for r in rows if r.system == backend]))
            line += f"; nDCG@10 {ndcg:.4f} ({len(docs)} abstracts, {len(queries)} test claims)"
        vectors[backend] = (docs, claims)
        if backend != "torch" and "torch" in vectors:
            shared = min(len(docs), len(vectors["torch"][0]))
            cos = [(docs[:shared] * vectors["torch"][0][:shared]).sum(axis=1), (claims * vectors["torch"][1]).sum(axis=1)]
            line += (
                f"; cosine vs torch: {shared} abstracts min {cos[0].min():.4f} mean {cos[0].mean():.4f}, "
                f"claims min {cos[1].min():.4f} mean {cos[1].mean():.4f}; ×{rates[backend] / rates['torch']:.2f} torch's chunks/s"
            )
        lines.append(f"{line}; {load()}")
        print(lines[-1], flush=True)
    if "torch" in ranked and len(ranked & set(vectors)) > 1:
        comparison = compare_rows(rows, baseline="torch", slice_fields=())
        for pair in comparison.pairs:
            stats = next(t.stats for t in pair.tests if t.metric == "ndcg@10" and t.slice == OVERALL)
            lines.append(
                f"{pair.candidate:9s} - torch: nDCG@10 {stats.delta:+.4f} [{stats.ci_low:+.4f}, {stats.ci_high:+.4f}] "
                f"(paired bootstrap 95 % CI, {pair.n_paired} claims; {stats.wins} better, {stats.losses} worse)"
            )
            print(lines[-1], flush=True)
    print("\n".join(["", "$ .venv/bin/python bench/scale_onnx.py " + " ".join(sys.argv[1:]), *lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
