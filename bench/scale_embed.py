"""Re-embedding SciFact's 5,183 abstracts with each embedding engine, against a bare ``model.encode``.

Every engine runs ``ragshift reindex``'s own path (plan, embedding cache, engine, Chroma upserts,
completeness tag) from a cold cache into an empty store: local (1 process), local with
sentence-transformers' multi-process pool (2 processes), Ray with 1 and 2 actors (a local cluster of
2 CPUs, actors of 0.5 CPU). The floor is ``SentenceTransformer.encode`` of the same texts in this
process (model loaded and warmed up first), measured before and after the engines; with ``--abba``
the engines run forward then backward, so a load that drifts linearly on a shared machine cancels
out of each engine's mean. chunks/s is over the embedding phase, worker start-up
(spawn, imports, model load) included; peak memory is the resident set of each process, sampled
every 0.2 s. Vectors of each engine are compared with the local engine's, chunk by chunk.

    .venv/bin/python bench/scale_embed.py [--data ../shared/data/scifact] [--limit N] [--engines local,pool2,ray1,ray2] [--abba] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchenv import REPO

ENGINES = {
    "local": {"kind": "local"},
    "pool2": {"kind": "local", "processes": 2},
    "ray1": {"kind": "ray", "num_actors": 1, "cpus_per_actor": 0.5},
    "ray2": {"kind": "ray", "num_actors": 2, "cpus_per_actor": 0.5},
}


class PeakMemory:
    """Peak RSS per process of interest: this one, its children (a pool) and Ray's embedding actors."""

    def __init__(self) -> None:
        import psutil

        self.psutil, self.me, self.peaks, self.names = psutil, psutil.Process(), {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self.before = {p.pid for p in self._actors()}  # actors of an earlier job may still be exiting
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            procs = [(self.me, "driver")] + [(c, "pool worker") for c in self.me.children(recursive=True)]
            procs += [(p, "ray actor") for p in self._actors() if p.pid not in self.before]
            for proc, role in procs:
                try:
                    rss = proc.memory_info().rss
                    if role == "pool worker" and "multiprocessing.spawn" not in " ".join(proc.cmdline()):
                        continue  # not a spawned pool process (e.g. a Ray daemon started by this driver)
                except self.psutil.Error:
                    continue
                self.names[proc.pid] = role
                self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)

    def _actors(self) -> list:
        """Ray's embedding actors (a pre-started Ray worker takes this title when it becomes one)."""
        return [p for p in self.psutil.process_iter(["cmdline"]) if any("MapWorker" in c for c in (p.info["cmdline"] or [])[:1])]

    def summary(self) -> str:
        by_role: dict[str, list[int]] = {}
        for pid, peak in self.peaks.items():
            by_role.setdefault(self.names[pid], []).append(peak)
        return "; ".join(
            f"{role} {' / '.join(f'{p / 2**20:.0f}' for p in sorted(peaks, reverse=True))} MB" for role, peaks in sorted(by_role.items())
        )


def config_file(root: Path, data: Path, model: str) -> Path:
    path = root / "scale.toml"
    path.write_text(
        f"""
[run]
name = "scale"
output = "{root / 'reports'}"
[corpus]
path = "{data}"
[chunking]
strategy = "none"
[[embedders]]
name = "minilm"
kind = "sentence-transformers"
model = "{model}"
[store]
path = "{root / 'chroma'}"
[cache]
path = "{root / 'cache'}"
""",
        encoding="utf-8",
    )
    return path


def floor(texts: list[str], model_path: str) -> float:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path, device="cpu")
    model.encode(texts[:8], batch_size=32, normalize_embeddings=True)
    t0 = time.perf_counter()
    model.encode(texts, batch_size=32, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - t0)


def vectors(config) -> dict:
    import numpy as np

    from ragshift.harness.shipping import collections as col
    from ragshift.harness.systems import open_store

    store = open_store(config.store)
    (info,) = [c for c in col.list_collections(store) if c.name.startswith("rsx-")]
    got = store.open(info.name).collection.get(include=["embeddings"])
    return dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
    parser.add_argument("--limit", type=int, default=None, help="First N abstracts only (a quick run).")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--abba", action="store_true", help="Run the engines forward, then backward (load drift cancels).")
    parser.add_argument("--write", action="store_true", help="Write the section of bench/RESULTS.md.")
    args = parser.parse_args()
    if not (args.data / "corpus.jsonl").is_file():
        print(f"SciFact not found at {args.data}", file=sys.stderr)
        return 2
    import numpy as np

    from ragshift.adapters.embedders.packaged import resolve_model
    from ragshift.harness.config import EngineSection, load_config
    from ragshift.harness.shipping.reindex_job import run_reindex

    model = resolve_model("all-MiniLM-L6-v2")
    lines, results, reference = [], {}, None
    with tempfile.TemporaryDirectory(prefix="ragshift-scale-") as tmp:
        data = args.data
        if args.limit:  # the first N abstracts, in a temporary folder deleted afterwards
            data = Path(tmp) / "data"
            data.mkdir()
            with (args.data / "corpus.jsonl").open(encoding="utf-8") as src:
                kept = src.readlines()[: args.limit]
            (data / "corpus.jsonl").write_text("".join(kept), encoding="utf-8")
            ids = {json.loads(line)["_id"] for line in kept}
            shutil.copy(args.data / "queries.jsonl", data)  # reindex loads the dataset whole (queries, qrels)
            (data / "qrels").mkdir()
            for qrels in (args.data / "qrels").glob("*.tsv"):
                header, *rows = qrels.read_text(encoding="utf-8").splitlines()
                rows = [r for r in rows if r.split("\t")[1] in ids]
                (data / "qrels" / qrels.name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        from ragshift.harness.corpus import load_corpus

        texts = [d.full_text for d in load_corpus(data).documents.values()]
        names = args.engines.split(",")
        if any(n.startswith("ray") for n in names):  # started first, so every run shares its idle daemons
            import ray

            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        floors = [floor(texts, model)]
        lines.append(f"floor: model.encode in this process: {len(texts)} abstracts, {floors[0]:.1f} chunks/s; {load()}")
        print(lines[-1], flush=True)
        order = names + names[::-1] if args.abba else names  # A B C D D C B A: a linear load drift cancels
        for run, name in enumerate(order):
            root = Path(tmp) / f"{run}-{name}"
            root.mkdir()
            config = load_config(config_file(root, data, model))
            config = config.model_copy(update={"engine": EngineSection(**ENGINES[name])})
            t0 = time.perf_counter()
            with PeakMemory() as memory:
                result = run_reindex(config, "minilm")
            wall = time.perf_counter() - t0
            got = vectors(config)
            reference = reference if reference is not None else got
            diff = max(float(np.abs(got[k] - reference[k]).max()) for k in reference)
            rate = result.stats.chunks_per_second
            results.setdefault(name, []).append(rate)
            lines.append(
                f"{name:6s}: {result.stats.embedded} chunks, {rate:.1f} chunks/s, reindex wall {wall:.0f} s, "
                f"max |Δ| vs the first run {diff:.1e}; peak RSS {memory.summary()}; {load()}"
            )
            print(lines[-1], flush=True)
        floors.append(floor(texts, model))  # the load on a shared machine drifts: the floor again, at the end
        raw = sum(floors) / len(floors)
        lines.append(f"floor again: {floors[-1]:.1f} chunks/s; mean floor {raw:.1f} chunks/s; {load()}")
        for name, rates in results.items():
            mean = sum(rates) / len(rates)
            lines.append(f"{name:6s}: mean {mean:.1f} chunks/s over {len(rates)} run(s), ×{mean / raw:.2f} of the mean floor")
        print("\n".join(lines[-1 - len(results):]), flush=True)
    if args.write:
        from results_md import write_section

        write_section(REPO / "bench" / "RESULTS.md", "scale_embed", render(lines, load_note()))
    return 0


def load() -> str:
    """The machine's load average (1, 5, 15 min) when a timing ends: speed numbers depend on it."""
    return "load " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


def load_note() -> str:
    return os.environ.get("BENCH_NOTE", "")


def render(lines: list[str], note: str) -> str:
    from results_md import markers

    begin, end = markers("scale_embed")
    command = "$ .venv/bin/python bench/scale_embed.py " + " ".join(sys.argv[1:])
    return "\n".join([begin, note, "", "```", command.rstrip(), *lines, "```", end]) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
