"""How cost grows: re-embedding 10k / 50k / 100k synthetic chunks per engine, and an eval's
metric/comparison stage at 10k / 100k synthetic queries.

``embed``: each size is a synthetic corpus (``--words`` random words a chunk from a fixed vocabulary,
one chunk a document, seeded, written to a temporary folder and deleted after) re-embedded by
``ragshift reindex``'s own path (cold cache, empty Chroma store) with the local engine (1 process) and
Ray (2 actors of 0.5 CPU on a local cluster of 2 CPUs); wall time, chunks/s of the embedding phase and
peak resident memory per process (sampled every 0.2 s, as in ``scale_embed.py``).

``metrics``: two systems' ranked lists (100 hits a query, 1-3 relevant documents a query, 4 query
types) scored with the default metrics (ir_measures) and compared (paired permutation test with 9,999
resamples, query-type slices, flips): the stage an eval runs after retrieval.

    .venv/bin/python bench/scale_growth.py embed [--sizes 10000,50000,100000] [--words 16] [--engines local,ray2]
    .venv/bin/python bench/scale_growth.py metrics [--queries 10000,100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import benchenv  # noqa: F401  (sets the environment and sys.path)


def vocabulary(size: int = 5000) -> list[str]:
    """Pronounceable made-up words (consonant-vowel syllables): tokenised like ordinary text."""
    import numpy as np

    rng = np.random.default_rng(7)
    consonants, vowels = list("bcdfghklmnprstvz"), list("aeiou")
    words = set()
    while len(words) < size:
        n = int(rng.integers(1, 4))
        words.add("".join(str(rng.choice(consonants)) + str(rng.choice(vowels)) for _ in range(n)))
    return sorted(words)


def synthetic_corpus(folder: Path, size: int, words: int) -> None:
    import numpy as np

    vocab = np.array(vocabulary())
    rng = np.random.default_rng(size)
    folder.mkdir(parents=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for start in range(0, size, 10_000):
            picks = vocab[rng.integers(0, len(vocab), size=(min(10_000, size - start), words))]
            for i, row in enumerate(picks, start):
                out.write(json.dumps({"_id": f"d{i}", "title": "", "text": " ".join(row)}) + "\n")
    (folder / "queries.jsonl").write_text(json.dumps({"_id": "q0", "text": "a query"}) + "\n", encoding="utf-8")
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq0\td0\t1\n", encoding="utf-8")


def embed(args: argparse.Namespace) -> list[str]:
    from scale_embed import ENGINES, PeakMemory, config_file, load

    from ragshift.adapters.embedders.packaged import resolve_model
    from ragshift.harness.config import EngineSection, load_config
    from ragshift.harness.shipping.reindex_job import run_reindex

    model = resolve_model("all-MiniLM-L6-v2")
    names = args.engines.split(",")
    lines = []
    if any(n.startswith("ray") for n in names):
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    for size in map(int, args.sizes.split(",")):
        for name in names:
            with tempfile.TemporaryDirectory(prefix="ragshift-growth-") as tmp:
                data = Path(tmp) / "data"
                synthetic_corpus(data, size, args.words)
                config = load_config(config_file(Path(tmp), data, model))
                config = config.model_copy(update={"engine": EngineSection(**ENGINES[name])})
                t0 = time.perf_counter()
                with PeakMemory() as memory:
                    result = run_reindex(config, "minilm")
                wall = time.perf_counter() - t0
                store = sum(p.stat().st_size for p in (Path(tmp) / "chroma").rglob("*") if p.is_file())
                lines.append(
                    f"{size:>7,} chunks of {args.words} words, {name:5s}: reindex wall {wall:6.0f} s, "
                    f"{result.stats.chunks_per_second:6.1f} chunks/s; peak RSS {memory.summary()}; "
                    f"store {store / 2**20:.0f} MB; {load()}"
                )
                print(lines[-1], flush=True)
    return lines


def metrics(args: argparse.Namespace) -> list[str]:
    import numpy as np

    from scale_embed import PeakMemory, load

    from ragshift.harness.compare.compare import compare_rows
    from ragshift.harness.config import MetricsSection
    from ragshift.harness.metrics.rows import rows_from_hits
    from ragshift.harness.types import Hit, Query

    specs = MetricsSection().specs
    lines = []
    for n in map(int, args.queries.split(",")):
        rng = np.random.default_rng(n)
        queries = [Query(f"q{i}", f"query {i}", query_type=f"type{i % 4}") for i in range(n)]
        qrels = {q.qid: {f"d{d}": 1 for d in rng.integers(0, 100_000, size=int(rng.integers(1, 4)))} for q in queries}
        t0 = time.perf_counter()
        rows = []
        for system in ("baseline", "candidate"):
            hits = {}
            for q in queries:  # relevant documents land at random ranks in 100 hits, or miss
                docs = [f"d{d}" for d in rng.integers(0, 100_000, size=100)]
                for doc in qrels[q.qid]:
                    if rng.random() < 0.7:
                        docs[int(rng.integers(0, 100))] = doc
                hits[q.qid] = [Hit(d, 1.0 - r / 100) for r, d in enumerate(dict.fromkeys(docs))]
            rows += rows_from_hits(system, queries, hits, qrels, specs)
        scored = time.perf_counter() - t0
        t1 = time.perf_counter()
        with PeakMemory() as memory:
            comparison = compare_rows(rows, baseline="baseline")
        compared = time.perf_counter() - t1
        tests = sum(len(p.tests) for p in comparison.pairs)
        most = comparison.settings.resample_max_n
        student = sum(t.stats.n > most for p in comparison.pairs for t in p.tests) if most is not None else 0
        how = f"{tests - student} with 9,999 resamples, {student} Student-t above {most:,} pairs" if student else "9,999 resamples"
        lines.append(
            f"{n:>7,} queries x 2 systems x 100 hits: metrics ({', '.join(s.label for s in specs)}) {scored:6.1f} s, "
            f"comparison ({tests} paired tests, {how}) {compared:6.1f} s, peak RSS {memory.summary()}; {load()}"
        )
        print(lines[-1], flush=True)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    grow = sub.add_parser("embed")
    grow.add_argument("--sizes", default="10000,50000,100000")
    grow.add_argument("--words", type=int, default=16, help="Words a synthetic chunk.")
    grow.add_argument("--engines", default="local,ray2")
    stage = sub.add_parser("metrics")
    stage.add_argument("--queries", default="10000,100000")
    args = parser.parse_args()
    lines = embed(args) if args.part == "embed" else metrics(args)
    print("\n".join(["", "$ .venv/bin/python bench/scale_growth.py " + " ".join(sys.argv[1:]), *lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
