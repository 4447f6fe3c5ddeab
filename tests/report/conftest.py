"""Reports built from synthetic rows, some with script-injection payloads in every text field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ragshift.harness.compare import compare_rows
from ragshift.harness.report import build_report
from ragshift.harness.testing.rows import synthetic_rows
from ragshift.harness.types import Hit

IMG = '<img src=x onerror="document.title=\'pwned\'">'
SCRIPT = "<script>document.body.dataset.pwned=1</script>"
PAYLOAD = f"{IMG}{SCRIPT}"

RUN_CARD = {
    "run_id": "acme-0123456789",
    "name": "acme",
    "seed": 13,
    "config_fingerprint": "cfg0123456789abc",
    "corpus": {"name": "acme-kb", "documents": 900, "queries": 120, "fingerprint": "c0ffee00c0ffee00"},
    "systems": {"baseline": {"fingerprint": "aa11aa11", "model": "all-MiniLM-L6-v2"},
                "finetuned": {"fingerprint": "bb22bb22", "model": "ft-minilm"}},
    "versions": {"python": "3.11", "ragshift": "0.1.0", "scipy": "1.17.1"},
    "timings": {"baseline.retrieve": 0.6, "finetuned.retrieve": 0.9, "total": 12.0},
}
CURVES = {"finetuned": [{"epoch": 1, "train": 0.9, "dev": 0.41}, {"epoch": 2, "train": 0.6, "dev": 0.47},
                        {"epoch": 3, "train": 0.45, "dev": 0.49}]}


@pytest.fixture(scope="session")
def xss() -> dict[str, str]:
    """The injected snippets: ``img`` (onerror sets the title), ``script`` (sets a data attribute), both."""
    return {"img": IMG, "script": SCRIPT, "payload": PAYLOAD}


def _poison(rows):
    """Payloads in query text, query type, doc ids (hits and qrels) and meta of every 7th query."""
    out = []
    for r in rows:
        if int(r.qid[1:]) % 7:
            out.append(r)
            continue
        evil_doc = f"doc{PAYLOAD}"
        hits = (Hit(evil_doc, 1.0),) + r.hits[1:]
        out.append(replace(r, query=f"{r.query} {PAYLOAD}", query_type=f"type{SCRIPT}", hits=hits,
                           relevant={**r.relevant, evil_doc: 1}, meta={**r.meta, "note": PAYLOAD}))
    return out


@pytest.fixture(scope="session")
def rows():
    return synthetic_rows(120, {"baseline": 0.45, "finetuned": 0.55}, type_effects={"finetuned": {"errorcode": -0.3}})


@pytest.fixture(scope="session")
def evil_rows(rows):
    return _poison(rows)


@pytest.fixture(scope="session")
def single_report(evil_rows):
    card = {**RUN_CARD, "name": f"acme {PAYLOAD}", "systems": {"baseline": {"model": PAYLOAD}}}
    return build_report([r for r in evil_rows if r.system == "baseline"], card)


@pytest.fixture(scope="session")
def comparison_report(evil_rows):
    comparison = compare_rows(evil_rows, baseline="baseline", test="t-test", n_resamples=199)
    latency = {"baseline": {"p50_ms": 3.2, "p95_ms": 7.9}, "finetuned": {"p50_ms": 3.4, "p95_ms": 8.3}}
    return build_report(evil_rows, {**RUN_CARD, "corpus": {**RUN_CARD["corpus"], "source": PAYLOAD}}, comparison,
                        training_curves=CURVES, latency=latency)


def _answered(rows, *, answered: int = 50):
    """Answer metrics on the first ``answered`` queries; the candidate's judge fails on every 9th;
    answers, gold answers and contexts of every 7th query carry the payload."""
    out = []
    for r in rows:
        i = int(r.qid[1:])
        if i >= answered:
            out.append(r)
            continue
        evil = "" if i % 7 else f" {PAYLOAD}"
        failed = r.system == "finetuned" and i % 9 == 0
        found = r.metrics["recall@3"]
        metrics = {"answer.contains_gold": float(found > 0), "answer.rouge_l": 0.1 + 0.5 * found,
                   "judge.faithfulness": None if failed else 0.8}
        answer = {"text": f"answer of {r.qid}{evil}", "gold": [f"gold{evil}"],
                  "contexts": [{"doc_id": h.doc_id, "text": f"context of {h.doc_id}{evil}"} for h in r.hits[:3]]}
        if failed:
            answer["errors"] = {"judge.faithfulness": f"unparsable verdict{evil}"}
        out.append(replace(r, metrics={**r.metrics, **metrics}, meta={**r.meta, "answer": answer}))
    return out


ANSWERS_CARD = {"answers": {"generator": {"kind": "smollm2", "model": f"SmolLM2 {PAYLOAD}", "fingerprint": "g123"},
                            "judge": {"model": "judge-model", "fingerprint": "j456"}, "top_k": 3, "max_queries": 50,
                            "prompt_template_fingerprint": "p789"}}


@pytest.fixture(scope="session")
def answer_rows(evil_rows):
    return _answered(evil_rows)


@pytest.fixture(scope="session")
def answers_report(answer_rows):
    comparison = compare_rows(answer_rows, baseline="baseline", test="t-test", n_resamples=199)
    return build_report(answer_rows, {**RUN_CARD, **ANSWERS_CARD}, comparison)
