"""BM25 over chunks with bm25s + PyStemmer; a document scores as its best chunk.

One bm25s index answers both paths: ``BM25Retriever.retrieve`` (what a run evaluates: all queries of
a call in one bm25s batch) and ``as_llama_index()`` (llama-index-retrievers-bm25's ``BM25Retriever``
over the very same index object, for LlamaIndex apps). Both tokenise with ``bm25s.tokenize`` under
the same settings, so they rank alike (tests/systems/test_bm25.py checks it).
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.types import Chunk, Document, Hit, Query

if TYPE_CHECKING:
    from llama_index.retrievers.bm25 import BM25Retriever as LlamaBM25Retriever

METHODS = ("robertson", "lucene", "atire", "bm25l", "bm25+")
_ENGLISH = ("en", "english")


@dataclass(frozen=True)
class BM25Settings:
    """BM25 parameters and the tokeniser: bm25s' regex split, a stopword list, a PyStemmer stemmer.

    ``stopwords`` is a bm25s list name ("en", "de", ...) or "none"; ``stemmer`` a PyStemmer
    algorithm ("english", "porter", ...) or "none". ``fanout`` chunks are fetched per wanted
    document (doubling until enough distinct documents are found) when documents have several chunks.
    """

    k1: float = 1.5
    b: float = 0.75
    method: str = "lucene"
    stopwords: str = "en"
    stemmer: str = "english"
    token_pattern: str = r"(?u)\b\w\w+\b"
    fanout: int = 3

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"bm25 method {self.method!r} is not one of {', '.join(METHODS)}")
        if self.k1 < 0 or not 0 <= self.b <= 1:
            raise ConfigError(f"bm25 needs k1 >= 0 and 0 <= b <= 1, got k1={self.k1}, b={self.b}")
        if self.fanout < 1:
            raise ConfigError(f"bm25 fanout must be >= 1, got {self.fanout}")


class BM25Retriever:
    """Retriever over ``chunks`` (use ``from_documents`` to index whole documents)."""

    def __init__(self, chunks: Sequence[Chunk], settings: BM25Settings | None = None) -> None:
        import bm25s

        self.settings = settings or BM25Settings()
        if not chunks:
            raise ConfigError("BM25Retriever needs at least one chunk to index")
        self._chunks = list(chunks)
        self._stemmer = _stemmer(self.settings.stemmer)
        self._fanout = self.settings.fanout if len({c.doc_id for c in chunks}) < len(chunks) else 1
        self._positions = np.arange(len(self._chunks))
        s = self.settings
        self._bm25 = bm25s.BM25(k1=s.k1, b=s.b, method=s.method)
        self._bm25.index(self._tokenize([c.text for c in self._chunks], ids=True), show_progress=False)
        self._fingerprint: str | None = None
        self._llama_corpus: list[dict[str, Any]] | None = None

    @classmethod
    def from_documents(
        cls, documents: Mapping[str, Document] | Sequence[Document], settings: BM25Settings | None = None
    ) -> BM25Retriever:
        """One chunk per document (title and body), as BEIR evaluates BM25."""
        from ragshift.harness.chunking import WholeDocumentChunker

        docs = list(documents.values()) if isinstance(documents, Mapping) else list(documents)
        return cls(WholeDocumentChunker().chunk(docs), settings)

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        """Top ``k`` documents a query; only documents sharing a term with it (score > 0)."""
        if not queries:
            return {}
        out: dict[str, list[Hit]] = {q.qid: [] for q in queries}
        vocab = self._bm25.vocab_dict
        tokens = [[t for t in toks if t and t in vocab] for toks in self._tokenize([q.text for q in queries])]
        active = [(q.qid, toks) for q, toks in zip(queries, tokens) if toks]
        total = len(self._chunks)
        n = min(total, k * self._fanout)
        while active and k > 0:
            indices, scores = self._bm25.retrieve(
                [toks for _, toks in active], k=n, corpus=self._positions, show_progress=False
            )
            waiting = []
            for (qid, toks), rows, values in zip(active, indices, scores):
                hits = self._best_chunk_per_doc(rows, values)
                if len(hits) >= k or n >= total or values[-1] <= 0:
                    out[qid] = hits[:k]
                else:
                    waiting.append((qid, toks))
            active, n = waiting, min(total, 2 * n)
        return out

    def as_llama_index(self, *, similarity_top_k: int = 10) -> LlamaBM25Retriever:
        """llama-index-retrievers-bm25's retriever over this same index: nodes are the chunks (node id =
        chunk id, ``metadata["doc_id"]``, the document as SOURCE), scores are the same BM25 scores."""
        from llama_index.retrievers.bm25 import BM25Retriever as LlamaBM25Retriever

        if self.settings.stopwords not in _ENGLISH:
            raise ConfigError(
                "llama-index-retrievers-bm25 removes English stopwords from queries whatever the index used; "
                f"stopwords = {self.settings.stopwords!r} would rank differently there"
            )
        if self._bm25.corpus is None:
            self._bm25.corpus = self._llama_nodes()
        return LlamaBM25Retriever(
            existing_bm25=self._bm25,
            stemmer=self._stemmer,
            similarity_top_k=similarity_top_k,
            skip_stemming=self._stemmer is None,
            token_pattern=self.settings.token_pattern,
        )

    def fingerprint(self) -> str:
        """Library versions (the tokeniser and scorer are theirs), every setting, and the chunks."""
        if self._fingerprint is None:
            chunks = [(c.chunk_id, c.doc_id, text_hash(c.text)) for c in self._chunks]
            self._fingerprint = stable_hash({"retriever": "bm25", **self._library(), **asdict(self.settings), "chunks": chunks})
        return self._fingerprint

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "bm25",
            **self._library(),
            **asdict(self.settings),
            "chunks": len(self._chunks),
            "documents": len({c.doc_id for c in self._chunks}),
            "fingerprint": self.fingerprint(),
        }

    def _best_chunk_per_doc(self, rows: np.ndarray, values: np.ndarray) -> list[Hit]:
        best: dict[str, Hit] = {}
        for row, value in zip(rows.tolist(), values.tolist()):
            if value <= 0:
                break
            chunk = self._chunks[row]
            if chunk.doc_id not in best or value > best[chunk.doc_id].score:
                best[chunk.doc_id] = Hit(chunk.doc_id, float(value), chunk_id=chunk.chunk_id, text=chunk.text)
        return sorted(best.values(), key=lambda h: (-h.score, h.doc_id))

    def _tokenize(self, texts: list[str], *, ids: bool = False) -> Any:
        import bm25s

        s = self.settings
        return bm25s.tokenize(
            texts,
            stopwords=None if s.stopwords == "none" else s.stopwords,
            stemmer=self._stemmer,
            token_pattern=s.token_pattern,
            return_ids=ids,
            show_progress=False,
        )

    def _llama_nodes(self) -> list[dict[str, Any]]:
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        nodes = []
        for c in self._chunks:
            node = TextNode(
                id_=c.chunk_id,
                text=c.text,
                metadata={"doc_id": c.doc_id, "position": c.position},
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=c.doc_id)},
            )
            nodes.append(node_to_metadata_dict(node) | {"node_id": c.chunk_id})
        return nodes

    @staticmethod
    def _library() -> dict[str, str]:
        return {"bm25s": importlib.metadata.version("bm25s"), "pystemmer": importlib.metadata.version("PyStemmer")}


def _stemmer(name: str) -> Any:
    if name == "none":
        return None
    import Stemmer

    if name not in Stemmer.algorithms():
        raise ConfigError(f"unknown stemmer {name!r}; PyStemmer has: none, {', '.join(Stemmer.algorithms())}")
    return Stemmer.Stemmer(name)
