"""Names derived from fingerprints, valid wherever they are used (Chroma collections)."""

from __future__ import annotations

from ragshift.harness.fingerprint import stable_hash


def collection_name(corpus_fp: str, chunker_fp: str, embedder_fp: str) -> str:
    """``"rs-" + 16 hex digits``: within Chroma's rules (3-63 chars of [a-zA-Z0-9._-], alnum ends)."""
    return "rs-" + stable_hash({"corpus": corpus_fp, "chunker": chunker_fp, "embedder": embedder_fp})
