"""Contract tests every Embedder passes: subclass ``EmbedderContract`` and provide ``make_embedder``.

``make_embedder(**overrides)`` must build the embedder under test, accepting at least
``query_prompt=`` and ``document_prompt=`` overrides. Embedders built with overrides are only
asked for their fingerprint, so a subclass may hand out one shared instance for the no-override call.
"""

from __future__ import annotations

import json
from typing import Callable, ClassVar

import numpy as np

from ragshift.harness.protocols import Embedder

MakeEmbedder = Callable[..., Embedder]

CONTRACT_TEXTS = (
    "How do I reset my password?",
    "To reset your password, open account settings and choose reset password.",
    "The cafeteria serves hot lunch from noon until two.",
)
"""(query, relevant document, unrelated document)."""

CONTRACT_VOCABULARY = ("reset", "password", "account", "settings", "cafeteria", "lunch", "noon")
"""A keyword vocabulary under which ``CONTRACT_TEXTS`` rank as intended."""

SAMPLE_TEXTS = (
    "Invoices are emailed on the first business day of each month.",
    "Reset the router by holding the button for ten seconds.",
    "Refunds take five to seven days to appear on your statement.",
    "Our office is closed on public holidays.",
)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


class EmbedderContract:
    """Mixin of pytest tests (importable without pytest; running them needs it); set ``normalized = False`` for embedders that don't unit-normalise."""

    normalized: ClassVar[bool] = True
    contract_texts: ClassVar[tuple[str, str, str]] = CONTRACT_TEXTS
    atol: ClassVar[float] = 1e-4

    def test_implements_protocol(self, make_embedder: MakeEmbedder) -> None:
        embedder = make_embedder()
        assert isinstance(embedder, Embedder)
        assert isinstance(embedder.dimension, int) and embedder.dimension > 0

    def test_shapes_and_dtype(self, make_embedder: MakeEmbedder) -> None:
        embedder = make_embedder()
        for count in (0, 1, 4):
            texts = list(SAMPLE_TEXTS[:count])
            for vectors in (embedder.embed_queries(texts), embedder.embed_documents(texts)):
                assert isinstance(vectors, np.ndarray)
                assert vectors.dtype == np.float32
                assert vectors.shape == (count, embedder.dimension), f"{count} texts"
                assert np.isfinite(vectors).all()

    def test_deterministic(self, make_embedder: MakeEmbedder) -> None:
        embedder = make_embedder()
        first = embedder.embed_documents(list(SAMPLE_TEXTS))
        np.testing.assert_allclose(embedder.embed_documents(list(SAMPLE_TEXTS)), first, atol=self.atol)
        np.testing.assert_allclose(
            embedder.embed_queries(list(SAMPLE_TEXTS[:2])), embedder.embed_queries(list(SAMPLE_TEXTS[:2])), atol=self.atol
        )

    def test_batch_order_and_size_do_not_matter(self, make_embedder: MakeEmbedder) -> None:
        embedder = make_embedder()
        forward = embedder.embed_documents(list(SAMPLE_TEXTS))
        backward = embedder.embed_documents(list(reversed(SAMPLE_TEXTS)))
        np.testing.assert_allclose(backward[::-1], forward, atol=self.atol)
        alone = embedder.embed_documents([SAMPLE_TEXTS[2]])
        np.testing.assert_allclose(alone[0], forward[2], atol=self.atol)

    def test_unit_norm_when_normalising(self, make_embedder: MakeEmbedder) -> None:
        if not self.normalized:
            import pytest

            pytest.skip("this embedder does not normalise")
        embedder = make_embedder()
        for vectors in (embedder.embed_queries(list(SAMPLE_TEXTS)), embedder.embed_documents(list(SAMPLE_TEXTS))):
            np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)

    def test_fingerprint_stable_across_instances(self, make_embedder: MakeEmbedder) -> None:
        first, second = make_embedder().fingerprint(), make_embedder().fingerprint()
        assert isinstance(first, str) and first
        assert first == second

    def test_fingerprint_tracks_prompts(self, make_embedder: MakeEmbedder) -> None:
        base = make_embedder().fingerprint()
        query = make_embedder(query_prompt="query: ").fingerprint()
        document = make_embedder(document_prompt="passage: ").fingerprint()
        assert len({base, query, document}) == 3

    def test_relevant_document_scores_higher(self, make_embedder: MakeEmbedder) -> None:
        embedder = make_embedder()
        query, relevant, unrelated = self.contract_texts
        q = embedder.embed_queries([query])[0]
        docs = embedder.embed_documents([relevant, unrelated])
        assert _cosine(q, docs[0]) > _cosine(q, docs[1])

    def test_describe_is_json(self, make_embedder: MakeEmbedder) -> None:
        description = make_embedder().describe()
        assert json.loads(json.dumps(dict(description))) == dict(description)
