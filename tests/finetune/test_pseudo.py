"""The pseudo-query set: held-out positives, the synthetic leakage guard, the consistency filter, the rows."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fakes import Doc2QueryGenerator, OverlapTeacher
from finetune_fixtures import make_corpus

from ragshift.harness.finetune.consistency import own_chunk_ranks
from ragshift.harness.finetune.data import build_training_set
from ragshift.harness.finetune.leakage import QueryItem
from ragshift.harness.finetune.options import ConsistencyFilter, CropSource, GeneratedSource, Sources, TitleSource
from ragshift.harness.finetune.pseudo import build_pseudo_set
from ragshift.harness.finetune.pseudo_cache import PseudoQueryCache
from ragshift.harness.testing.embedders import KeywordEmbedder, tokenize
from ragshift.harness.types import Document

MANUALS = {
    "m-print": ("Printer manual", "Load paper in tray two. Send jobs from the print portal. Collect pages with your badge at the printer."),
    "m-vpn": ("VPN manual", "Install the client first. Sign in with your company email. Pick the nearest server from the list."),
    "m-pto": ("Vacation policy", "Request vacation two weeks ahead. Your manager approves the request. Unused days expire in March."),
}


def corpus():
    base = make_corpus(leak=False)
    docs = {d: Document(d, body, title=title) for d, (title, body) in MANUALS.items()}
    return replace(base, documents={**base.documents, **docs})


def embedder(c) -> KeywordEmbedder:
    vocab = sorted({w for d in c.documents.values() for w in tokenize(d.full_text)})
    return KeywordEmbedder(vocab)


def held_out(c):
    return QueryItem.from_corpus(c, c.select("test"))


def build(sources: Sources, **kw):
    c = corpus()
    return c, build_pseudo_set(sources, c, held_out=held_out(c), embedder=embedder(c), seed=0, near_duplicate=0.8, **kw)


def test_eval_positives_stay_out_and_pairs_point_at_their_documents() -> None:
    c, pseudo = build(Sources(title=TitleSource(), crop=CropSource(min_words=6, query_words=(2, 4))))
    banned = {"print", "exp", "pto"}  # relevant to the test queries e1..e3
    assert not {d for q in pseudo.qrels.values() for d in q} & banned
    assert pseudo.summary["chunks"] == 23 and pseudo.summary["chunks_held_out"] == 3
    assert {q.meta["source"] for q in pseudo.queries} == {"title", "crop"}
    title = next(q for q in pseudo.queries if q.text == "Printer manual")
    assert pseudo.qrels[title.qid] == {"m-print": 1}
    assert pseudo.positive_texts[(title.qid, "m-print")] == MANUALS["m-print"][1]
    assert all(q.qid.startswith("syn:") and q.split == "synthetic" for q in pseudo.queries)
    assert pseudo.summary["sources"]["title"]["kept"] == 3
    augmented = pseudo.augment(c)
    assert set(augmented.queries) == set(c.queries) | {q.qid for q in pseudo.queries}
    assert augmented.documents == c.documents


def test_a_pseudo_query_near_identical_to_an_eval_query_is_dropped_and_counted() -> None:
    c = corpus()
    docs = dict(c.documents)
    docs["m-vpn"] = Document("m-vpn", MANUALS["m-vpn"][1], title="How can I print from my laptop")  # = eval query e1
    c = replace(c, documents=docs)
    pseudo = build_pseudo_set(Sources(title=TitleSource()), c, held_out=held_out(c), embedder=embedder(c), seed=0,
                              near_duplicate=0.8)
    assert "How can I print from my laptop" not in {q.text for q in pseudo.queries}
    assert pseudo.summary["sources"]["title"]["leakage_dropped"] == 1


def test_consistency_filter_keeps_queries_that_find_their_own_chunk() -> None:
    spec = Sources(crop=CropSource(min_words=6, query_words=(2, 3), per_chunk=3), filter=ConsistencyFilter(top_k=1))
    c, pseudo = build(spec)
    stats = pseudo.summary["sources"]["crop"]["filter"]
    assert stats["pairs"] == stats["kept"] + stats["failed_top_k"] and stats["failed_top_k"] > 0
    assert stats["kept"] == pseudo.summary["sources"]["crop"]["kept"] == len(pseudo.queries) > 0
    emb = embedder(c)
    from ragshift.harness.finetune.sources import chunk_documents

    chunks = chunk_documents(c.documents.values(), chunk_words=0)
    own = [next(i for i, p in enumerate(chunks) if p.doc_id == next(iter(pseudo.qrels[q.qid]))) for q in pseudo.queries]
    ranks = own_chunk_ranks([q.text for q in pseudo.queries], own, emb.embed_documents([p.full_text for p in chunks]), emb)
    assert (ranks == 1).all()


def test_teacher_filter_and_either_test() -> None:
    teacher = OverlapTeacher()
    strict = Sources(title=TitleSource(), filter=ConsistencyFilter(top_k=None, teacher_min=0.99))
    _, none = build(strict, teacher=teacher)
    assert len(none.queries) == 0 and none.summary["sources"]["title"]["filter"]["failed_teacher"] == 3
    loose = Sources(title=TitleSource(), filter=ConsistencyFilter(top_k=1, teacher_min=0.99, require="any"))
    _, some = build(loose, teacher=teacher)
    assert 0 < len(some.queries) <= 3
    with pytest.raises(ValueError, match="teacher_min needs a teacher"):
        build(strict)


def test_generated_source_runs_through_the_cache(tmp_path) -> None:
    gen = Doc2QueryGenerator()
    spec = Sources(generated=GeneratedSource(max_chunks=4))
    _, pseudo = build(spec, generator=gen, cache=PseudoQueryCache(tmp_path / "pq.sqlite"))
    assert len(gen.prompts) == 4 and pseudo.summary["sources"]["generated"]["generated"] == 4
    assert all(q.text.startswith("what about") for q in pseudo.queries)
    with pytest.raises(ValueError, match="needs a generator"):
        build(spec)


def test_rows_use_the_pseudo_positive_text_and_block_the_source_document_in_a_batch() -> None:
    c, pseudo = build(Sources(title=TitleSource()))
    augmented = pseudo.augment(c)
    train = [q for q in c.queries.values() if q.split == "train"]
    rows = build_training_set(
        augmented, [*train, *pseudo.queries], loss="mnrl", mined=None, per_query=1, seed=0,
        near_duplicate=0.8, duplicate_documents=0.9, positive_texts=pseudo.positive_texts,
    )
    assert ("VPN manual", MANUALS["m-vpn"][1]) in rows.rows
    i = rows.rows.index(("VPN manual", MANUALS["m-vpn"][1]))
    t6 = rows.rows.index(("How do I connect to the VPN?", c.documents["vpn"].full_text))
    assert rows.occupies[i] != rows.occupies[t6]
    # the pseudo row occupies its *source* document's key: a real row judged on m-vpn could not share its batch
    assert any(k.startswith("d") for k in rows.occupies[i] - {k for k in rows.occupies[i] if k.startswith(("t:", "q"))})


def test_hold_out_positives_false_draws_from_every_chunk_but_still_drops_leaked_queries() -> None:
    c, pseudo = build(Sources(crop=CropSource(min_words=6, query_words=(2, 4)), hold_out_positives=False))
    assert pseudo.summary["chunks_held_out"] == 0
    assert {d for q in pseudo.qrels.values() for d in q} >= {"print", "exp", "pto"}  # the eval positives too
    docs = dict(c.documents)
    docs["print"] = replace(docs["print"], title="How can I print from my laptop")  # = eval query e1, its positive
    c = replace(c, documents=docs)
    pseudo = build_pseudo_set(Sources(title=TitleSource(), hold_out_positives=False), c, held_out=held_out(c),
                              embedder=embedder(c), seed=0, near_duplicate=0.8)
    assert pseudo.summary["sources"]["title"]["leakage_dropped"] == 1
    assert "How can I print from my laptop" not in {q.text for q in pseudo.queries}
