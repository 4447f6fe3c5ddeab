"""Shared fixtures: a loopback OpenAI-compatible server, a tiny corpus with gold answers, hits."""

from __future__ import annotations

import pytest

from ragshift.harness.corpus.model import Corpus
from support.chat_server import ChatServer, ChatServerState
from ragshift.harness.types import Document, Hit, Query

DOCS = {
    "d1": ("Eiffel Tower", "The Eiffel Tower is in Paris. The Eiffel Tower was finished in 1889."),
    "d2": ("Marie Curie", "Marie Curie was born in Warsaw. She won two Nobel Prizes."),
    "d3": ("Rome", "Rome is the capital of Italy. It has many fountains."),
}
QUERIES = {
    "q1": ("When was the Eiffel Tower finished?", "when", ("1889",)),
    "q2": ("Where was Marie Curie born?", "where", ("Warsaw", "in Warsaw, Poland")),
    "q3": ("How many Nobel Prizes did she win?", "how_many", ("two",)),
}
QRELS = {"q1": {"d1": 1}, "q2": {"d2": 1}, "q3": {"d2": 1}}


@pytest.fixture(scope="session")
def chat_server():
    with ChatServer(ChatServerState()) as server:
        yield server


@pytest.fixture
def server(chat_server: ChatServer) -> ChatServer:
    chat_server.reset()
    return chat_server


@pytest.fixture
def corpus() -> Corpus:
    return Corpus(
        "mini",
        {d: Document(d, text, title) for d, (title, text) in DOCS.items()},
        {q: Query(q, text, query_type=qtype, split="test") for q, (text, qtype, _) in QUERIES.items()},
        QRELS,
        {q: gold for q, (_, _, gold) in QUERIES.items()},
    )


def hits(*ranked: str) -> list[Hit]:
    return [Hit(d, 1.0 - i / 10, chunk_id=f"{d}#0", text=DOCS[d][1]) for i, d in enumerate(ranked)]


@pytest.fixture
def good_hits() -> dict[str, list[Hit]]:
    """The relevant document first for every query."""
    return {"q1": hits("d1", "d3"), "q2": hits("d2", "d1"), "q3": hits("d2", "d3")}


@pytest.fixture
def bad_hits() -> dict[str, list[Hit]]:
    """Marie Curie's queries retrieve Rome instead."""
    return {"q1": hits("d1", "d3"), "q2": hits("d3", "d1"), "q3": hits("d3", "d1")}
