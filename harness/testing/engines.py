"""A deterministic fake ``EmbeddingEngine`` and the contract every engine passes.

``ReplayingEngine`` behaves like a distributed engine at its worst: batches come back out of order,
one comes back twice (a retried task), and ``lose`` keys never come back (a lost result) — what the
writer (``ragshift.harness.shipping.reindex.embed_into``) must survive. Subclass ``EmbeddingEngineContract``
and provide a ``make_engine`` fixture returning ``(engine, embedder)``: the engine under test and an
embedder whose ``embed_documents`` its vectors must equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from ragshift.harness.protocols import Embedder, EmbeddingEngine

CONTRACT_ITEMS = tuple(
    (f"k{i}", text)
    for i, text in enumerate(
        [
            "Reset the router by holding the button for ten seconds.",
            "Invoices are emailed on the first business day of each month.",
            "Refunds take five to seven days to appear on your statement.",
            "Our office is closed on public holidays.",
            "The cafeteria serves hot lunch from noon until two.",
            "To reset your password, open account settings.",
            "Parking badges are renewed every January.",
        ]
    )
)
CONTRACT_VOCABULARY = ("reset", "router", "invoices", "refunds", "office", "lunch", "password", "parking")


class ReplayingEngine:
    """Embeds with ``embedder`` in this process; yields batches last-first, the last one twice more."""

    def __init__(self, embedder: Embedder, *, lose: int = 0) -> None:
        self.embedder = embedder
        self.lose = lose
        self.sent: list[str] = []
        """Every key it was asked to embed, in order (what a test checks was *not* sent)."""

    def embed(self, items: Sequence[tuple[str, str]], *, batch_size: int) -> Iterator[tuple[list[str], np.ndarray]]:
        self.sent += [key for key, _ in items]
        kept = list(items)[: len(items) - self.lose] if self.lose else list(items)
        batches = [kept[at : at + batch_size] for at in range(0, len(kept), batch_size)]
        for part in [*reversed(batches), *batches[:1]]:
            yield [key for key, _ in part], self.embedder.embed_documents([text for _, text in part])

    def describe(self) -> Mapping[str, Any]:
        return {"engine": "replaying fake", "lose": self.lose}


MakeEngine = Callable[[], tuple[EmbeddingEngine, Embedder]]


class EmbeddingEngineContract:
    """Mixin of pytest tests for an ``EmbeddingEngine`` (needs a ``make_engine`` fixture)."""

    atol: ClassVar[float] = 1e-5
    batch_size: ClassVar[int] = 3

    def test_embeds_every_text_as_the_embedder_does(self, make_engine: MakeEngine) -> None:
        engine, embedder = make_engine()
        assert isinstance(engine, EmbeddingEngine)
        assert "engine" in engine.describe()
        texts = dict(CONTRACT_ITEMS)
        got: dict[str, np.ndarray] = {}
        for keys, vectors in engine.embed(CONTRACT_ITEMS, batch_size=self.batch_size):
            assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
            assert vectors.shape == (len(keys), embedder.dimension) and 0 < len(keys) <= self.batch_size
            assert set(keys) <= set(texts)
            got.update(zip(keys, vectors))
        assert set(got) == set(texts)
        expected = embedder.embed_documents([texts[k] for k in sorted(got)])
        np.testing.assert_allclose(np.stack([got[k] for k in sorted(got)]), expected, atol=self.atol)

    def test_nothing_to_embed_yields_nothing(self, make_engine: MakeEngine) -> None:
        engine, _ = make_engine()
        assert list(engine.embed([], batch_size=self.batch_size)) == []
