"""``ragshift bridge``: embed a corpus sample with both models (through the embedding cache), fit the map on
part of it, measure it on the rest, and write the bridge folder."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from ragshift.harness import __version__
from ragshift.harness.bridge.artefact import BridgeRecord, BridgeSide, write_bridge
from ragshift.harness.bridge.config import BridgeSection
from ragshift.harness.bridge.embedder import bridged_fingerprint
from ragshift.harness.bridge.fit import fit_map
from ragshift.harness.bridge.maps import BridgeMap, unit_rows
from ragshift.harness.bridge.quality import FitQuality, fit_quality
from ragshift.harness.bridge.sample import BridgeSample, draw_sample
from ragshift.harness.bridge.specs import record_spec
from ragshift.harness.cache import CachedEmbedder
from ragshift.harness.config import RunConfig
from ragshift.harness.errors import ConfigError


@dataclass(frozen=True)
class BridgeResult:
    folder: Path
    record: BridgeRecord
    bridge: FitQuality
    no_bridge: FitQuality | None
    """The new model's vectors used as they are (only when both models have the same dimension)."""


def require_bridge(config: RunConfig) -> BridgeSection:
    section = getattr(config, "bridge", None)
    if section is None:
        raise ConfigError("this command needs a [bridge] section (from = old embedder, to = new embedder; see README)")
    return section


def run_bridge(config: RunConfig, *, output: Path | None = None, console: Console | None = None) -> BridgeResult:
    """Fit the configured bridge and write its folder (``output`` overrides ``[bridge] output``)."""
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.systems import build_chunker, load_embedder

    console = console or Console(quiet=True)
    settings = require_bridge(config)
    records = {side: record_spec(config, name) for side, name in (("from", settings.from_), ("to", settings.to))}
    corpus = load_corpus(config.corpus.path, format=config.corpus.format, query_type_field=config.corpus.query_type_field)
    chunker = build_chunker(config)
    sample = draw_sample(list(corpus.documents.values()), chunker, size=settings.sample, holdout=settings.holdout, seed=settings.seed)
    n = sample.counts()
    console.print(
        f"bridge [bold]{settings.to}[/] → [bold]{settings.from_}[/]: {n['chunks']} chunks of {n['documents']} documents "
        f"sampled from {corpus.name} (seed {settings.seed}): {n['train']} to fit, {n['heldout']} held out"
    )
    old = load_embedder(config, config.embedder(settings.from_), console=console)
    new = load_embedder(config, config.embedder(settings.to), console=console)
    old_vectors, old_timing = _embed(old, sample)
    new_vectors, new_timing = _embed(new, sample)
    for spec_name, timing in ((settings.from_, old_timing), (settings.to, new_timing)):
        console.print(f"embedded the sample with {spec_name}: {timing['embedded']} chunks encoded, "
                      f"{n['chunks'] - timing['embedded']} from the embedding cache, {timing['embed_s']:.1f} s")
    held = np.asarray(sample.heldout)
    t0 = time.perf_counter()
    bridge_map = fit_map(new_vectors[~held], old_vectors[~held], settings.fit_options())
    fit_s = time.perf_counter() - t0
    console.print(f"fitted {bridge_map.kind} map {bridge_map.in_dim} → {bridge_map.out_dim} in {fit_s:.2f} s")
    quality, identity = _quality(bridge_map, new_vectors, old_vectors, held)
    train_cosine = float(np.mean(np.sum(bridge_map.apply(new_vectors[~held]) * unit_rows(old_vectors[~held]), axis=1)))
    record = BridgeRecord(
        fingerprint=bridged_fingerprint(new.fingerprint(), bridge_map.weights_hash()),
        map={"kind": bridge_map.kind, "weights_hash": bridge_map.weights_hash(), "in_dim": bridge_map.in_dim,
             "out_dim": bridge_map.out_dim, "parameter_bytes": bridge_map.parameter_bytes(), "options": settings.fit_options()},
        old=_side(records["from"], old, old_vectors.shape[1]),
        new=_side(records["to"], new, new_vectors.shape[1]),
        sample={**n, "fingerprint": sample.fingerprint, "seed": settings.seed, "requested": settings.sample,
                "holdout": settings.holdout, "corpus": corpus.name, "corpus_fingerprint": corpus.documents_fingerprint,
                "corpus_documents": len(corpus.documents), "chunker": chunker.fingerprint()},
        quality={"heldout": {"bridge": quality.to_json(), "no_bridge": identity.to_json() if identity else None},
                 "train_mean_cosine": train_cosine},
        timings={**{f"{k}_from": v for k, v in old_timing.items()}, **{f"{k}_to": v for k, v in new_timing.items()}, "fit_s": fit_s},
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        version=__version__,
    )
    folder = write_bridge(output or settings.output, bridge_map, record)
    return BridgeResult(folder, record, quality, identity)


def _embed(embedder: CachedEmbedder, sample: BridgeSample) -> tuple[np.ndarray, dict[str, Any]]:
    misses = embedder.misses
    t0 = time.perf_counter()
    vectors = embedder.embed_documents(sample.texts)
    return np.asarray(vectors, dtype=np.float32), {"embed_s": time.perf_counter() - t0, "embedded": embedder.misses - misses}


def _side(record: dict[str, Any], embedder: CachedEmbedder, dimension: int) -> BridgeSide:
    return BridgeSide(record["name"], record, embedder.fingerprint(), embedder.document_fingerprint(), int(dimension))


def _quality(bridge_map: BridgeMap, new: np.ndarray, old: np.ndarray, held: np.ndarray) -> tuple[FitQuality, FitQuality | None]:
    positions = np.flatnonzero(held)
    quality = fit_quality(bridge_map.apply(new[held]), old[held], old, positions)
    identity = fit_quality(new[held], old[held], old, positions) if new.shape[1] == old.shape[1] else None
    return quality, identity
