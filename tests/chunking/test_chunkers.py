import pytest
import tiktoken

from ragshift.adapters.chunkers.llamaindex import SentenceSplitterChunker
from ragshift.harness.chunking import WholeDocumentChunker
from ragshift.harness.errors import ConfigError
from ragshift.harness.protocols import Chunker
from ragshift.harness.types import Document

LONG = Document("long", " ".join(f"Sentence {i} talks about topic {i % 7} at some length." for i in range(60)), "A title")
SHORT = Document("short", "Just one line.")


def test_whole_document_chunker_keeps_title_and_body():
    chunks = WholeDocumentChunker().chunk([LONG, SHORT])
    assert [(c.chunk_id, c.doc_id, c.position) for c in chunks] == [("long#0", "long", 0), ("short#0", "short", 0)]
    assert chunks[0].text == LONG.full_text and chunks[0].text.startswith("A title\n")


def test_chunkers_satisfy_the_protocol_with_stable_distinct_fingerprints():
    whole, split = WholeDocumentChunker(), SentenceSplitterChunker()
    assert isinstance(whole, Chunker) and isinstance(split, Chunker)
    assert whole.fingerprint() == WholeDocumentChunker().fingerprint()
    assert split.fingerprint() == SentenceSplitterChunker(256, 32).fingerprint()
    fingerprints = {
        whole.fingerprint(),
        split.fingerprint(),
        SentenceSplitterChunker(128, 32).fingerprint(),
        SentenceSplitterChunker(256, 16).fingerprint(),
        SentenceSplitterChunker(256, 32, encoding="o200k_base").fingerprint(),
    }
    assert len(fingerprints) == 5


def test_sentence_splitter_ids_positions_and_doc_ids():
    chunks = SentenceSplitterChunker(48, 8).chunk([LONG, SHORT])
    long_chunks = [c for c in chunks if c.doc_id == "long"]
    assert len(long_chunks) > 5
    assert [c.chunk_id for c in long_chunks] == [f"long#{i}" for i in range(len(long_chunks))]
    assert [c.position for c in long_chunks] == list(range(len(long_chunks)))
    assert all(c.meta["doc_id"] == c.doc_id for c in chunks)
    assert [c.chunk_id for c in chunks if c.doc_id == "short"] == ["short#0"]


def test_sentence_splitter_respects_size_and_covers_every_sentence():
    chunks = SentenceSplitterChunker(48, 8).chunk([LONG])
    encode = tiktoken.get_encoding("cl100k_base").encode
    assert max(len(encode(c.text)) for c in chunks) <= 48
    assert chunks[0].text.startswith("A title")
    for i in range(60):
        assert any(f"Sentence {i} talks" in c.text for c in chunks), i


def test_sentence_splitter_is_deterministic():
    assert SentenceSplitterChunker(48, 8).chunk([LONG]) == SentenceSplitterChunker(48, 8).chunk([LONG])


@pytest.mark.parametrize("size, overlap", [(32, 32), (32, 40), (0, 0), (32, -1)])
def test_sentence_splitter_rejects_bad_sizes(size, overlap):
    with pytest.raises(ConfigError):
        SentenceSplitterChunker(size, overlap)
