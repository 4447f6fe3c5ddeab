"""Fine-tune all-MiniLM-L6-v2 on SciFact train; evaluate baseline and every recipe on SciFact test and XQuAD.

Each recipe goes through ``ragshift.harness.finetune.run_finetune`` (leakage guard, dev split, curves, card),
then both SciFact test (300 claims, 5,183 abstracts) and XQuAD-en (1,190 questions, all splits: no
model saw them) are scored by exact cosine ranking with ragshift's metrics (nDCG@10), paired against
the baseline (permutation test, BCa 95% CI). Baseline document vectors are cached, so the query
adapter is evaluated without re-embedding any document. Results go to ``bench/RESULTS.md`` (the
section between the finetune_scifact markers) and ``bench/out/finetune_scifact/results.json``.

    .venv/bin/python bench/finetune_scifact.py                      # every recipe (hours on 2 CPU cores)
    .venv/bin/python bench/finetune_scifact.py --recipes mnrl query-adapter
    .venv/bin/python bench/finetune_scifact.py --recipes mnrl+hn --models /work/bench-models/scifact
    .venv/bin/python bench/finetune_scifact.py --smoke              # tiny subsets, 2 steps: wiring check
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from benchenv import REPO

from results_md import markers, write_section  # noqa: E402  (bench/ is on sys.path)

BEGIN, END = markers("finetune_scifact")
NOTES = Path(__file__).with_name("finetune_scifact_notes.md")
BASE_MODEL = "all-MiniLM-L6-v2"
COMMON: dict[str, Any] = dict(
    base_model=BASE_MODEL, epochs=3, batch_size=32, lr=2e-5, warmup=0.1, seed=42,
    train_split="train", eval_split="test", dev_fraction=0.1, leakage="drop",
)
HARD = {"enabled": True, "window": [3, 30], "margin": 0.05, "per_query": 1}
RECIPES: dict[str, dict[str, Any]] = {
    # the reference recipe: MNRL on all 919 train pairs, no dev split, leakage allowed (as published)
    "reference": dict(loss="mnrl", dev_fraction=0.0, leakage="allow"),
    "mnrl": dict(loss="mnrl"),
    "mnrl+hn": dict(loss="mnrl", hard_negatives=HARD),
    "triplet": dict(loss="triplet"),
    "triplet+hn": dict(loss="triplet", hard_negatives=HARD),
    "cosent": dict(loss="cosent"),
    "cosent+hn": dict(loss="cosent", hard_negatives=HARD),
    "query-adapter": dict(method="query-adapter"),
    # an attempt at the 0.713 target: hard negatives, higher lr, more epochs, best-by-dev kept
    "mnrl+hn-tuned": dict(loss="mnrl", hard_negatives=HARD, lr=5e-5, epochs=6),
    # in-domain pseudo-queries: 2,000 (title → abstract) pairs of the corpus added to the train claims
    "mnrl+titles": dict(loss="mnrl", title_pairs=2000, lr=5e-5, epochs=2),
    # issue 11: label-free pairs for the abstracts no claim cites (eval/dev positives always held out)
    "mnrl+ict+crop": dict(loss="mnrl", lr=5e-5, epochs=2, sources=dict(
        max_chunks=2000, inverse_cloze={}, crop={}, filter={"top_k": 20})),
    "mnrl+doc2query": dict(loss="mnrl", lr=5e-5, epochs=2, sources=dict(
        generated={"max_chunks": 1500, "time_budget_s": 2700}, filter={"top_k": 20})),
    # GPL: generated queries + mined negatives (teacher drops false ones) + teacher margins (MarginMSE)
    "gpl": dict(loss="margin-mse", lr=5e-5, epochs=2, hard_negatives=HARD, teacher={},
                sources=dict(generated={"max_chunks": 1500, "time_budget_s": 2700}, filter={"top_k": 20})),
    "gist": dict(loss="gist"),
    "cached-mnrl-128": dict(loss="cached-mnrl", batch_size=128, mini_batch_size=32),
    "mnrl+hn+teacher": dict(loss="mnrl", hard_negatives=HARD, teacher={}),
    # the forgetting budget: WiSE-FT α chosen on dev, XQuAD may drop at most 0.01 nDCG@10
    "mnrl+ict+crop+wiseft": dict(loss="mnrl", lr=5e-5, epochs=2, forgetting={}, sources=dict(
        max_chunks=2000, inverse_cloze={}, crop={}, filter={"top_k": 20})),
    "query-adapter+wiseft": dict(method="query-adapter", forgetting={}),
}
# Issue 11, item 5: label-free pairs over every SciFact abstract (the transductive GPL setting: the corpus is
# known before deployment and no label is read; pseudo-queries near-identical to a test/dev claim are still
# dropped), added to the train claims, each with the WiSE-FT forgetting budget. Each is capped to <= ~15 min
# of training on the 2 shared cores (load 3-10 while they ran): 500 sampled abstracts (inverse cloze + a crop
# each, consistency-filtered), one epoch cut at max_steps batches of 32, a 500-document dev pool, α in {0, .5, 1}.
ICT_CROP = dict(max_chunks=500, hold_out_positives=False, inverse_cloze={}, crop={}, filter={"top_k": 20})
ALPHAS = {"alphas": [0.0, 0.5, 1.0]}
CAPPED = dict(epochs=1, dev_pool_size=500)
LABEL_FREE: dict[str, dict[str, Any]] = {
    # GPL-style: pseudo-queries + mined negatives + the cross-encoder's margins (MarginMSE); GPL keeps
    # false negatives and lets the margin label them, so the teacher's mining check is off (13.5 of 36 min on acme-kb)
    "gpl-ict+crop+wiseft": dict(loss="margin-mse", **CAPPED, max_steps=24, hard_negatives=HARD,
                                teacher={"false_negatives": False}, forgetting=ALPHAS, sources=ICT_CROP),
    "mnrl-ict+crop+wiseft": dict(loss="mnrl", **CAPPED, max_steps=30, forgetting=ALPHAS, sources=ICT_CROP),
    "gist-ict+crop+wiseft": dict(loss="gist", **CAPPED, max_steps=24, forgetting=ALPHAS, sources=ICT_CROP),
    # doc2query with the packaged SmolLM2 on a sample that fits (~1-2 s per query here)
    "gpl-doc2query+wiseft": dict(loss="margin-mse", **CAPPED, max_steps=25, hard_negatives=HARD,
                                 teacher={"false_negatives": False}, forgetting=ALPHAS, sources=dict(
                                     max_chunks=300, hold_out_positives=False, filter={"top_k": 20},
                                     generated={"time_budget_s": 480})),
}
RECIPES.update(LABEL_FREE)
# The ablation of the label-free pairs: the same caps and steps (2 epochs of the train claims reach the 30
# steps that 1 epoch of claims + pseudo-pairs took), no pseudo-queries. Does the gain come from the pairs?
RECIPES["mnrl-capped+wiseft"] = dict(loss="mnrl", epochs=2, dev_pool_size=500, max_steps=30, forgetting=ALPHAS)
MAX_DROP = 0.01
"""The forgetting budget of the ``+wiseft`` recipes (XQuAD is their protected ``[[datasets]]`` set)."""
SMOKE: dict[str, Any] = dict(max_steps=2, epochs=1, batch_size=8, dev_pool_size=60, query_adapter={"epochs": 2})


def subset(corpus, *, queries_per_split: int, extra_docs: int, seed: int = 0):
    """A small corpus for smoke runs: a few queries per split, their judged documents, some others."""
    from ragshift.harness.corpus.model import Corpus

    rng = random.Random(seed)
    keep = {q.qid for split in corpus.splits() for q in corpus.select(split)[:queries_per_split]}
    judged = {d for q in keep for d in corpus.qrels.get(q, {}) if d in corpus.documents}
    others = sorted(set(corpus.documents) - judged)
    docs = judged | set(rng.sample(others, min(extra_docs, len(others))))
    return Corpus(
        f"{corpus.name}-smoke",
        {d: corpus.documents[d] for d in sorted(docs)},
        {q: corpus.queries[q] for q in sorted(keep)},
        {q: corpus.qrels[q] for q in sorted(keep) if q in corpus.qrels},
        source=corpus.source,
    )


def evaluate(embedder, corpus, queries) -> tuple[dict[str, float], float]:
    """Per-query nDCG@10 of exact cosine ranking over the whole corpus, and the wall time."""
    import numpy as np

    from ragshift.harness.finetune.evalsets import METRIC
    from ragshift.harness.metrics.retrieval import score_queries

    t0 = time.perf_counter()
    doc_ids = list(corpus.documents)
    d = embedder.embed_documents([corpus.documents[x].full_text for x in doc_ids])
    q = embedder.embed_queries([x.text for x in queries])
    scores = (q / np.linalg.norm(q, axis=1, keepdims=True)) @ (d / np.linalg.norm(d, axis=1, keepdims=True)).T
    depth = min(100, len(doc_ids))
    run = {}
    for row, query in enumerate(queries):
        top = np.argpartition(-scores[row], depth - 1)[:depth]
        run[query.qid] = {doc_ids[i]: float(scores[row, i]) for i in top}
    per_query = score_queries({x.qid: corpus.qrels[x.qid] for x in queries}, run, [METRIC])
    return {qid: row[METRIC.label] for qid, row in per_query.items()}, time.perf_counter() - t0


def unseen_positive_queries(corpus, test) -> list[str]:
    """Test claims none of whose relevant abstracts is relevant to any train claim: what a model can only
    get right by generalising (SciFact's splits share many abstracts; a model may learn those)."""
    train_positives = {d for q in corpus.select("train") for d, g in corpus.qrels.get(q.qid, {}).items() if g > 0}
    return sorted(q.qid for q in test if not {d for d, g in corpus.qrels[q.qid].items() if g > 0} & train_positives)


def paired(base: dict[str, float], cand: dict[str, float]) -> dict[str, Any]:
    from ragshift.harness.compare.stats import paired_compare

    qids = sorted(base)
    r = paired_compare([base[q] for q in qids], [cand[q] for q in qids], test="permutation",
                       n_resamples=10000, confidence=0.95, seed=0)
    return {
        "mean": round(r.candidate_mean, 4), "delta": round(r.delta, 4), "ci": [round(r.ci_low, 4), round(r.ci_high, 4)],
        "p": round(r.p_value, 4), "wins": r.wins, "losses": r.losses,
    }


def run(args: argparse.Namespace, save) -> dict[str, Any]:
    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
    from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder
    from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.finetune.config import FinetuneConfig
    from ragshift.harness.finetune.leakage import check_model
    from ragshift.harness.finetune.run import run_finetune
    from ragshift.harness.finetune.wiseft import GeneralSet

    scifact, xquad = load_corpus(args.data), load_corpus(args.xquad)
    if args.smoke:
        scifact = subset(scifact, queries_per_split=24, extra_docs=150)
        xquad = subset(xquad, queries_per_split=30, extra_docs=0)
    test, elsewhere = scifact.select("test"), xquad.select(None)
    cache = EmbeddingCache(args.out / "cache" / "embeddings.sqlite")
    baseline = CachedEmbedder(SentenceTransformerEmbedder(BASE_MODEL), cache)
    base_sf, t_sf = evaluate(baseline, scifact, test)
    base_xq, t_xq = evaluate(baseline, xquad, elsewhere)
    previous = _previous(args.out / "results.json") if not args.smoke else {}
    results: dict[str, Any] = {
        "smoke": args.smoke,
        "data": {"scifact": str(args.data), "xquad": str(args.xquad), "scifact_test_queries": len(test),
                 "scifact_documents": len(scifact.documents), "xquad_queries": len(elsewhere)},
        "baseline": {"scifact": round(sum(base_sf.values()) / len(base_sf), 4),
                     "xquad": round(sum(base_xq.values()) / len(base_xq), 4),
                     "eval_seconds": {"scifact": round(t_sf, 1), "xquad": round(t_xq, 1)}, "load": _load()},
        "recipes": dict(previous.get("recipes", {})),
    }
    unseen = unseen_positive_queries(scifact, test)
    results["data"]["scifact_unseen_queries"] = len(unseen)
    results["baseline"]["scifact_unseen"] = round(sum(base_sf[q] for q in unseen) / len(unseen), 4)
    b = results["baseline"]
    print(f"baseline: SciFact {b['scifact']:.4f}  XQuAD {b['xquad']:.4f}", flush=True)
    for name in args.recipes:
        settings = {**COMMON, **RECIPES[name], **(SMOKE if args.smoke else {})}
        cfg = FinetuneConfig(**settings, output=(args.models or args.out / "models") / name)
        t0 = time.perf_counter()
        general = [GeneralSet("xquad", xquad, None)] if cfg.forgetting is not None else []
        result = run_finetune(cfg, scifact, base=baseline, cache_dir=args.out / "cache", general=general, max_drop=MAX_DROP)
        train_s = time.perf_counter() - t0
        check_model(result.output, scifact, test, allow=cfg.leakage == "allow")
        if cfg.method == "query-adapter":
            tuned = QueryAdapterEmbedder.load(result.output, baseline)  # documents: the cached baseline vectors
        else:
            tuned = CachedEmbedder(SentenceTransformerEmbedder(str(result.output)), cache)
        load_trained = _load()
        sf, e_sf = evaluate(tuned, scifact, test)
        xq, e_xq = evaluate(tuned, xquad, elsewhere)
        rec = result.record
        results["recipes"][name] = {
            "settings": {k: v for k, v in settings.items() if k != "base_model"},
            "scifact": paired(base_sf, sf),
            "scifact_unseen": paired({q: base_sf[q] for q in unseen}, {q: sf[q] for q in unseen}),
            "xquad": paired(base_xq, xq),
            "train_seconds": round(rec.get("seconds", train_s), 1),
            "reused_model": train_s < rec.get("seconds", 0.0),
            "eval_seconds": {"scifact": round(e_sf, 1), "xquad": round(e_xq, 1)},
            "timings": rec.get("timings", {}),
            "load": {"after_training": load_trained, "after_eval": _load()},
            "steps": rec["steps"],
            "training_set": {k: v for k, v in rec["training_set"].items() if k != "examples"},
            "leakage": {"counts": rec["leakage"]["counts"], "dropped_train": len(rec["leakage"]["dropped_train"]),
                        "overridden": rec["leakage"]["overridden"]},
            "curves": rec["curves"],
            **({"forgetting": {k: rec["forgetting"][k] for k in ("alpha", "reason", "rejected")}} if rec.get("forgetting") else {}),
        }
        r = results["recipes"][name]
        print(f"{name}: SciFact {r['scifact']['mean']:.4f} ({r['scifact']['delta']:+.4f})  "
              f"XQuAD {r['xquad']['mean']:.4f} ({r['xquad']['delta']:+.4f})  train {r['train_seconds']:.0f} s",
              flush=True)
        save(results)  # after every recipe: a stopped run keeps what it measured
    return results


def _load() -> str:
    """``uptime``'s load averages (1, 5, 15 min): speed numbers depend on them, quality numbers do not."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _previous(path: Path) -> dict[str, Any]:
    """Results of earlier runs (same data), so running a few recipes adds to the table."""
    if not path.is_file():
        return {}
    old = json.loads(path.read_text(encoding="utf-8"))
    return {} if old.get("smoke") else old


def _unseen(r: dict[str, Any]) -> str:
    u = r.get("scifact_unseen")
    return "-" if u is None else f"{u['mean']:.4f} ({u['delta']:+.4f}, p {u['p']:.3g})"


def earlier_rows(path: Path, names: set[str]) -> dict[str, dict[str, str]]:
    """Table row, recipe bullet and flag bullet of each recipe in ``path``'s section that ``names`` lacks:
    rows measured by an earlier run whose results.json is gone (bench/out is not in git) stay in the table."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if BEGIN not in text or END not in text:
        return {}
    section = text[text.index(BEGIN) : text.index(END)].splitlines()
    rows = {line.split("|")[1].strip(): line for line in section if line.startswith("| ") and not line.startswith("| recipe")}
    out = {n: {"row": line} for n, line in rows.items() if n not in names}
    heading = ""
    for line in section:
        if not line.startswith("- `"):
            heading = line or heading
            continue
        name = line[3 : line.index("`", 3)]
        if name in out and heading.startswith(("Recipes", "Flags")):
            out[name][heading.split()[0].lower()] = line
    return out


def markdown(results: dict[str, Any], earlier: dict[str, dict[str, str]] | None = None) -> str:
    earlier = earlier or {}
    b = results["baseline"]
    lines = [
        BEGIN,
        "## Fine-tuning all-MiniLM-L6-v2 on SciFact train (`bench/finetune_scifact.py`)",
        "",
        f"SciFact test: {results['data']['scifact_test_queries']} claims over {results['data']['scifact_documents']} "
        f"abstracts; XQuAD-en: {results['data']['xquad_queries']} questions (all splits, unseen by every model). "
        "nDCG@10 by exact cosine over the whole corpus; Δ = candidate − baseline, paired over queries "
        "(BCa 95% CI, permutation p). Leakage `drop` removes train claims near-identical to a test claim "
        "(trigram Jaccard ≥ 0.8); `allow` keeps them (the published reference recipe trains on all 919 pairs).",
        "",
        "SciFact's train and test claims share many relevant abstracts: `unseen-positive claims` are the "
        f"{results['data'].get('scifact_unseen_queries', '?')} test claims none of whose relevant abstracts is "
        "relevant to a train claim — there a model can only gain by generalising, not by learning which "
        "abstracts tend to be cited.",
        "",
        f"Baseline: SciFact **{b['scifact']:.4f}** (unseen-positive claims {b.get('scifact_unseen', float('nan')):.4f}), "
        f"XQuAD **{b['xquad']:.4f}** "
        f"(eval {b['eval_seconds']['scifact']:.0f} s / {b['eval_seconds']['xquad']:.0f} s).",
        "",
        "| recipe | loss | hard neg. | leakage | train pairs | steps | best dev epoch | SciFact nDCG@10 "
        "| Δ [95% CI] (p) | unseen-positive claims (Δ) | XQuAD nDCG@10 | Δ (p) | train s | eval s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results["recipes"].items():
        s, sf, xq = r["settings"], r["scifact"], r["xquad"]
        best = r["curves"]["best"]
        loss = "adapter (InfoNCE)" if s.get("method") == "query-adapter" else s.get("loss", "mnrl")
        dropped = r["leakage"]["dropped_train"]
        lines.append(
            f"| {name} | {loss} | {'yes' if s.get('hard_negatives') else 'no'} "
            f"| {s['leakage']}{f' ({dropped} dropped)' if dropped else ''} "
            f"| {r['training_set'].get('pairs', '-')} | {r['steps']} | {best['epoch'] if best else 'last'} "
            f"| **{sf['mean']:.4f}** | {sf['delta']:+.4f} [{sf['ci'][0]:+.4f}, {sf['ci'][1]:+.4f}] ({sf['p']:.3g}) "
            f"| {_unseen(r)} "
            f"| {xq['mean']:.4f} | {xq['delta']:+.4f} ({xq['p']:.3g}) "
            f"| {r['train_seconds']:.0f}{'*' if r.get('reused_model') else ''} "
            f"| {r['eval_seconds']['scifact'] + r['eval_seconds']['xquad']:.0f} |"
        )
    lines += [e["row"] for e in earlier.values()]
    lines += ["", "Train and eval times are wall seconds on the shared 2-core CPU (other jobs ran beside it); "
              "`*`: model trained by an earlier run of this script and reused (its recorded training time).",
              "", "Recipes (shared: " + json.dumps({k: v for k, v in COMMON.items()}) + "):", ""]
    lines += [f"- `{name}`: {json.dumps(RECIPES[name])}" for name in results["recipes"]]
    lines += [e["recipes"] for e in earlier.values() if "recipes" in e]
    lines += ["", "Flags from the dev curves:", ""]
    lines += [f"- `{n}`: {'; '.join(r['curves']['flags']) or 'none'}" for n, r in results["recipes"].items()]
    lines += [e["flags"] for e in earlier.values() if "flags" in e]
    timed = {n: r for n, r in results["recipes"].items() if r.get("load")}
    if timed:
        lines += ["", "Time by stage (wall s) and `uptime` load (1 / 5 / 15 min) after training and after eval:", ""]
        lines += [f"- `{n}`: " + ", ".join(f"{k.replace('_', ' ')} {v:.0f}" for k, v in r["timings"].items())
                  + f"; load {r['load']['after_training']} → {r['load']['after_eval']}" for n, r in timed.items()]
    chosen = {n: r["forgetting"] for n, r in results["recipes"].items() if r.get("forgetting")}
    if chosen:
        lines += ["", f"Forgetting budget (WiSE-FT, XQuAD may drop at most {MAX_DROP} nDCG@10):", ""]
        lines += [f"- `{n}`: α = {f['alpha']} ({f['reason']}); rejected: "
                  f"{', '.join(str(r['alpha']) for r in f['rejected']) or 'none'}" for n, f in chosen.items()]
    synthetic = {n: r["training_set"]["synthetic"] for n, r in results["recipes"].items() if r["training_set"].get("synthetic")}
    if synthetic:
        lines += ["", "Label-free pairs (chunks held out: those of documents judged relevant to a test or dev claim, "
                  "unless the recipe says `hold_out_positives: false`):", ""]
        lines += [f"- `{n}`: {s['pairs']} pairs from {s['chunks_sampled']} chunks ({s.get('chunks_held_out', 0)} held out); "
                  + ", ".join(f"{k} {v['kept']}" for k, v in s["sources"].items()) for n, s in synthetic.items()]
    if NOTES.is_file():  # the reading of the table, written by hand after a run
        lines += ["", NOTES.read_text(encoding="utf-8").strip()]
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "scifact")
    parser.add_argument("--xquad", type=Path, default=REPO.parent / "shared" / "data" / "xquad_en")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "finetune_scifact")
    parser.add_argument("--models", type=Path, default=None,
                        help="keep each recipe's model at MODELS/<recipe> (default: OUT/models); an up-to-date one is reused")
    parser.add_argument("--recipes", nargs="+", choices=list(RECIPES), default=list(RECIPES))
    parser.add_argument("--smoke", action="store_true", help="tiny subsets and 2 steps; RESULTS.md untouched")
    args = parser.parse_args()
    for folder in (args.data, args.xquad):
        if not (folder / "corpus.jsonl").is_file():
            print(f"data not found at {folder}", file=sys.stderr)
            return 2
    if args.smoke:
        args.out = args.out.with_name(args.out.name + "-smoke")
    from ragshift.harness.runtime import prepare_environment

    prepare_environment(offline=True)
    started = time.perf_counter()

    def save(results: dict[str, Any]) -> None:
        results["wall_seconds"] = round(time.perf_counter() - started, 1)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        if not args.smoke:
            path = REPO / "bench" / "RESULTS.md"
            write_section(path, "finetune_scifact", markdown(results, earlier_rows(path, set(results["recipes"]))))

    results = run(args, save)
    save(results)
    if args.smoke:
        print(markdown(results))
    print(f"done in {results['wall_seconds']:.0f} s; {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
