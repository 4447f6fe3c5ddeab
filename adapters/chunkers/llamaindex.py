"""Token-bounded, sentence-respecting chunks from LlamaIndex's ``SentenceSplitter``."""

from __future__ import annotations

from importlib.metadata import version
from typing import Sequence

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.runtime import prepare_environment
from ragshift.harness.types import Chunk, Document


class SentenceSplitterChunker:
    """Splits ``Document.full_text`` into chunks of at most ``size`` tokens overlapping by ``overlap``.

    Tokens are counted with tiktoken's ``encoding`` (LlamaIndex's default is cl100k_base), passed
    explicitly so a global tokenizer set elsewhere cannot silently change the chunks.
    """

    def __init__(self, size: int = 256, overlap: int = 32, *, encoding: str = "cl100k_base") -> None:
        if size <= 0 or overlap < 0:
            raise ConfigError(f"chunk size must be > 0 and overlap >= 0, got size={size}, overlap={overlap}")
        if overlap >= size:
            raise ConfigError(f"chunk overlap ({overlap}) must be smaller than chunk size ({size})")
        self.size = size
        self.overlap = overlap
        self.encoding = encoding
        self._splitter = None

    def _split(self, text: str) -> list[str]:
        if self._splitter is None:
            prepare_environment()  # points tiktoken at LlamaIndex's bundled files: no download
            import tiktoken
            from llama_index.core.node_parser import SentenceSplitter

            encode = tiktoken.get_encoding(self.encoding).encode
            self._splitter = SentenceSplitter(chunk_size=self.size, chunk_overlap=self.overlap, tokenizer=encode)
        return [piece for piece in self._splitter.split_text(text) if piece.strip()]

    def chunk(self, documents: Sequence[Document]) -> list[Chunk]:
        return [
            Chunk(chunk_id=f"{d.doc_id}#{i}", doc_id=d.doc_id, text=piece, position=i, meta={"doc_id": d.doc_id})
            for d in documents
            for i, piece in enumerate(self._split(d.full_text))
        ]

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "class": type(self).__name__,
                "size": self.size,
                "overlap": self.overlap,
                "tokenizer": f"tiktoken/{self.encoding}",
                "tiktoken": version("tiktoken"),
                "llama-index-core": version("llama-index-core"),
            }
        )
