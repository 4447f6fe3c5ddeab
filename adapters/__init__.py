"""Adapters: the only place that imports heavy libraries (torch, sentence-transformers, chromadb,
llama_index, ragas). Each implements a Protocol from ``ragshift.harness.protocols``."""
