"""Embedder specs as a bridge folder records them, so the folder rebuilds both models on its own.

A record is an ``[[embedders]]`` table with its paths resolved (a ``degraded`` one holds the record of
the embedder it degrades under ``of``). Secrets never go in: an ``openai`` record names the variable
that holds the key (``api_key_env``), which is read again when the embedder is rebuilt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ragshift.harness.config import EmbedderConfig, RunConfig
from ragshift.harness.kinds import DEGRADED, EMBEDDER_KINDS
from ragshift.harness.errors import ConfigError

NOT_BRIDGEABLE = ("bridged",)


def record_spec(config: RunConfig, name: str) -> dict[str, Any]:
    """The record of the ``[[embedders]]`` entry ``name`` (ConfigError lists the names when there is none)."""
    spec = config.embedder(name)
    if spec.kind in NOT_BRIDGEABLE:
        raise ConfigError(f"embedder {name!r} is itself bridged: bridge from and to plain embedders")
    if spec.kind == DEGRADED:
        return {"name": spec.name, "kind": DEGRADED, "noise": spec.noise, "of": record_spec(config, spec.of or "")}
    return {"name": spec.name, "kind": spec.kind, **{k: _plain(getattr(spec, k)) for k in EMBEDDER_KINDS[spec.kind].options}}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def query_model_dir(spec: EmbedderConfig) -> Path | None:
    """The model folder that encodes ``spec``'s queries, when it is a local folder (for a bridge: its new
    model's, read from the bridge folder's record): what leakage checks and the seen/unseen slice look at."""
    if spec.kind in ("sentence-transformers", "query-adapter"):
        return Path(spec.model) if Path(spec.model).is_dir() else None
    if spec.kind == "bridged" and (Path(spec.model) / "bridge.json").is_file():
        from ragshift.harness.bridge.artefact import read_record

        record = read_record(spec.model).new.spec
        if record.get("kind") in ("sentence-transformers", "query-adapter") and Path(str(record.get("model"))).is_dir():
            return Path(str(record["model"]))
    return None
