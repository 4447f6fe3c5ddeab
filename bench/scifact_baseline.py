"""Baseline all-MiniLM-L6-v2 on SciFact test: through ragshift vs plain sentence-transformers + pytrec_eval.

Both paths run in this one process, each starting from a cold embedding cache and an empty Chroma
folder, so the time ratio (ragshift / raw) is the overhead of ragshift's pipeline (chunk map,
embedding cache, Chroma, LlamaIndex retriever, per-query rows, report) over a bare encode + score.

    .venv/bin/python bench/scifact_baseline.py [--data ../shared/data/scifact]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchenv import REPO


def raw_path(data: Path, model_path: str) -> tuple[float, float]:
    """Plain sentence-transformers encode, exact cosine, pytrec_eval nDCG@10."""
    import numpy as np
    import pytrec_eval
    from sentence_transformers import SentenceTransformer

    from ragshift.harness.corpus import load_corpus

    corpus = load_corpus(data)
    queries = corpus.select("test")
    t0 = time.perf_counter()
    model = SentenceTransformer(model_path, device="cpu")
    doc_ids = list(corpus.documents)
    docs = model.encode([corpus.documents[d].full_text for d in doc_ids], batch_size=32, normalize_embeddings=True)
    qv = model.encode([q.text for q in queries], batch_size=32, normalize_embeddings=True)
    scores = qv @ docs.T
    run = {}
    for i, q in enumerate(queries):
        top = np.argsort(-scores[i])[:100]
        run[q.qid] = {doc_ids[j]: float(scores[i, j]) for j in top}
    qrels = {q.qid: dict(corpus.qrels[q.qid]) for q in queries}
    per_query = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(run)
    seconds = time.perf_counter() - t0
    return float(np.mean([v["ndcg_cut_10"] for v in per_query.values()])), seconds


def ragshift_path(data: Path, workdir: Path) -> tuple[float, float, Path]:
    from ragshift.harness.config import load_config
    from ragshift.harness.run import run_eval

    config_file = workdir / "scifact.toml"
    config_file.write_text(
        f"""
[run]
name = "scifact-baseline"
output = "{workdir / 'reports'}"

[corpus]
path = "{data}"
split = "test"

[chunking]
strategy = "none"

[[embedders]]
name = "minilm"
kind = "sentence-transformers"
model = "all-MiniLM-L6-v2"

[store]
path = "{workdir / 'chroma'}"

[cache]
path = "{workdir / 'cache'}"

[metrics]
names = ["ndcg@10", "recall@10", "mrr"]
""",
        encoding="utf-8",
    )
    t0 = time.perf_counter()
    config = load_config(config_file)
    result = run_eval(config)
    seconds = time.perf_counter() - t0
    rows = [r for r in result.rows if r.system == "minilm"]
    ndcg = sum(r.metrics["ndcg@10"] for r in rows) / len(rows)
    changed = exact_vs_index(data, workdir, rows)
    print(f"queries whose top 10 differs from exact cosine over the same cached vectors: {changed}/{len(rows)}")
    return ndcg, seconds, result.report_path


def exact_vs_index(data: Path, workdir: Path, rows) -> int:
    """How many queries the approximate (HNSW) index ranks differently from brute force."""
    import numpy as np

    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
    from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
    from ragshift.harness.corpus import load_corpus

    corpus = load_corpus(data)
    embedder = CachedEmbedder(SentenceTransformerEmbedder("all-MiniLM-L6-v2"), EmbeddingCache(workdir / "cache" / "embeddings.sqlite"))
    doc_ids = list(corpus.documents)
    docs = embedder.embed_documents([corpus.documents[d].full_text for d in doc_ids])
    queries = embedder.embed_queries([r.query for r in rows])
    scores = queries @ docs.T
    changed = 0
    for i, row in enumerate(rows):
        exact = [doc_ids[j] for j in np.argsort(-scores[i], kind="stable")[:10]]
        changed += exact != [h.doc_id for h in row.hits[:10]]
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
    args = parser.parse_args()
    if not (args.data / "corpus.jsonl").is_file():
        print(f"SciFact not found at {args.data}", file=sys.stderr)
        return 2
    from ragshift.adapters.embedders.packaged import resolve_model

    with tempfile.TemporaryDirectory(prefix="ragshift-bench-") as tmp:
        raw_ndcg, raw_s = raw_path(args.data, resolve_model("all-MiniLM-L6-v2"))
        print(f"raw sentence-transformers + pytrec_eval : nDCG@10 {raw_ndcg:.4f}  {raw_s:7.1f} s")
        rs_ndcg, rs_s, report = ragshift_path(args.data, Path(tmp))
        print(f"ragshift (chroma + llamaindex retriever) : nDCG@10 {rs_ndcg:.4f}  {rs_s:7.1f} s")
        print(f"difference {rs_ndcg - raw_ndcg:+.4f}; time ratio ragshift/raw {rs_s / raw_s:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
