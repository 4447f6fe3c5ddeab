"""Retrieval systems on SciFact test: BM25 (bm25s), bge-small-en-v1.5 (int8 ONNX), hybrids, and a reranker.

The "simpler fixes" of issue 12: before fine-tuning, is a stronger untuned model, BM25, a hybrid or a
cross-encoder over BM25 already better than the baseline? Every system is the adapter a run would use
(BM25Retriever; OnnxEmbedder behind the embedding cache, Chroma and the LlamaIndex retriever;
HybridRetriever; RerankRetriever with the ONNX cross-encoder); metrics by ir_measures
(ragshift.harness.metrics); Δ vs BM25 paired over queries (BCa 95% CI, permutation p).

    .venv/bin/python bench/systems_scifact.py [--data ../shared/data/scifact] [--rerank-top 100] [--write]

``--workdir`` (default /tmp/ragshift-systems-bench) keeps the embedding cache and the Chroma
collection, so a second run re-embeds nothing (its "embed" time is then a cache read).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from results_md import markers, write_section  # noqa: E402  (bench/ is on sys.path)

METRICS = ("ndcg@10", "recall@10", "recall@100", "mrr@10")


def evaluate(name: str, system: Any, queries, qrels, *, seconds_before: float = 0.0) -> dict[str, Any]:
    from ragshift.harness.metrics import parse_metrics, score_queries

    t0 = time.perf_counter()
    hits = system.retrieve(queries, k=100)
    seconds = time.perf_counter() - t0
    run = {qid: {h.doc_id: h.score for h in ranked} for qid, ranked in hits.items()}
    rows = score_queries(qrels, run, parse_metrics(METRICS))
    means = {m: sum(r[m] for r in rows.values()) / len(rows) for m in METRICS}
    print(f"{name:<34} nDCG@10 {means['ndcg@10']:.4f}  R@100 {means['recall@100']:.4f}  retrieve {seconds:7.1f} s"
          + (f"  (+ build {seconds_before:.1f} s)" if seconds_before else ""), flush=True)
    return {"name": name, "means": means, "rows": rows, "retrieve_s": seconds, "build_s": seconds_before,
            "fingerprint": system.fingerprint()}


def bm25_vs_llamaindex(bm25, queries) -> tuple[int, float]:
    """Queries whose top-10 {document: score} differs between the two paths; seconds of the LlamaIndex path."""
    from llama_index.core import QueryBundle

    llama = bm25.as_llama_index(similarity_top_k=10)
    mine = bm25.retrieve(queries, k=10)
    t0 = time.perf_counter()
    theirs = {q.qid: llama.retrieve(QueryBundle(q.text)) for q in queries}
    seconds = time.perf_counter() - t0
    differ = 0
    for q in queries:
        a = {n.node.ref_doc_id: round(n.score, 4) for n in theirs[q.qid] if n.score > 0}
        b = {h.doc_id: round(h.score, 4) for h in mine[q.qid]}
        last = min(b.values(), default=0)  # documents tied with the 10th may differ: compare above it
        differ += {d: s for d, s in a.items() if s > last} != {d: s for d, s in b.items() if s > last}
    return differ, seconds


def dense_system(corpus, workdir: Path):
    from ragshift.adapters.embedders.onnx import OnnxEmbedder
    from ragshift.harness.indexing import build_index
    from ragshift.harness.retrieval import IndexRetriever
    from ragshift.adapters.retrievers.dense import DenseRetriever
    from ragshift.adapters.stores.chroma import ChromaStore
    from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
    from ragshift.harness.chunking import WholeDocumentChunker

    embedder = CachedEmbedder(OnnxEmbedder("bge-small-en-v1.5"), EmbeddingCache(workdir / "cache" / "embeddings.sqlite"))
    chunker = WholeDocumentChunker()
    t0 = time.perf_counter()
    index, stats = build_index(corpus, chunker=chunker, embedder=embedder, store=ChromaStore(workdir / "chroma"))
    seconds = time.perf_counter() - t0
    print(f"bge-small index: {stats['chunks']} chunks, {stats['added']} embedded now, {seconds:.1f} s "
          f"({stats['added'] / seconds:.1f} docs/s)" if stats["added"] else f"bge-small index reused ({seconds:.1f} s)", flush=True)
    retriever = IndexRetriever(index, embedder)
    system = DenseRetriever(retriever, embedder, documents=corpus.documents_fingerprint, chunker=chunker.fingerprint())
    return system, seconds, stats


def paired(baseline: dict[str, Any], candidate: dict[str, Any]) -> str:
    from ragshift.harness.compare.stats import paired_compare

    qids = sorted(baseline["rows"])
    r = paired_compare([baseline["rows"][q]["ndcg@10"] for q in qids], [candidate["rows"][q]["ndcg@10"] for q in qids],
                       test="permutation", n_resamples=5000, confidence=0.95, seed=0)
    return f"{r.delta:+.4f} [{r.ci_low:+.4f}, {r.ci_high:+.4f}] (p {r.p_value:.4f}; W/T/L {r.wins}/{r.ties}/{r.losses})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ragshift-systems-bench"))
    parser.add_argument("--rerank-top", type=int, default=0, help="rerank BM25's top N with the ONNX cross-encoder (0: skip)")
    parser.add_argument("--rerank-queries", type=int, default=0, help="only the first N test claims for the reranker (0: all)")
    parser.add_argument("--write", action="store_true", help="write the section of bench/RESULTS.md")
    args = parser.parse_args()
    if not (args.data / "corpus.jsonl").is_file():
        print(f"SciFact not found at {args.data}", file=sys.stderr)
        return 2

    from ragshift.adapters.retrievers.bm25 import BM25Retriever
    from ragshift.adapters.retrievers.hybrid import HybridRetriever
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.fusion import Fusion

    corpus = load_corpus(args.data)
    queries = corpus.select("test")
    qrels = {q.qid: dict(corpus.qrels[q.qid]) for q in queries}
    print(f"SciFact test: {len(queries)} claims, {len(corpus.documents)} documents; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)

    results = []
    t0 = time.perf_counter()
    bm25 = BM25Retriever.from_documents(corpus.documents)
    results.append(evaluate("BM25 (bm25s, lucene, k1 1.5, b 0.75)", bm25, queries, qrels, seconds_before=time.perf_counter() - t0))
    differ, llama_s = bm25_vs_llamaindex(bm25, queries)
    print(f"LlamaIndex BM25Retriever over the same index: {differ}/{len(queries)} top-10s differ (ties aside); "
          f"{llama_s:.1f} s one query at a time vs {results[0]['retrieve_s']:.1f} s batched", flush=True)

    dense, build_s, stats = dense_system(corpus, args.workdir)
    results.append(evaluate("bge-small-en-v1.5 (int8 ONNX, CLS)", dense, queries, qrels, seconds_before=build_s))
    for name, fusion in (
        ("hybrid RRF k=60 (bge + BM25)", Fusion()),
        ("hybrid min-max 0.5/0.5", Fusion(method="weighted", weights=(0.5, 0.5))),
        ("hybrid z-score 0.5/0.5", Fusion(method="weighted", weights=(0.5, 0.5), normalization="zscore")),
    ):
        results.append(evaluate(name, HybridRetriever([dense, bm25], fusion=fusion, depth=100), queries, qrels))

    rerank_note = "not run"
    if args.rerank_top:
        from ragshift.adapters.rerankers.onnx_cross_encoder import OnnxCrossEncoder
        from ragshift.adapters.retrievers.rerank import RerankRetriever

        subset = queries[: args.rerank_queries] if args.rerank_queries else queries
        texts = {d.doc_id: d.full_text for d in corpus.documents.values()}
        rerank = RerankRetriever(bm25, OnnxCrossEncoder(), top_n=args.rerank_top, texts=texts)
        sub_qrels = {q.qid: qrels[q.qid] for q in subset}
        base = evaluate(f"BM25 on the {len(subset)} reranked claims", bm25, subset, sub_qrels)
        result = evaluate(f"BM25 top {args.rerank_top} + ms-marco-MiniLM-L-12-v2", rerank, subset, sub_qrels)
        pairs = sum(min(args.rerank_top, len(h)) for h in bm25.retrieve(subset, k=args.rerank_top).values())
        rerank_note = f"{pairs} pairs in {result['retrieve_s']:.0f} s ({pairs / result['retrieve_s']:.1f} pairs/s)"
        print(f"reranker: {rerank_note}; Δ nDCG@10 vs BM25 on those claims {paired(base, result)}", flush=True)
        result["vs"] = base
        results += [base, result]

    print()
    table = ["| system | nDCG@10 | recall@10 | recall@100 | MRR@10 | Δ nDCG@10 vs BM25 (same claims) [95% CI] | retrieve s | fingerprint |",
             "|---|---:|---:|---:|---:|---|---:|---|"]
    for r in results:
        m = r["means"]
        vs = paired(r["vs"], r) if "vs" in r else "—" if r is results[0] or len(r["rows"]) != len(results[0]["rows"]) else paired(results[0], r)
        table.append(f"| {r['name']} | {m['ndcg@10']:.4f} | {m['recall@10']:.4f} | {m['recall@100']:.4f} | {m['mrr@10']:.4f} "
                     f"| {vs} | {r['retrieve_s']:.1f} | `{r['fingerprint']}` |")
    print("\n".join(table))
    if args.write:
        begin, end = markers("systems_scifact")
        body = "\n".join([
            begin,
            "## 5. Simpler fixes (issue 12): BM25, a stronger untuned model, hybrids, a reranker (SciFact test)",
            "",
            f"`bench/systems_scifact.py` — {len(queries)} claims over {len(corpus.documents)} abstracts (title + text, one chunk each). "
            f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end (other agents' jobs): times are not idle-machine times. "
            f"bge-small index: {stats['added']} documents embedded in this run, build {build_s:.0f} s"
            + (" (vectors from the embedding cache of an earlier run)" if not stats["added"] else "") + f". Reranker: {rerank_note}.",
            "",
            *table,
            end,
        ])
        write_section(REPO / "bench" / "RESULTS.md", "systems_scifact", body + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
