"""Two keyword retrievers over six tiny documents whose top-2 lists agree, half agree or share nothing.

current: vocabulary cat, dog, fish, bird. candidate: vocabulary cat, dog only, and every query is
prefixed with "cat " — so "cat" ranks the same, "dog" half changes, "bird" changes completely.
"""

from __future__ import annotations

import pytest

from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.retrievers import ExactRetriever
from ragshift.harness.types import Document, Query

DOCS = {
    "d1": Document("d1", "The cat naps.", "Cats"),
    "d2": Document("d2", "A cat and a dog share a sofa.", "Pets"),
    "d3": Document("d3", "The dog barks.", "Dogs"),
    "d4": Document("d4", "A fish swims.", "Fish"),
    "d5": Document("d5", "A bird sings.", "Birds"),
    "d6": Document("d6", "The fish watches the bird.", "Pond"),
}
QUERIES = [Query("q-cat", "cat"), Query("q-dog", "dog"), Query("q-bird", "bird")]


@pytest.fixture
def docs() -> dict[str, Document]:
    return dict(DOCS)


@pytest.fixture
def current() -> ExactRetriever:
    return ExactRetriever(KeywordEmbedder(["cat", "dog", "fish", "bird"]), DOCS)


@pytest.fixture
def candidate() -> ExactRetriever:
    return ExactRetriever(KeywordEmbedder(["cat", "dog"], query_prompt="cat "), DOCS)


@pytest.fixture
def queries() -> list[Query]:
    return list(QUERIES)
