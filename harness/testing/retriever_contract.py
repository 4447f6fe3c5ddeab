"""Contract tests every retrieval system passes (dense, bm25, hybrid, rerank, and their fakes).

Subclass ``RetrieverContract`` and provide the fixture ``make_retriever``: a callable
``make_retriever(documents=CONTRACT_DOCUMENTS)`` that builds the system under test over those
documents (a fresh instance per call). Set ``ranks_relevance = False`` for a system whose rankings
carry no meaning (random weights), and ``score_atol`` where scores wobble in the last digits.
"""

from __future__ import annotations

import json
import math
from typing import Callable, ClassVar, Sequence

from ragshift.harness.testing.pytest_compat import fixture, pytest

from ragshift.harness.protocols import RetrievalSystem, Retriever
from ragshift.harness.types import Document, Hit, Query

MakeRetriever = Callable[..., RetrievalSystem]

CONTRACT_DOCUMENTS = (
    Document("pw", "To reset your password, open account settings and choose reset password.", title="Password reset"),
    Document("lunch", "The cafeteria serves hot lunch from noon until two.", title="Cafeteria"),
    Document("refund", "Refunds take five to seven days to appear on your statement.", title="Refunds"),
    Document("router", "Reset the router by holding the button for ten seconds.", title="Router"),
    Document("invoice", "Invoices are emailed on the first business day of each month.", title="Invoices"),
    Document("holiday", "Our office is closed on public holidays.", title="Holidays"),
    Document("vpn", "Connect to the VPN before opening the internal wiki.", title="VPN"),
    Document("badge", "Lost badges are replaced at the front desk.", title="Badges"),
)

CONTRACT_QUERIES = (
    Query("q-password", "How do I reset my password?"),
    Query("q-refund", "when will my refund appear on the statement"),
    Query("q-lunch", "what time is lunch served in the cafeteria"),
    Query("q-none", "zebra xylophone"),
)
"""The last query shares no word with any document."""

EXPECTED_FIRST = {"q-password": "pw", "q-refund": "refund", "q-lunch": "lunch"}

CONTRACT_VOCABULARY = (
    "reset", "password", "account", "refund", "refunds", "statement", "cafeteria", "lunch", "router", "invoices",
    "holidays", "vpn", "badges",
)
"""A keyword vocabulary under which a KeywordEmbedder ranks ``EXPECTED_FIRST`` first."""


def _ranking(hits: Sequence[Hit]) -> list[str]:
    return [h.doc_id for h in hits]


class RetrieverContract:
    ranks_relevance: ClassVar[bool] = True
    score_atol: ClassVar[float] = 1e-6

    @fixture
    def system(self, make_retriever: MakeRetriever) -> RetrievalSystem:
        return make_retriever()

    def test_implements_protocol(self, system: RetrievalSystem) -> None:
        assert isinstance(system, Retriever)
        assert isinstance(system, RetrievalSystem)

    def test_every_query_gets_a_list_and_no_query_gets_none(self, system: RetrievalSystem) -> None:
        out = system.retrieve(list(CONTRACT_QUERIES), k=3)
        assert set(out) == {q.qid for q in CONTRACT_QUERIES}
        assert all(isinstance(hits, list) for hits in out.values())
        assert system.retrieve([], k=3) == {}

    def test_hits_are_documents_best_first_with_finite_scores(self, system: RetrievalSystem) -> None:
        corpus = {d.doc_id for d in CONTRACT_DOCUMENTS}
        for qid, hits in system.retrieve(list(CONTRACT_QUERIES), k=5).items():
            assert all(isinstance(h, Hit) for h in hits)
            ids = _ranking(hits)
            assert len(ids) == len(set(ids)), f"{qid}: a document appears twice: {ids}"
            assert set(ids) <= corpus
            scores = [h.score for h in hits]
            assert all(isinstance(s, float) and math.isfinite(s) for s in scores)
            assert scores == sorted(scores, reverse=True), f"{qid}: not best first: {scores}"

    def test_k_is_respected_and_a_smaller_k_is_a_prefix_up_to_ties(self, system: RetrievalSystem) -> None:
        for k in (1, 2, 5, 50):
            small = system.retrieve(list(CONTRACT_QUERIES), k=k)
            large = system.retrieve(list(CONTRACT_QUERIES), k=k + 2)
            for qid, hits in small.items():
                assert len(hits) <= min(k, len(CONTRACT_DOCUMENTS))
                head = large[qid][: len(hits)]
                assert [h.score for h in hits] == pytest.approx([h.score for h in head], abs=self.score_atol)
                # documents tied with the last one kept may be any of the tied ones
                above = [h for h in hits if h.score > hits[-1].score + self.score_atol]
                assert _ranking(above) == _ranking(head[: len(above)])
            if k >= 2:
                assert any(len(hits) >= 2 for hits in small.values())

    def test_deterministic_across_calls_and_instances(self, make_retriever: MakeRetriever) -> None:
        first, second = make_retriever(), make_retriever()
        runs = [first.retrieve(list(CONTRACT_QUERIES), k=4), first.retrieve(list(CONTRACT_QUERIES), k=4)]
        runs.append(second.retrieve(list(CONTRACT_QUERIES), k=4))
        for run in runs[1:]:
            for qid, hits in runs[0].items():
                assert _ranking(run[qid]) == _ranking(hits)
                assert [h.score for h in run[qid]] == pytest.approx([h.score for h in hits], abs=self.score_atol)

    def test_a_query_ranks_alike_alone_and_in_a_batch(self, system: RetrievalSystem) -> None:
        together = system.retrieve(list(CONTRACT_QUERIES), k=4)
        for query in CONTRACT_QUERIES:
            alone = system.retrieve([query], k=4)[query.qid]
            assert _ranking(alone) == _ranking(together[query.qid])
            assert [h.score for h in alone] == pytest.approx([h.score for h in together[query.qid]], abs=self.score_atol)

    def test_relevant_document_ranks_first(self, system: RetrievalSystem) -> None:
        if not self.ranks_relevance:
            pytest.skip("this system's rankings carry no meaning")
        out = system.retrieve(list(CONTRACT_QUERIES), k=3)
        assert {qid: _ranking(out[qid])[:1] for qid in EXPECTED_FIRST} == {q: [d] for q, d in EXPECTED_FIRST.items()}

    def test_fingerprint_is_stable_and_tracks_the_corpus(self, make_retriever: MakeRetriever) -> None:
        fingerprint = make_retriever().fingerprint()
        assert isinstance(fingerprint, str) and fingerprint
        assert make_retriever().fingerprint() == fingerprint
        edited = [
            Document(d.doc_id, d.text + " Ask IT for access.", title=d.title) if d.doc_id == "vpn" else d
            for d in CONTRACT_DOCUMENTS
        ]
        assert make_retriever(documents=edited).fingerprint() != fingerprint

    def test_describe_is_json(self, system: RetrievalSystem) -> None:
        description = dict(system.describe())
        assert json.loads(json.dumps(description)) == description
        assert "kind" in description
