"""The model card (README.md) and machine-readable record written into every fine-tuned model directory."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RECORD = "ragshift_finetune.json"
CARD = "README.md"


def _table(rows: list[tuple[str, Any]]) -> list[str]:
    return ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]


def render_card(record: Mapping[str, Any]) -> str:
    """Markdown: base model, data, loss, hyperparameters, seed, dev curves, fingerprint, leakage."""
    cfg = record["config"]
    data = record["training_set"]
    curves = record["curves"]
    leakage = record["leakage"]
    method = "query-side linear adapter (base model frozen)" if cfg["method"] == "query-adapter" else "full fine-tune"
    lines = [
        f"# {record['name']}",
        "",
        f"Fine-tuned by ragshift from **{cfg['base_model']}** — {method}.",
        "",
        "## Recipe",
        *_table(
            [
                ("base model", f"`{cfg['base_model']}` (fingerprint `{record['base_fingerprint']}`)"),
                ("loss", _loss(cfg)),
                ("epochs / max steps", f"{cfg['epochs']} / {cfg['max_steps'] or '-'}"),
                ("batch size", cfg["batch_size"]),
                ("learning rate", cfg["lr"] if cfg["method"] == "full" else cfg["query_adapter"]["lr"]),
                ("warmup", cfg["warmup"]),
                ("seed", cfg["seed"]),
                ("hard negatives", json.dumps(cfg["hard_negatives"]) if cfg["hard_negatives"]["enabled"] else "off"),
                *([("teacher", f"{record['teacher'].get('kind')} `{record['teacher'].get('path') or record['teacher'].get('model')}`")]
                  if record.get("teacher") else []),
                ("steps trained", record["steps"]),
                ("wall time", f"{record['seconds']:.1f} s"),
            ]
        ),
        "",
        "## Data",
        f"Corpus `{record['corpus']['name']}` (fingerprint `{record['corpus']['fingerprint']}`), "
        f"train split `{cfg['train_split']}`, dev carved from it ({record['dev_queries']} queries, "
        f"fraction {cfg['dev_fraction']}); never the eval split `{cfg['eval_split']}`.",
        "",
        *_table([(k, v) for k, v in data.items() if k not in ("examples", "columns", "mining", "synthetic")]),
        "",
        *_synthetic(data.get("synthetic")),
        "## Dev curves (nDCG@10)",
        "| epoch | step | train sample | dev | gap |",
        "|---|---|---|---|---|",
        *(
            f"| {p['epoch']:g} | {p['step']} | {_num(p['train'])} | {_num(p['dev'])} | {_num(p['gap'])} |"
            for p in curves["points"]
        ),
        "",
        _kept(curves["best"]),
        *(f"- **{flag}**" for flag in curves["flags"]),
        "",
        *_forgetting(record.get("forgetting")),
        "## Leakage guard",
        "OVERRIDDEN: trained although train overlaps eval — results on the eval split are not held-out."
        if leakage["overridden"]
        else f"train vs eval `{cfg['eval_split']}`: {sum(leakage['counts'].values())} overlaps found, "
        f"{len(leakage['dropped_train'])} train queries dropped.",
        "",
        "## Fingerprint",
        f"`{record['fingerprint']}` (recipe `{record['recipe_fingerprint']}`)",
        "",
    ]
    return "\n".join(lines)


def _loss(cfg: Mapping[str, Any]) -> str:
    if cfg["method"] != "full":
        return "softmax over corpus (InfoNCE)"
    dims = cfg.get("matryoshka_dims") or []
    return cfg["loss"] + (f" in MatryoshkaLoss {list(dims)}" if dims else "")


def _synthetic(summary: Mapping[str, Any] | None) -> list[str]:
    """Label-free pairs: chunks seen / held out, and per source what was made, dropped and kept."""
    if not summary:
        return []
    lines = [
        "## Label-free pairs",
        f"{summary['pairs']} pseudo-query pairs from {summary['chunks_sampled']} of {summary['chunks']} chunks "
        f"({summary['chunks_held_out']} chunks of eval/dev positives held out).",
        "",
        "| source | chunks used | pairs made | leakage dropped | filter kept | kept |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in summary.get("sources", {}).items():
        kept = s.get("filter", {}).get("kept", "-") if s.get("filter") else "-"
        lines.append(f"| {name} | {s.get('chunks_used', '-')} | {s.get('pairs', '-')} | {s.get('leakage_dropped', 0)} | {kept} | {s['kept']} |")
    return [*lines, ""]


def _forgetting(choice: Mapping[str, Any] | None) -> list[str]:
    """The WiSE-FT α curve, the chosen α and why, the rejected ones."""
    if not choice:
        return []
    names = [k for k in choice["curve"][0] if k.startswith("general:")] if choice["curve"] else []
    rejected = {r["alpha"]: r["why"] for r in choice["rejected"]}
    lines = [
        "## Forgetting budget (WiSE-FT)",
        f"Weights kept: θ = (1 − α)·base + α·tuned with **α = {choice['alpha']:g}** — {choice['reason']}; "
        f"budget: no [[datasets]] set may drop more than {choice['max_drop']:g} nDCG@10 below the base.",
        "",
        "| α | dev | " + " | ".join(n.removeprefix("general:") for n in names) + " | |",
        "|---|---|" + "---|" * len(names) + "---|",
    ]
    for p in choice["curve"]:
        mark = "chosen" if p["alpha"] == choice["alpha"] else ("rejected" if p["alpha"] in rejected else "")
        lines.append(f"| {p['alpha']:g} | {_num(p['dev'])} | " + " | ".join(_num(p[n]) for n in names) + f" | {mark} |")
    lines += [f"- rejected α = {a:g}: {why}" for a, why in sorted(rejected.items())]
    return [*lines, ""]


def _kept(best: Mapping[str, Any] | None) -> str:
    if best is None:
        return "Kept: the last weights (no dev set to choose by)."
    return f"Kept: epoch {best['epoch']:g} (step {best['step']}), the best dev nDCG@10 ({best['dev']:.4f})."


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def write_card(directory: Path, record: Mapping[str, Any]) -> None:
    """``README.md`` for people, ``ragshift_finetune.json`` for the report."""
    directory = Path(directory)
    (directory / RECORD).write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    (directory / CARD).write_text(render_card(record), encoding="utf-8")


def read_record(directory: Path) -> dict[str, Any] | None:
    path = Path(directory) / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
