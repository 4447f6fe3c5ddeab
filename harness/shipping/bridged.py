"""Serving an alias through a bridge: the reference an alias records, and the checks before it serves.

``promote`` records a ``BridgeRef`` (folder, bridged fingerprint, ``from``/``to`` fingerprints) when the
promoted embedder is ``kind = "bridged"``; ``RagshiftRetriever.from_alias``, the promote sample check,
``shadow --alias`` and ``rollback`` open it again with ``open_bridge``, which refuses a folder whose map
changed since the promote and a collection that holds another model's vectors than the bridge's ``from``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.protocols import Embedder, StoredIndex
from ragshift.harness.shipping.aliases import BridgeRef


def bridge_ref(embedder: Embedder) -> BridgeRef | None:
    """The reference an alias records for a bridged embedder (a ``CachedEmbedder`` around one, too); None for
    any other embedder."""
    from ragshift.harness.bridge.embedder import BridgedEmbedder

    inner = getattr(embedder, "inner", embedder)
    if not isinstance(inner, BridgedEmbedder) or inner.record is None:
        return None
    record = inner.record
    return BridgeRef(
        path=str(Path(inner.source).resolve()), fingerprint=record.fingerprint, source=record.document_fingerprint,
        target=record.new.fingerprint, source_name=record.old.name, target_name=record.new.name, map=str(record.map.get("kind", "")),
    )


def check_source(bridge: BridgeRef, collection: str, recorded: str | None) -> str | None:
    """Why ``bridge`` cannot serve a collection holding vectors of embedder ``recorded`` (None: it can)."""
    if recorded == bridge.source:
        return None
    return (f"collection {collection} holds vectors of embedder {recorded}, but bridge {bridge.path} maps queries into the "
            f"index of {bridge.source_name or 'its from model'} (embedder {bridge.source}): a bridge serves only the index "
            "it was fitted for")


def open_bridge(bridge: BridgeRef, index: StoredIndex, *, embedder: Embedder | None = None, cache: Any = None) -> Embedder:
    """The bridged embedder that serves ``index`` for an alias (``embedder`` when given, else rebuilt from the
    folder; wrapped in ``cache`` when given), after checking it is the bridge the alias recorded and that the
    index holds the bridge's ``from`` model's vectors."""
    problem = check_source(bridge, index.name, index.embedder_fingerprint)
    if problem:
        raise FingerprintMismatch(f"refusing to serve the alias: {problem}")
    given = embedder is not None
    if embedder is None:
        from ragshift.harness.bridge.embedder import load_bridge
        from ragshift.harness.embedders import build_recorded

        embedder = load_bridge(bridge.path, build=build_recorded)
    if embedder.fingerprint() != bridge.fingerprint:
        why = (f"the embedder given has fingerprint {embedder.fingerprint()}: pass the bridged embedder, or none" if given
               else f"the folder now gives {embedder.fingerprint()} (refitted since `ragshift promote`: promote it again)")
        raise FingerprintMismatch(f"the alias serves queries through bridge {bridge.path} (fingerprint {bridge.fingerprint}); {why}")
    if cache is not None:
        from ragshift.harness.cache import CachedEmbedder

        embedder = CachedEmbedder(embedder, cache)
    return embedder
