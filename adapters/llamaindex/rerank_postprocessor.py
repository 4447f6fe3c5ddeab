"""``CrossScorerRerank``: any ragshift CrossScorer as a LlamaIndex node postprocessor (a reranker)."""

from __future__ import annotations

from typing import Any, List, Optional

from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle

from ragshift.harness.errors import ConfigError
from ragshift.harness.protocols import CrossScorer


class CrossScorerRerank(BaseNodePostprocessor):
    """Scores ``(query, node text)`` with ``scorer`` and keeps the best ``top_n`` nodes, best first.

    The node text is what an embedder would see (``MetadataMode.EMBED``), as LlamaIndex's own
    ``SentenceTransformerRerank`` does; ties keep the retriever's order. Input nodes are not modified.
    """

    top_n: int = Field(default=5, ge=1, description="Nodes kept after reranking.")
    _scorer: CrossScorer = PrivateAttr()

    def __init__(self, scorer: CrossScorer, *, top_n: int = 5, **kwargs: Any) -> None:
        if not isinstance(scorer, CrossScorer):
            raise ConfigError(f"{type(scorer).__name__} is not a CrossScorer (score, fingerprint, describe)")
        super().__init__(top_n=top_n, **kwargs)
        self._scorer = scorer

    @classmethod
    def class_name(cls) -> str:
        return "CrossScorerRerank"

    @property
    def scorer(self) -> CrossScorer:
        return self._scorer

    def _postprocess_nodes(
        self, nodes: List[NodeWithScore], query_bundle: Optional[QueryBundle] = None
    ) -> List[NodeWithScore]:
        if query_bundle is None:
            raise ValueError("CrossScorerRerank needs the query (query_bundle or query_str)")
        if not nodes:
            return []
        texts = [n.node.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
        scores = self._scorer.score([(query_bundle.query_str, text) for text in texts])
        order = sorted(range(len(nodes)), key=lambda i: (-scores[i], i))[: self.top_n]
        return [NodeWithScore(node=nodes[i].node, score=float(scores[i])) for i in order]
