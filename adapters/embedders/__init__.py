"""Embedder adapters (sentence-transformers, LlamaIndex, OpenAI-compatible servers) and their factory."""

from ragshift.adapters.embedders.factory import build_embedder

__all__ = ["build_embedder"]
