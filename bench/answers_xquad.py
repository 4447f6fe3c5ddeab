"""Answer quality of baseline vs fine-tuned MiniLM on XQuAD-en test, with the offline SmolLM2 generator.

The candidate is all-MiniLM-L6-v2 fine-tuned (MNRL, 1 epoch) on XQuAD-en's train split (36 articles)
through ``ragshift.harness.finetune.run_finetune``, unless ``--candidate PATH`` names a model folder. Both
systems run the real pipeline (Chroma + LlamaIndex retriever, whole paragraphs), then the answer
stage: the top ``--top-k`` paragraphs go into SmolLM2-135M-Instruct's prompt (greedy), and ragas'
offline metrics score each answer against the gold span. Retrieval and answer metrics share one
row per query and go through ``compare_rows`` (paired permutation test, BCa CI, Holm), overall
and per question type. Results: ``bench/RESULTS.md`` (between the answers_xquad markers) and
``bench/out/answers_xquad/results.json``.

    .venv/bin/python bench/answers_xquad.py              # 296 test questions (tens of minutes on 2 CPU cores)
    .venv/bin/python bench/answers_xquad.py --limit 8 --max-steps 2 --out /tmp/ax   # wiring check; RESULTS.md untouched
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from benchenv import REPO

from results_md import markers, write_section  # noqa: E402  (bench/ is on sys.path)

BEGIN, END = markers("answers_xquad")
RETRIEVAL = ("ndcg@10", "recall@1", "recall@3")
"""recall@k with k = --top-k is the share of questions whose gold paragraph reached the prompt."""
ANSWER = ("answer.contains_gold", "answer.exact_match", "answer.rouge_l", "answer.string_similarity", "ctx.id_precision", "ctx.precision")


def finetuned_model(corpus, out: Path, *, retrain: bool, max_steps: int | None) -> tuple[Path, float | None]:
    """MNRL fine-tune on the train split (dev 10%, leakage vs test dropped); reused when present."""
    from ragshift.harness.finetune.config import FinetuneConfig
    from ragshift.harness.finetune.run import run_finetune

    output = out / "finetuned-minilm"
    if (output / "config.json").is_file() and not retrain:
        return output, None
    cfg = FinetuneConfig(
        base_model="all-MiniLM-L6-v2", loss="mnrl", epochs=1, batch_size=32, train_split="train",
        eval_split="test", leakage="drop", output=output, max_steps=max_steps,
    )
    t0 = time.perf_counter()
    run_finetune(cfg, corpus, output=output)
    return output, time.perf_counter() - t0


def run_config(data: Path, out: Path, candidate: Path, top_k: int):
    from ragshift.harness.config import RunConfig

    return RunConfig.model_validate(
        {
            "run": {"name": "answers-xquad", "output": str(out / "reports")},
            "corpus": {"path": str(data), "split": "test", "query_type_field": "qtype_heuristic"},
            "chunking": {"strategy": "none"},
            "embedders": [
                {"name": "baseline", "model": "all-MiniLM-L6-v2"},
                {"name": "finetuned", "model": str(candidate)},
            ],
            "store": {"path": str(out / "chroma")},
            "cache": {"path": str(out / "cache")},
            "metrics": {"names": list(dict.fromkeys([*RETRIEVAL, f"recall@{top_k}"]))},
        }
    )


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    from rich.console import Console

    from ragshift.harness.answers import (
        AnswersConfig, changed_answers, failure_counts, merge_rows, retrieval_to_answers,
    )
    from ragshift.harness.compare import compare_rows
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.datasets import Dataset
    from ragshift.harness.evaluate import evaluate
    from ragshift.harness.systems import build_answer_stage, build_system, load_embedder

    console = Console(stderr=True)
    timings: dict[str, float] = {}
    corpus = load_corpus(args.data, query_type_field="qtype_heuristic")
    candidate, finetune_seconds = (args.candidate, None) if args.candidate else finetuned_model(
        corpus, args.out, retrain=args.retrain, max_steps=args.max_steps
    )
    if finetune_seconds is not None:
        timings["finetune"] = finetune_seconds
    config = run_config(args.data, args.out, candidate, args.top_k)
    queries = corpus.select("test")[: args.limit or None]
    dataset = Dataset("xquad_en", corpus, queries, "test")
    answers_config = AnswersConfig(metrics=list(ANSWER), top_k=args.top_k)
    stage = build_answer_stage(answers_config, cache_dir=args.out / "cache")
    t0 = time.perf_counter()
    stage.generator.inner.load()
    timings["load_generator"] = time.perf_counter() - t0
    rows = []
    for spec in config.embedders:
        t0 = time.perf_counter()
        system = build_system(config, spec, load_embedder(config, spec, console=console), corpus, console=console)
        timings[f"{spec.name}.index"] = time.perf_counter() - t0
        evaluation = evaluate(spec.name, system.retriever, queries, corpus.qrels, config.metrics.specs,
                              depth=config.metrics.depth, dataset=dataset.name)
        hits, retrieval = evaluation.hits, evaluation.rows
        timings[f"{spec.name}.retrieve"] = evaluation.seconds
        misses = stage.generator.misses
        t0 = time.perf_counter()
        answers = stage.rows(spec.name, queries, hits, corpus, console=console)
        timings[f"{spec.name}.answers"] = time.perf_counter() - t0
        timings[f"{spec.name}.generated"] = stage.generator.misses - misses
        rows.extend(merge_rows(retrieval, answers))
    t0 = time.perf_counter()
    comparison = compare_rows(rows, baseline="baseline", candidates=["finetuned"])
    timings["compare"] = time.perf_counter() - t0
    with (args.out / ("rows-smoke.jsonl" if args.limit else "rows.jsonl")).open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in rows)
    return {
        "queries": len(queries),
        "top_k": args.top_k,
        "candidate": str(candidate),
        "answer_stage": stage.describe(),
        "timings": {k: round(v, 2) for k, v in timings.items()},
        "failures": failure_counts(rows),
        "tests": [
            {
                "metric": t.metric, "slice": t.slice.label, "n": t.stats.n, "baseline": t.stats.baseline_mean,
                "candidate": t.stats.candidate_mean, "delta": t.stats.delta, "ci": [t.stats.ci_low, t.stats.ci_high],
                "p": t.stats.p_value, "p_adjusted": t.p_adjusted, "wins": t.stats.wins, "ties": t.stats.ties,
                "losses": t.stats.losses,
            }
            for t in comparison.pairs[0].tests
        ],
        "transfer": [
            {"slice": t.slice, "n": t.n, "retrieval_delta": t.retrieval_delta, "answer_delta": t.answer_delta, "verdict": t.verdict}
            for t in retrieval_to_answers(
                rows, baseline="baseline", candidate="finetuned", retrieval_metric=f"recall@{args.top_k}",
                answer_metric="answer.contains_gold",
            )
        ],
        "changed": [
            {
                "question": c.question.strip(), "query_type": c.query_type, "gold": list(c.gold),
                **{
                    name: {"answer": side.answer, "contexts": [x["doc_id"] for x in side.contexts], **side.scores}
                    for name, side in (("baseline", c.baseline), ("finetuned", c.candidate))
                },
            }
            for c in changed_answers(rows, baseline="baseline", candidate="finetuned", show=("answer.rouge_l",), limit=8)
        ],
    }


def _num(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def markdown(results: dict[str, Any]) -> str:
    tests = {(t["metric"], t["slice"]): t for t in results["tests"]}
    stage = results["answer_stage"]
    lines = [
        BEGIN,
        "## Answer quality: baseline vs fine-tuned MiniLM on XQuAD-en test (offline SmolLM2 generator)",
        "",
        f"`bench/answers_xquad.py`: {results['queries']} test questions (12 held-out articles), whole paragraphs in Chroma "
        f"via the LlamaIndex retriever, top {results['top_k']} paragraph(s) into SmolLM2-135M-Instruct "
        f"(greedy, max {stage['generator']['max_new_tokens']} new tokens, prompt `{stage['prompt_template']['system']}` / "
        f"`{stage['prompt_template']['user']!r}`). Candidate: `{Path(results['candidate']).name}` (MNRL, 1 epoch on the "
        "train split). Answer metrics are ragas' non-LLM metrics against the gold span, after SQuAD normalisation "
        "(`contains_gold`: the gold span occurs in the answer). Paired permutation test, BCa 95% CI, Holm-adjusted p.",
        "",
        "| metric | baseline | fine-tuned | Δ | 95% CI | p (Holm) | wins/ties/losses |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for metric in (*RETRIEVAL, *ANSWER):
        t = tests.get((metric, "all"))
        if t:
            lines.append(
                f"| {metric} | {_num(t['baseline'])} | {_num(t['candidate'])} | {t['delta']:+.3f} | "
                f"[{_num(t['ci'][0])}, {_num(t['ci'][1])}] | {_num(t['p_adjusted'])} | {t['wins']}/{t['ties']}/{t['losses']} |"
            )
    k = results["top_k"]
    lines += [
        "",
        f"Per question type: did better retrieval (recall@{k}: the gold paragraph reached the prompt) turn into "
        "better answers? Δ = fine-tuned − baseline; p for contains_gold from the same comparison.",
        "",
        f"| slice | n | Δ recall@{k} | Δ contains_gold | p (Holm) | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for t in results["transfer"]:
        test = tests.get(("answer.contains_gold", t["slice"]))
        p = _num(test["p_adjusted"]) if test else "–"
        lines.append(f"| {t['slice']} | {t['n']} | {t['retrieval_delta']:+.3f} | {t['answer_delta']:+.3f} | {p} | {t['verdict']} |")
    t = results["timings"]
    generated = int(t.get("baseline.generated", 0) + t.get("finetuned.generated", 0))
    answer_seconds = t.get("baseline.answers", 0) + t.get("finetuned.answers", 0)
    lines += [
        "",
        "Timings (s, 2 shared CPU cores): "
        + ", ".join(f"{k} {v}" for k, v in t.items() if not k.endswith(".generated"))
        + f". {generated} answers generated (the rest were cache hits: identical prompts), "
        f"{answer_seconds / max(generated, 1):.2f} s per generated answer including scoring.",
        f"Judge failures: {results['failures'] or 'none'} (no LLM judge configured: offline metrics only).",
        "",
        "Answers that changed (contains_gold flipped):",
        "",
    ]
    for e in results["changed"]:
        b, c = e["baseline"], e["finetuned"]
        lines.append(
            f"- *{e['question']}* (gold: {', '.join(e['gold'])}) — baseline [{', '.join(b['contexts'])}]: "
            f"\"{b['answer']}\" (contains_gold {_num(b['answer.contains_gold'], 0)}, rouge_l {_num(b['answer.rouge_l'], 2)}); "
            f"fine-tuned [{', '.join(c['contexts'])}]: \"{c['answer']}\" "
            f"(contains_gold {_num(c['answer.contains_gold'], 0)}, rouge_l {_num(c['answer.rouge_l'], 2)})"
        )
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "xquad_en")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "answers_xquad")
    parser.add_argument("--candidate", type=Path, help="a fine-tuned model folder (default: fine-tune one here)")
    parser.add_argument("--retrain", action="store_true", help="fine-tune again even if the model exists")
    parser.add_argument("--top-k", type=int, default=1, help="paragraphs put into the prompt")
    parser.add_argument("--limit", type=int, default=0, help="first N test questions only; RESULTS.md untouched")
    parser.add_argument("--max-steps", type=int, help="stop fine-tuning after N steps (wiring checks)")
    args = parser.parse_args()
    from ragshift.harness.runtime import prepare_environment

    prepare_environment(offline=True)
    args.out.mkdir(parents=True, exist_ok=True)
    results = evaluate(args)
    (args.out / ("results-smoke.json" if args.limit else "results.json")).write_text(json.dumps(results, indent=2) + "\n")
    section = markdown(results)
    print(section)
    if not args.limit:
        write_section(REPO / "bench" / "RESULTS.md", "answers_xquad", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
