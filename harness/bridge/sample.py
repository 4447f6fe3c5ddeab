"""The corpus sample a bridge is fitted on: seeded chunks, split by document into a fit and a held-out part."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Sequence

from ragshift.harness.cost import sample_chunks
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.protocols import Chunker
from ragshift.harness.types import Chunk, Document

MIN_TRAIN, MIN_HELDOUT = 5, 2


@dataclass(frozen=True)
class BridgeSample:
    chunks: tuple[Chunk, ...]
    heldout_docs: frozenset[str]
    fingerprint: str
    """Hash of every sampled chunk's id and text, the held-out documents and the chunker."""

    @property
    def heldout(self) -> list[bool]:
        return [c.doc_id in self.heldout_docs for c in self.chunks]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.chunks]

    def counts(self) -> dict[str, int]:
        held = sum(self.heldout)
        return {"chunks": len(self.chunks), "train": len(self.chunks) - held, "heldout": held,
                "documents": len({c.doc_id for c in self.chunks}), "heldout_documents": len(self.heldout_docs)}


def draw_sample(documents: Sequence[Document], chunker: Chunker, *, size: int, holdout: float, seed: int) -> BridgeSample:
    """Up to ``size`` chunks of seeded documents; a ``holdout`` share of their documents is held out."""
    chunks = sample_chunks(list(documents), chunker.chunk, size, seed=seed)
    doc_ids = sorted({c.doc_id for c in chunks})
    random.Random(seed).shuffle(doc_ids)
    held = frozenset(doc_ids[: min(len(doc_ids) - 1, max(1, math.ceil(holdout * len(doc_ids))))])
    n_held = sum(c.doc_id in held for c in chunks)
    if len(chunks) - n_held < MIN_TRAIN or n_held < MIN_HELDOUT:
        raise RagshiftError(
            f"the corpus gives {len(chunks)} chunks of {len(doc_ids)} documents: too few to fit a bridge on "
            f"{len(chunks) - n_held} and measure it on {n_held} (need at least {MIN_TRAIN} and {MIN_HELDOUT})"
        )
    fingerprint = stable_hash({
        "chunks": [[c.chunk_id, text_hash(c.text)] for c in chunks],
        "heldout": sorted(held),
        "chunker": chunker.fingerprint(),
    })
    return BridgeSample(tuple(chunks), held, fingerprint)
