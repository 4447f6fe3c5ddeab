"""Systems over the contract documents: the fake dense retriever and real BM25 (bm25s is cheap)."""

from __future__ import annotations

from typing import Sequence

import pytest

from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS, CONTRACT_VOCABULARY
from ragshift.harness.testing.retrievers import ExactRetriever
from ragshift.harness.types import Document


def exact(documents: Sequence[Document] = CONTRACT_DOCUMENTS) -> ExactRetriever:
    return ExactRetriever(KeywordEmbedder(CONTRACT_VOCABULARY), documents)


def bm25(documents: Sequence[Document] = CONTRACT_DOCUMENTS):
    from ragshift.adapters.retrievers.bm25 import BM25Retriever

    return BM25Retriever.from_documents(documents)


@pytest.fixture
def make_exact():
    return exact


@pytest.fixture
def make_bm25():
    return bm25
