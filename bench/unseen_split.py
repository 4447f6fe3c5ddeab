"""Where a label-free recipe's SciFact gain sits: per claim, was one of its relevant abstracts among the
abstracts the recipe drew pseudo-queries from (group A) or not (group B)? Reuses the cached vectors of
``bench/finetune_scifact.py`` (nothing is re-embedded but the 300 claims).

    .venv/bin/python bench/unseen_split.py [--recipes mnrl-ict+crop+wiseft gpl-ict+crop+wiseft]
        [--models /work/bench-models/scifact] [--out /work/bench-models/finetune_out]
"""

import argparse
import json
from pathlib import Path

from benchenv import REPO  # noqa: F401  (offline env; the repo on sys.path)

import finetune_scifact as fs  # noqa: E402
from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder  # noqa: E402
from ragshift.harness.cache import CachedEmbedder, EmbeddingCache  # noqa: E402
from ragshift.harness.compare.stats import paired_compare  # noqa: E402
from ragshift.harness.corpus import load_corpus  # noqa: E402
from ragshift.harness.finetune.config import FinetuneConfig  # noqa: E402
from ragshift.harness.finetune.sources import cheap_pairs, chunk_documents, enabled_cheap, sample  # noqa: E402
from ragshift.harness.runtime import prepare_environment  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--recipes", nargs="+", default=["mnrl-ict+crop+wiseft", "gpl-ict+crop+wiseft"])
parser.add_argument("--models", type=Path, default=Path("/work/bench-models/scifact"))
parser.add_argument("--out", type=Path, default=Path("/work/bench-models/finetune_out"))
parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
args = parser.parse_args()
prepare_environment(offline=True)
OUT, MODELS = args.out, args.models
scifact = load_corpus(args.data)
test = scifact.select("test")
unseen = fs.unseen_positive_queries(scifact, test)

# --- reproduce the sample exactly as build_pseudo_set does (hold_out_positives=False -> nothing banned)
cfg = FinetuneConfig(**{**fs.COMMON, **fs.RECIPES[args.recipes[0]]}, output=MODELS / args.recipes[0])
src = cfg.effective_sources()
assert not src.hold_out_positives
passages = chunk_documents(scifact.documents.values(), chunk_words=src.chunk_words)
chosen = sample(passages, src.max_chunks, seed=[cfg.seed, "chunks"])
pre = {name: cheap_pairs(name, spec, chosen, seed=cfg.seed)[1] for name, spec in enabled_cheap(src)}
sampled_docs = {p.doc_id for p in chosen}
print(f"chunks {len(passages)}, sampled {len(chosen)} chunks / {len(sampled_docs)} docs; pre-filter {pre}")
manifests = {}
for m in args.recipes:
    rec = json.loads((MODELS / m / "ragshift_training.json").read_text())
    syn = [x for x in rec["queries"] if x["qid"].startswith("syn:")]
    manifests[m] = {d for x in syn for d in x["positives"]}
    print(f"{m}: manifest {len(syn)} synthetic pairs over {len(manifests[m])} docs; subset of sample: "
          f"{manifests[m] <= sampled_docs}")

cache = EmbeddingCache(OUT / "cache" / "embeddings.sqlite")
base = CachedEmbedder(SentenceTransformerEmbedder(fs.BASE_MODEL), cache)
base_sf, _ = fs.evaluate(base, scifact, test)
print(f"baseline hits/misses {base.hits}/{base.misses}")
pos = {q.qid: {d for d, g in scifact.qrels[q.qid].items() if g > 0} for q in test}


def mean(xs):
    return sum(xs) / len(xs)


def row(label, qids, b, c):
    qids = sorted(qids)
    r = paired_compare([b[q] for q in qids], [c[q] for q in qids], test="permutation",
                       n_resamples=9999, confidence=0.95, seed=0)
    print(f"| {label} | {len(qids)} | {r.baseline_mean:.4f} | {r.candidate_mean:.4f} | {r.delta:+.4f} "
          f"| [{r.ci_low:+.4f}, {r.ci_high:+.4f}] | {r.p_value:.3g} | {r.wins}/{r.losses} |")

for m in args.recipes:
    tuned = CachedEmbedder(SentenceTransformerEmbedder(str(MODELS / m)), cache)
    sf, _ = fs.evaluate(tuned, scifact, test)
    print(f"\n## {m} (hits/misses {tuned.hits}/{tuned.misses})")
    print(f"all-300 means: base {mean(list(base_sf.values())):.4f} tuned {mean(list(sf.values())):.4f}; "
          f"unseen-104: base {mean([base_sf[q] for q in unseen]):.4f} tuned {mean([sf[q] for q in unseen]):.4f}")
    for docs, dname in ((sampled_docs, "sample500"), (manifests[m], "post-filter")):
        print(f"\nA = a relevant abstract in {dname} ({len(docs)} docs)")
        print("| group | n | base | tuned | delta | 95% CI | p | wins/losses |\n|---|---|---|---|---|---|---|---|")
        for setname, qs in (("all", [q.qid for q in test]), ("unseen", unseen)):
            A = [q for q in qs if pos[q] & docs]; B = [q for q in qs if not pos[q] & docs]
            for lab, g in ((f"{setname}", qs), (f"{setname} A", A), (f"{setname} B", B)):
                if g: row(lab, g, base_sf, sf)
