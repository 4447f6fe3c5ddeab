"""A fixed probe text whose vector identifies what a remote or opaque model actually computes."""

from __future__ import annotations

from typing import Sequence

from ragshift.harness.fingerprint import stable_hash

CANARY_TEXT = "ragshift canary: which embedding model answers this sentence about reset passwords?"


def vector_digest(vector: Sequence[float]) -> str:
    """Hash of the vector rounded to 4 decimals (``+ 0.0`` folds -0.0 into 0.0)."""
    return stable_hash([round(float(x), 4) + 0.0 for x in vector])
