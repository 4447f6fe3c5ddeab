"""The Ray engine: Ray Data reads the texts, ``map_batches`` embeds them in an actor pool (one model
replica per actor, built there from an ``EmbedderRecipe``), and finished batches stream back to the
caller, which writes them (cache, collection, progress) as they arrive.

Ray Data restarts a killed actor and retries its task; the caller's writes are upserts keyed by
chunk id + content hash, so a retried batch never duplicates or loses a vector. ``ray.init()`` with
no address starts a local cluster (one laptop); an address joins a real one, whose nodes need
ragshift and the model files at the same path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ragshift.adapters.engines.recipe import EmbedderRecipe
from ragshift.harness.config import EngineSection
from ragshift.harness.errors import FingerprintMismatch, MissingDependency, RagshiftError
from ragshift.harness.protocols import document_fingerprint


class RayEngine:
    """An actor pool of ``num_actors`` replicas on the cluster at ``address`` (unset: a local cluster)."""

    def __init__(self, recipe: EmbedderRecipe, settings: EngineSection, *, fingerprint: str) -> None:
        self.recipe = recipe
        self.settings = settings
        self.fingerprint = fingerprint
        """The driver's document fingerprint: every actor's replica must produce the same."""
        self.placed: dict[str, float] = {}

    def embed(self, items: Sequence[tuple[str, str]], *, batch_size: int) -> Iterator[tuple[list[str], np.ndarray]]:
        if not items:
            return
        ray = _connect(self.settings.address)
        actors, gpus = self._placement(ray)
        # One row (and one block) per batch: an actor embeds exactly the batches the local engine would.
        rows = [
            {"keys": [key for key, _ in items[at : at + batch_size]], "texts": [text for _, text in items[at : at + batch_size]]}
            for at in range(0, len(items), batch_size)
        ]
        embedded = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _EmbedBatch,
            fn_constructor_kwargs={"recipe": self.recipe, "device": "cuda" if gpus else None},
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=self.settings.cpus_per_actor,
            num_gpus=gpus or None,
        )
        try:
            for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
                made_by = {str(f) for f in batch["fingerprint"]}
                if made_by != {self.fingerprint}:
                    raise FingerprintMismatch(
                        f"Ray actors embedded with fingerprint(s) {sorted(made_by)}, the driver's model is "
                        f"{self.fingerprint}: every node must hold the same model files"
                    )
                keys, vectors = [str(k) for k in batch["key"]], np.asarray(batch["vector"], dtype=np.float32)
                for at in range(0, len(keys), batch_size):  # Ray may hand several batches back as one block
                    yield keys[at : at + batch_size], vectors[at : at + batch_size]
        except ray.exceptions.RayError as exc:
            raise RagshiftError(f"Ray engine failed: {_last_line(exc)}") from exc

    def describe(self) -> Mapping[str, Any]:
        return {"engine": "ray", "address": self.settings.address or "local cluster", **self.placed}

    def _placement(self, ray: Any) -> tuple[int, float]:
        """Actors and GPUs per actor: the settings, else one GPU per actor where the cluster has GPUs."""
        resources = ray.cluster_resources()
        has_gpus = resources.get("GPU", 0) >= 1
        gpus = self.settings.gpus_per_actor if self.settings.gpus_per_actor is not None else (1.0 if has_gpus else 0.0)
        default = int(resources.get("GPU", 0) // gpus) if gpus else int(resources.get("CPU", 1))
        actors = self.settings.num_actors or max(1, default)
        self.placed = {"actors": actors, "gpus_per_actor": gpus, "cpus_per_actor": self.settings.cpus_per_actor}
        return actors, gpus


class _EmbedBatch:
    """One actor: builds its own replica from the recipe once, then embeds the batches sent to it."""

    def __init__(self, recipe: EmbedderRecipe, device: str | None) -> None:
        self.embedder = recipe.build(device=device)
        self.fingerprint = document_fingerprint(self.embedder)
        self.embedder.dimension  # noqa: B018  (load the model now, not inside the first batch)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One input row per batch of texts in; one output row per text out."""
        keys = [str(k) for row in batch["keys"] for k in row]
        parts = [self.embedder.embed_documents([str(t) for t in row]) for row in batch["texts"]]
        vectors = np.concatenate([np.asarray(p, dtype=np.float32) for p in parts])
        return {"key": np.array(keys), "vector": vectors, "fingerprint": np.full(len(keys), self.fingerprint)}


def _connect(address: str | None) -> Any:
    """``ray`` with a connection: the one this process has, else ``address``, else a new local cluster."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise MissingDependency(f'[engine] kind = "ray" needs Ray Data: pip install "ray[data]==2.60.0" ({exc})') from exc
    if not ray.is_initialized():  # a connection this process already has is used as is
        try:
            ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise RagshiftError(
                f"cannot reach the Ray cluster at {address!r} ({_last_line(exc)}): start one with `ray start --head`, "
                "or fix [engine] address (unset: a local cluster is started)"
            ) from exc
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # ragshift's own bar counts written chunks across actors
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "progress bars disabled"
    return ray


def _last_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
