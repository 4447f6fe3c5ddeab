import pytest

from ragshift.adapters.chunkers.llamaindex import SentenceSplitterChunker
from ragshift.adapters.stores.chroma import ChromaStore
from ragshift.harness.chunking import WholeDocumentChunker
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.protocols import VectorStore
from ragshift.harness.testing.embedders import CountingEmbedder, KeywordEmbedder
from ragshift.harness.testing.stores import MemoryStore
from ragshift.harness.types import Document, Query

VOCABULARY = ["cat", "dog", "fish", "bird", "food", "sleep", "water", "fly", "run", "vet"]

TEXTS = {
    "d1": ("Cats", "The cat sleeps all day. A cat likes fish and a cat likes sleep."),
    "d2": ("Dogs", "The dog runs outside. A dog will run to the vet. Dogs need food and water."),
    "d3": ("Fish", "Fish live in water. Fish food floats on water. A fish does not sleep much."),
    "d4": ("Birds", "A bird can fly. The bird eats food. Birds fly over water and fly home."),
    "d5": ("Vets", "The vet treats a dog, a cat and a bird. The vet sees the dog twice."),
    "d6": (
        "Long",
        " ".join(f"Note {i}: the cat and the dog share food and water before they sleep." for i in range(12)),
    ),
}
QUERIES = {
    "q1": "cat sleep",
    "q2": "dog run vet",
    "q3": "fish water",
    "q4": "bird fly food",
    "q5": "cat food water",
}


@pytest.fixture
def corpus() -> Corpus:
    docs = {d: Document(d, text, title) for d, (title, text) in TEXTS.items()}
    return Corpus("tiny", docs, {q: Query(q, t) for q, t in QUERIES.items()})


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder(KeywordEmbedder(VOCABULARY, query_prompt="q: "))


@pytest.fixture(params=["whole", "split"])
def chunker(request):
    # Small split chunks give the long document many chunks, which collapsing must handle.
    return WholeDocumentChunker() if request.param == "whole" else SentenceSplitterChunker(24, 4)


@pytest.fixture(params=["chroma", "memory"])
def store(request, tmp_path) -> VectorStore:
    """Every pipeline test runs against embedded Chroma and against the in-memory fake store."""
    return ChromaStore(tmp_path / "chroma") if request.param == "chroma" else MemoryStore()
