"""answer_rows: per-query rows with answer metrics; failures None and counted; merge; caching; HTTP end to end."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ragshift.harness.answers import (
    AnswerCache, AnswersConfig, CachedGenerator, CachedJudge, answer_rows, failure_counts, merge_rows,
)
from ragshift.harness.errors import RagshiftError
from support.chat_server import MALFORMED
from ragshift.harness.testing.generators import ExtractiveGenerator
from ragshift.harness.testing.judges import OverlapJudge
from ragshift.harness.systems import build_answer_stage
from ragshift.harness.types import Row

OFFLINE = ("ctx.id_recall", "answer.contains_gold", "answer.rouge_l")


def rows_for(corpus, hits, *, system="sys", metrics=OFFLINE, judge=None, generator=None, top_k=2):
    queries = list(corpus.queries.values())
    return answer_rows(
        system, queries, hits, corpus, generator=generator or ExtractiveGenerator(), metrics=metrics, judge=judge, top_k=top_k,
    )


def column(rows, metric):
    return {r.qid: r.metrics[metric] for r in rows}


def test_one_row_per_query_with_answer_metrics_and_evidence(corpus, good_hits):
    rows = rows_for(corpus, good_hits, top_k=1)
    assert [(r.system, r.qid, r.query_type, r.split) for r in rows] == [
        ("sys", "q1", "when", "test"), ("sys", "q2", "where", "test"), ("sys", "q3", "how_many", "test"),
    ]
    assert all(set(r.metrics) == set(OFFLINE) for r in rows)
    q2 = rows[1]
    assert q2.meta["answer"] == {
        "text": "Marie Curie was born in Warsaw.",
        "gold": ["Warsaw", "in Warsaw, Poland"],
        "contexts": [{"doc_id": "d2", "text": corpus.documents["d2"].text}],
    }
    assert q2.relevant == {"d2": 1} and [h.doc_id for h in q2.hits] == ["d2"] and q2.hits[0].text is None
    assert column(rows, "answer.contains_gold") == {"q1": 1.0, "q2": 1.0, "q3": 1.0}


def test_worse_retrieval_gives_worse_answers(corpus, good_hits, bad_hits):
    good, bad = rows_for(corpus, good_hits), rows_for(corpus, bad_hits)
    assert column(bad, "ctx.id_recall") == {"q1": 1.0, "q2": 0.0, "q3": 0.0}
    assert column(bad, "answer.contains_gold") == {"q1": 1.0, "q2": 0.0, "q3": 0.0}
    assert column(good, "answer.rouge_l")["q2"] > column(bad, "answer.rouge_l")["q2"]


def test_documents_stand_in_for_hits_without_text(corpus, good_hits):
    bare = {q: [replace(h, text=None) for h in hs] for q, hs in good_hits.items()}
    rows = rows_for(corpus, bare, top_k=1)
    assert rows[0].meta["answer"]["contexts"][0]["text"] == corpus.documents["d1"].full_text


def test_failed_judge_verdicts_are_none_and_counted(corpus, bad_hits):
    judge = OverlapJudge(fail_on=("Eiffel",))
    rows = rows_for(corpus, bad_hits, metrics=("judge.faithfulness",), judge=judge)
    failed = [r for r in rows if "Eiffel" in r.meta["answer"]["text"]]
    assert [r.qid for r in failed] == ["q1", "q2"]
    assert failed and all(r.metrics["judge.faithfulness"] is None for r in failed)
    assert all(r.meta["answer"]["errors"] == {"judge.faithfulness": "ScriptedFailure: unparsable verdict"} for r in failed)
    assert all(r.meta["answer"]["failures"] == {"judge.faithfulness": 1} for r in failed)
    assert all(r.metrics["judge.faithfulness"] == 1.0 for r in rows if r not in failed)
    assert failure_counts(rows) == {"sys": {"judge.faithfulness": len(failed)}}


def test_judged_metric_without_judge_is_an_error(corpus, good_hits):
    with pytest.raises(RagshiftError, match="needs an LLM judge"):
        rows_for(corpus, good_hits, metrics=("judge.faithfulness",))


def test_gold_answer_metrics_skip_queries_without_gold(corpus, good_hits):
    partial = replace(corpus, answers={"q1": ("1889",)})
    rows = rows_for(partial, good_hits)
    assert rows[0].metrics["answer.contains_gold"] == 1.0
    assert rows[1].metrics["answer.contains_gold"] is None
    assert rows[1].meta["answer"]["not_applicable"] == ["answer.contains_gold", "answer.rouge_l"]
    assert failure_counts(rows) == {}
    none = rows_for(replace(corpus, answers={}), good_hits)
    assert all(set(r.metrics) == {"ctx.id_recall"} for r in none)


def test_merge_adds_answer_metrics_to_retrieval_rows(corpus, good_hits):
    answers = rows_for(corpus, good_hits)
    retrieval = [Row("sys", q, "", None, None, {"ndcg@10": 1.0}, dataset="mini") for q in corpus.queries]
    merged = merge_rows(retrieval, answers)
    assert set(merged[0].metrics) == {"ndcg@10", *OFFLINE}
    assert merged[0].dataset == "mini" and merged[0].meta["answer"]["text"]
    with pytest.raises(RagshiftError, match="no retrieval row"):
        merge_rows(retrieval[:1], answers)


def test_answer_metrics_go_through_the_comparison_unchanged(corpus, good_hits, bad_hits):
    from ragshift.harness.compare import compare_rows

    rows = rows_for(corpus, bad_hits, system="base") + rows_for(corpus, good_hits, system="tuned")
    comparison = compare_rows(rows, baseline="base", n_resamples=99)
    (pair,) = comparison.pairs
    overall = {t.metric: t for t in pair.tests if t.slice.label == "all"}
    assert set(overall) >= set(OFFLINE)
    assert overall["answer.contains_gold"].stats.delta == pytest.approx(2 / 3)
    assert {t.slice.label for t in pair.tests if t.metric == "answer.contains_gold"} >= {"query_type=where", "query_type=how_many"}


def test_generator_cache_answers_repeated_prompts(corpus, good_hits, bad_hits, tmp_path):
    generator = CachedGenerator(ExtractiveGenerator(), AnswerCache(tmp_path / "answers.sqlite"))
    rows_for(corpus, good_hits, generator=generator)
    assert (generator.hits, generator.misses) == (0, 3)
    rows_for(corpus, bad_hits, generator=generator)  # q1 retrieves the same contexts
    assert (generator.hits, generator.misses) == (1, 5)


def test_judge_cache_shared_across_systems(corpus, good_hits, tmp_path):
    judge = CachedJudge(OverlapJudge(), AnswerCache(tmp_path / "answers.sqlite"))
    rows_for(corpus, good_hits, metrics=("judge.faithfulness",), judge=judge, system="a")
    rows_for(corpus, good_hits, metrics=("judge.faithfulness",), judge=judge, system="b")
    assert (judge.hits, judge.misses) == (3, 3)


def http_config(server, metrics=("answer.contains_gold", "judge.faithfulness")) -> AnswersConfig:
    endpoint = {"base_url": server.base_url, "model": "rules"}
    return AnswersConfig(
        generator={"kind": "openai", **endpoint, "timeout": 10, "max_retries": 0},
        judge={**endpoint, "timeout": 10, "max_retries": 0}, metrics=metrics, top_k=2,
    )


def test_http_generator_and_judge_end_to_end_then_cached(server, corpus, good_hits, tmp_path):
    queries = list(corpus.queries.values())
    stage = build_answer_stage(http_config(server), cache_dir=tmp_path)
    rows = stage.rows("sys", queries, good_hits, corpus)
    assert [r.meta["answer"]["text"] for r in rows] == [
        "The Eiffel Tower was finished in 1889.", "Marie Curie was born in Warsaw.", "She won two Nobel Prizes.",
    ]
    assert column(rows, "judge.faithfulness") == {"q1": 1.0, "q2": 1.0, "q3": 1.0}
    assert column(rows, "answer.contains_gold") == {"q1": 1.0, "q2": 1.0, "q3": 1.0}
    calls = len(server.state.chat_requests())
    assert calls == 3 + 2 * 3  # one generation and two judge prompts per query
    again = build_answer_stage(http_config(server), cache_dir=tmp_path)
    assert again.rows("sys", queries, good_hits, corpus) == rows
    assert len(server.state.chat_requests()) == calls
    card = again.describe()
    assert card["cache"] == {"answers": {"hits": 3, "misses": 0}, "verdicts": {"hits": 3, "misses": 0}}
    assert card["prompt_template"]["user"] == "Context: {context}\nQuestion: {question}" and card["judge"]["model"] == "rules"


def test_http_malformed_judge_output_through_rows(server, corpus, good_hits, tmp_path):
    server.reset(malformed=True)
    rows = build_answer_stage(http_config(server), cache_dir=tmp_path).rows("sys", list(corpus.queries.values()), good_hits, corpus)
    assert all(r.meta["answer"]["text"] == MALFORMED for r in rows)
    assert column(rows, "judge.faithfulness") == {"q1": None, "q2": None, "q3": None}
    assert column(rows, "answer.contains_gold") == {"q1": 0.0, "q2": 0.0, "q3": 0.0}
    assert failure_counts(rows) == {"sys": {"judge.faithfulness": 3}}
    assert rows[0].meta["answer"]["errors"]["judge.faithfulness"].startswith("RagasOutputParserException")


def test_stage_fingerprint_tracks_the_prompt_template(server, tmp_path):
    base = build_answer_stage(http_config(server), cache_dir=tmp_path)
    data = http_config(server).model_dump()
    assert AnswersConfig.model_validate(data) == http_config(server)  # a dumped config loads back
    data["generator"]["prompt_template"]["system"] = "Be terse."
    other = AnswersConfig.model_validate(data)
    assert build_answer_stage(other, cache_dir=tmp_path).fingerprint() != base.fingerprint()
