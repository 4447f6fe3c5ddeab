"""Label-free sources: chunking, title / inverse cloze / crops, doc2query with its cache and time budget."""

from __future__ import annotations

import pytest
from fakes import Doc2QueryGenerator, words

from ragshift.harness.finetune.generated import generated_pairs, parse_queries
from ragshift.harness.finetune.options import CropSource, GeneratedSource, InverseClozeSource, TitleSource
from ragshift.harness.finetune.pseudo_cache import PseudoQueryCache
from ragshift.harness.finetune.sources import Passage, cheap_pairs, chunk_documents, sentences
from ragshift.harness.types import Document

BODY = (
    "Vitamin D is made in the skin under sunlight. Deficiency weakens bones in adults. "
    "Supplements restore normal levels within weeks. Doctors measure it with a blood test."
)
DOCS = [
    Document("vit", BODY, title="Vitamin D and bones"),
    Document("sleep", "Adults need seven hours of sleep. Short sleep raises blood pressure. Naps do not fully help."),
    Document("short", "Too short."),
]


def passages() -> list[Passage]:
    return chunk_documents(DOCS, chunk_words=0)


def test_chunks_are_documents_or_word_windows() -> None:
    whole = chunk_documents(DOCS, chunk_words=0)
    assert [p.chunk_id for p in whole] == ["vit#0", "sleep#0", "short#0"]
    assert whole[0].full_text == f"Vitamin D and bones\n{BODY}"
    windows = chunk_documents(DOCS[:1], chunk_words=10)
    assert [p.chunk_id for p in windows] == ["vit#0", "vit#1", "vit#2"] and windows[1].position == 1
    assert " ".join(p.text for p in windows) == " ".join(BODY.split())
    assert all(p.title == "Vitamin D and bones" for p in windows)


def test_title_source_pairs_title_with_body_of_first_chunk_only() -> None:
    pairs, stats = cheap_pairs("title", TitleSource(), passages(), seed=0)
    assert [(p.query, p.positive, p.doc_id) for p in pairs] == [("Vitamin D and bones", BODY, "vit")]
    assert stats == {"chunks_usable": 1, "chunks_used": 1, "pairs": 1}
    windows = chunk_documents(DOCS[:1], chunk_words=10)
    assert len(cheap_pairs("title", TitleSource(), windows, seed=0)[0]) == 1


def test_inverse_cloze_removes_the_query_sentence_from_its_positive() -> None:
    pairs, stats = cheap_pairs("inverse_cloze", InverseClozeSource(per_chunk=2), passages(), seed=3)
    assert stats["chunks_usable"] == 2 and len(pairs) == 4  # "short" has one sentence
    for p in pairs:
        assert p.query in sentences(BODY) + sentences(DOCS[1].text)
        assert p.query not in p.positive
        assert len(sentences(p.positive.split("\n")[-1])) == len(sentences(next(d.text for d in DOCS if d.doc_id == p.doc_id))) - 1
    assert pairs[0].positive.startswith("Vitamin D and bones\n")


def test_crops_are_spans_of_the_chunk_and_seeded_per_chunk() -> None:
    spec = CropSource(per_chunk=3, query_words=(3, 5), min_words=10)
    pairs, _ = cheap_pairs("crop", spec, passages(), seed=1)
    assert len(pairs) == 6
    for p in pairs:
        text = " ".join(next(x for x in passages() if x.chunk_id == p.chunk_id).full_text.split())
        assert p.query in text and p.positive in text and 3 <= len(p.query.split()) <= 5
    alone, _ = cheap_pairs("crop", spec, passages()[:1], seed=1)
    assert alone == [p for p in pairs if p.doc_id == "vit"]  # a chunk's pairs do not depend on the others
    assert cheap_pairs("crop", spec, passages(), seed=2)[0] != pairs


def test_max_chunks_is_a_seeded_sample() -> None:
    many = chunk_documents([Document(f"d{i}", f"word{i} " * 40) for i in range(20)], chunk_words=0)
    spec = CropSource(max_chunks=5, min_words=10)
    first, stats = cheap_pairs("crop", spec, many, seed=4)
    assert stats["chunks_usable"] == 20 and stats["chunks_used"] == 5 and len(first) == 5
    assert cheap_pairs("crop", spec, many, seed=4)[0] == first


def test_parse_queries_strips_numbering_and_drops_copies() -> None:
    passage = passages()[0]
    answer = '1. "How is vitamin D made?"\n- x\nQuery: vitamin D is made in the skin, under sunlight\nhow is vitamin d made?\n2) does sun help bones'
    assert parse_queries(answer, passage, limit=5) == ["How is vitamin D made?", "does sun help bones"]
    assert parse_queries(answer, passage, limit=1) == ["How is vitamin D made?"]


def test_generated_queries_are_cached_by_chunk_and_source(tmp_path) -> None:
    cache = PseudoQueryCache(tmp_path / "pq.sqlite")
    spec = GeneratedSource()
    gen = Doc2QueryGenerator()
    pairs, stats = generated_pairs(spec, passages(), generator=gen, cache=cache, seed=0)
    assert [p.query for p in pairs] == ["what about a blood test?", "what about not fully help?", "what about Too short?"]
    assert stats["generated"] == 3 and stats["cached"] == 0 and stats["pairs"] == len(pairs) == 3
    assert all(p.positive == next(x.full_text for x in passages() if x.chunk_id == p.chunk_id) for p in pairs)
    assert gen.prompts[0].startswith("Vitamin D and bones\n") and gen.prompts[0].endswith("Reply with the question only.")
    again = Doc2QueryGenerator()
    same, stats2 = generated_pairs(spec, passages(), generator=again, cache=cache, seed=0)
    assert same == pairs and stats2["cached"] == 3 and stats2["generated"] == 0 and not again.prompts
    other = Doc2QueryGenerator()
    generated_pairs(GeneratedSource(system="Other."), passages(), generator=other, cache=cache, seed=0)
    assert len(other.prompts) == 3  # another prompt is another source fingerprint


def test_time_budget_stops_generation_and_counts_what_was_left(tmp_path) -> None:
    many = chunk_documents([Document(f"d{i}", f"text number {i} about topic {i}") for i in range(12)], chunk_words=0)
    spec = GeneratedSource(time_budget_s=0.05)
    pairs, stats = generated_pairs(spec, many, generator=Doc2QueryGenerator(delay=0.03), cache=PseudoQueryCache(tmp_path / "c"), seed=0)
    assert stats["generated"] == 4 and stats["skipped_time_budget"] == 8 and stats["chunks_used"] == 4
    assert len(pairs) == 4


@pytest.mark.parametrize("user", ["no placeholder", "{passage} {question}", "{passage"])
def test_generated_prompt_is_validated(user: str) -> None:
    with pytest.raises(ValueError, match="user prompt"):
        GeneratedSource(user=user)


def test_overlap_helper() -> None:
    assert words("A b, a") == {"a", "b"}
