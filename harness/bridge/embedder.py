"""``kind = "bridged"``: the new model's query vectors mapped into the old model's space; documents = the old model's.

Like the query adapter (``ragshift.adapters.training.query_adapter``), it defines ``document_fingerprint()``: its
documents are the old model's, so every index guard (``VectorIndex.query``, the collection name, the
embedding cache) sends it to the old model's existing index — and only there. Loading a bridge folder
checks both models against the fingerprints recorded when the map was fitted and refuses any other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ragshift.harness.bridge.artefact import BridgeRecord, read_record
from ragshift.harness.bridge.maps import MAP_KINDS, BridgeMap, LinearMap
from ragshift.harness.errors import FingerprintMismatch, RagshiftError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Embedder, document_fingerprint


def bridged_fingerprint(new_fingerprint: str, weights_hash: str) -> str:
    """The bridged embedder's fingerprint: the new model's and the map's weights."""
    return stable_hash({"embedder": "bridged", "queries": new_fingerprint, "map": weights_hash})


class BridgedEmbedder:
    """``embed_queries(t) = map(new.embed_queries(t))``; ``embed_documents(t) = old.embed_documents(t)``."""

    def __init__(self, old: Embedder, new: Embedder, bridge_map: BridgeMap, *, record: BridgeRecord | None = None,
                 source: str = "") -> None:
        self.old = old
        self.new = new
        self.map = bridge_map
        self.record = record
        self.source = source

    @property
    def dimension(self) -> int:
        return self.map.out_dim

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.map.apply(self.new.embed_queries(texts))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.old.embed_documents(texts)

    def fingerprint(self) -> str:
        return bridged_fingerprint(self.new.fingerprint(), self.map.weights_hash())

    def document_fingerprint(self) -> str:
        return document_fingerprint(self.old)

    def parameter_bytes(self) -> int | None:
        """What serving queries holds: the new model (when it says) and the map. The old model only writes documents."""
        method = getattr(self.new, "parameter_bytes", None)
        new = method() if callable(method) else None
        return None if new is None else int(new) + self.map.parameter_bytes()

    def describe(self) -> Mapping[str, Any]:
        r = self.record
        return {
            "kind": "bridged",
            "path": self.source,
            "map": self.map.kind,
            "dimension": self.dimension,
            "fingerprint": self.fingerprint(),
            "document_fingerprint": self.document_fingerprint(),
            "queries": dict(self.new.describe()),
            "documents": dict(self.old.describe()),
            **({"bridge": bridge_facts(r)} if r is not None else {}),
        }


def bridge_facts(record: BridgeRecord) -> dict[str, Any]:
    """The bridge's provenance for run cards: both models, the sample, the fit quality and what fitting cost."""
    return {
        "from": {"name": record.old.name, "fingerprint": record.old.fingerprint, "document_fingerprint": record.old.document_fingerprint},
        "to": {"name": record.new.name, "fingerprint": record.new.fingerprint},
        "map": dict(record.map),
        "sample": dict(record.sample),
        "quality": dict(record.quality),
        "timings": dict(record.timings),
    }


def load_bridge(
    folder: Path | str, *, old: Embedder | None = None, new: Embedder | None = None,
    build: Callable[[Mapping[str, Any]], Embedder] | None = None,
) -> BridgedEmbedder:
    """Open a bridge folder. ``old`` / ``new`` default to ``build(record)`` of the folder's records (the
    composition root's ``ragshift.harness.embedders.build_recorded``); either way each must have the fingerprint
    recorded at fitting time (``FingerprintMismatch`` otherwise)."""
    folder = Path(folder)
    record = read_record(folder)
    if (old is None or new is None) and build is None:
        raise ValueError("load_bridge needs old and new embedders, or build= to rebuild them from the records")
    old = old if old is not None else build(record.old.spec)
    new = new if new is not None else build(record.new.spec)
    if document_fingerprint(old) != record.old.document_fingerprint:
        raise FingerprintMismatch(
            f"{folder} bridges into the index of {record.old.name!r} (embedder {record.old.document_fingerprint}), "
            f"not of embedder {document_fingerprint(old)}: a bridge serves only the index it was fitted for"
        )
    if new.fingerprint() != record.new.fingerprint:
        raise FingerprintMismatch(
            f"{folder} maps queries of {record.new.name!r} (embedder {record.new.fingerprint}), not of embedder "
            f"{new.fingerprint()} (the model changed on disk?): fit a new bridge with `ragshift bridge`"
        )
    bridge_map = load_map(folder, str(record.map.get("kind")))
    if bridge_map.weights_hash() != record.map.get("weights_hash"):
        raise RagshiftError(f"{folder}: the map's weights ({bridge_map.weights_hash()}) are not the ones recorded "
                            f"({record.map.get('weights_hash')}): the folder was changed after `ragshift bridge` wrote it")
    return BridgedEmbedder(old, new, bridge_map, record=record, source=str(folder))


def load_map(directory: Path, kind: str) -> BridgeMap:
    """The map of kind ``kind`` stored in a bridge folder."""
    if kind not in MAP_KINDS:
        raise RagshiftError(f"{directory}: unknown map kind {kind!r}; known: {', '.join(MAP_KINDS)}")
    if kind == "mlp":
        from ragshift.adapters.bridge.mlp import MlpMap  # torch: only for this kind

        return MlpMap.load(directory)
    return LinearMap.load(directory, kind)
