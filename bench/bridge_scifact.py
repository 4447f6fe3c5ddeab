"""Bridge vs full re-embed on SciFact test: recall@10 / nDCG@10 per map kind and sample size.

Old model: all-MiniLM-L6-v2 (its abstract vectors are the index). New model: the `mnrl+hn` full fine-tune
of bench §2 (``bench/finetune_scifact.py --recipes mnrl+hn --models /work/bench-models/scifact``). 300 test
claims over the 5,183 abstracts (title + text, one chunk each, as §2 embeds them); exact cosine over all
abstracts; metrics by ir_measures through ragshift's rows. Per map kind and sample size, bridges are
fitted exactly as in ``bench/bridge.py`` (seeded sample, 80 % of the sampled documents fitted).
Vectors come from an embedding cache (``--cache``), so every abstract is encoded once per model; a
cache the fine-tune bench filled already holds them (``--seed-cache`` copies its rows first).

    flock /work/notes/cpu.lock .venv/bin/python bench/bridge_scifact.py [--seeds 3] [--sizes 500 2000 5183]

Writes bench/out/bridge_scifact.json and the "bridge_scifact" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

from benchenv import REPO

from bench.bridge import IDENTITY_WEIGHT, KINDS, measure, table_rows, uptime  # noqa: E402
from bench.results_md import write_section  # noqa: E402

MODELS = Path("/work/bench-models/scifact")


def seed_cache(source: Path, target: Path) -> int:
    """Copy every row of another ragshift embedding cache into ``target`` (same schema); returns the rows copied."""
    from ragshift.harness.cache import EmbeddingCache

    EmbeddingCache(target)  # creates the table
    with sqlite3.connect(target) as db:
        db.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
        before = db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        db.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM src.embeddings")
        db.commit()
        after = db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        db.execute("DETACH DATABASE src")
    return after - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
    parser.add_argument("--model", type=Path, default=MODELS / "mnrl+hn")
    parser.add_argument("--cache", type=Path, default=MODELS / "bridge-cache" / "embeddings.sqlite")
    parser.add_argument("--seed-cache", type=Path, default=None, help="another embedding cache to copy rows from first")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5183])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--holdout", type=float, default=0.2)
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument("--smoke", action="store_true", help="30 claims, their abstracts and 200 others; RESULTS.md untouched")
    parser.add_argument("--print-only", action="store_true", help="print the section; leave bench/RESULTS.md as it is")
    parser.add_argument("--docs", type=int, default=None,
                        help="a sub-corpus of this many abstracts: every one judged for a test claim, then seeded others")
    args = parser.parse_args()
    if not (args.data / "corpus.jsonl").is_file() or not (args.model / "modules.json").is_file():
        sys.exit(f"need SciFact at {args.data} and the fine-tuned model at {args.model}")

    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
    from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
    from ragshift.harness.chunking import WholeDocumentChunker
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.runtime import prepare_environment

    prepare_environment(offline=True)
    if args.seed_cache is not None:
        print(f"copied {seed_cache(args.seed_cache, args.cache)} cached vectors from {args.seed_cache}", flush=True)
    load_before = uptime()
    corpus = load_corpus(args.data)
    if args.smoke:
        corpus, args.sizes = smoke_subset(corpus), [min(size, 150) for size in args.sizes]
    full_size = len(corpus.documents)
    if args.docs:
        corpus = sub_corpus(corpus, args.docs)
        args.sizes = sorted({min(size, len(corpus.documents)) for size in args.sizes})
    queries = corpus.select("test")
    chunker = WholeDocumentChunker()
    chunks = chunker.chunk(list(corpus.documents.values()))
    cache = EmbeddingCache(args.cache)
    old = CachedEmbedder(SentenceTransformerEmbedder("all-MiniLM-L6-v2"), cache)
    new = CachedEmbedder(SentenceTransformerEmbedder(str(args.model)), cache)
    t0 = time.perf_counter()
    runs, results, embed_s = measure(corpus, queries, chunker, chunks, old, new, args, log=lambda m: print(m, flush=True))
    wall = time.perf_counter() - t0
    encoded = {"old": old.misses, "new": new.misses}
    lines = [
        "<!-- bridge_scifact:begin -->",
        "### SciFact test (`bench/bridge_scifact.py`)",
        "",
        f"Old model: all-MiniLM-L6-v2 (its abstract vectors are the index). New model: `{args.model.name}`, the best full "
        f"fine-tune of §2. {len(queries)} test claims over {len(chunks)} abstracts ("
        + (f"a sub-corpus of the {full_size}: every abstract judged for a test claim plus seeded others; " if len(chunks) < full_size else "")
        + "title + text, one chunk each), exact "
        f"cosine. Bridges fitted as on acme-kb ({1 - args.holdout:.0%} of each seeded sample fitted; identity_weight "
        f"{IDENTITY_WEIGHT}); mean over {args.seeds} sample seeds; gain kept = (bridge − old) / (full re-embed − old) of the "
        "seed-0 run with its 95% paired bootstrap CI over claims.",
        "",
        "| system | map | sample chunks (fit pairs) | recall@10 | nDCG@10 | gain kept (nDCG@10) [95% CI] | fit s | map µs/query (batch / one a call) |",
        "|---|---|---:|---:|---:|---|---:|---:|",
        *table_rows(runs, results),
        "",
        f"Vectors: {encoded['old']} texts encoded by the old model and {encoded['new']} by the new one in this run "
        f"(the rest from the embedding cache), {embed_s:.1f} s; the whole run {wall:.0f} s. Load average before / after: "
        f"{load_before} / {uptime()} on 2 shared CPUs: fit seconds and µs/query are under that load.",
        "<!-- bridge_scifact:end -->",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.smoke:
        return
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bridge_scifact{'-' + str(args.docs) if args.docs else ''}.json").write_text(json.dumps({"runs": runs, "results": results, "encoded": encoded}, indent=1))
    if not args.print_only:
        write_section(REPO / "bench" / "RESULTS.md", "bridge_scifact", text)


def sub_corpus(corpus, n: int, seed: int = 0):
    """``n`` abstracts: every one judged for a test claim, then seeded others (all claims and qrels kept)."""
    import random

    from ragshift.harness.corpus.model import Corpus

    judged = sorted({d for q in corpus.select("test") for d in corpus.qrels.get(q.qid, {}) if d in corpus.documents})
    others = sorted(set(corpus.documents) - set(judged))
    docs = set(judged) | set(random.Random(seed).sample(others, max(0, n - len(judged))))
    return Corpus(f"{corpus.name}-{n}", {d: corpus.documents[d] for d in sorted(docs)}, dict(corpus.queries),
                  dict(corpus.qrels), source=corpus.source)


def smoke_subset(corpus):
    """The first 30 test claims, their judged abstracts and 200 others: a wiring check."""
    from ragshift.harness.corpus.model import Corpus

    keep = [q.qid for q in corpus.select("test")[:30]]
    judged = {d for q in keep for d in corpus.qrels.get(q, {}) if d in corpus.documents}
    docs = judged | set(sorted(set(corpus.documents) - judged)[:200])
    return Corpus(f"{corpus.name}-smoke", {d: corpus.documents[d] for d in sorted(docs)},
                  {q: corpus.queries[q] for q in keep}, {q: corpus.qrels[q] for q in keep if q in corpus.qrels},
                  source=corpus.source)


if __name__ == "__main__":
    main()
