"""The ``[bridge]`` config section: which two embedders to bridge, on how large a sample, with which map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationInfo, model_validator

from ragshift.harness.bridge.maps import MapKind
from ragshift.harness.sections import ConfigPath, Section

_MAP_KEYS = {"affine": ("rank",), "mlp": ("hidden", "epochs", "lr")}
"""Keys only one map kind uses; setting one for another kind is an error."""


class BridgeSection(Section):
    """``ragshift bridge``: fit a map from ``to``'s vectors into ``from``'s on a sample of the corpus.

    ``from`` is the model whose vectors the index holds; ``to`` the new one. Both name ``[[embedders]]``
    entries. ``identity_weight`` pulls the map towards "no change" (in pseudo-samples per dimension), which
    keeps small samples of two close models (a fine-tune and its base) from fitting noise; it applies only
    when both models have the same dimension.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str = Field(..., alias="from", min_length=1, description="The old embedder (its vectors are in the index).")
    to: str = Field(..., min_length=1, description="The new embedder (it encodes the queries).")
    sample: int = Field(2000, ge=10, description="Chunks of the corpus embedded with both models (at most the corpus).")
    holdout: float = Field(0.2, gt=0, lt=1, description="Share of the sampled documents held out to measure the fit.")
    map: MapKind = "orthogonal"
    identity_weight: float = Field(
        0.01, ge=0, description="Pull towards no change; chosen on dev queries of two model changes (bench/bridge_identity.py).")
    rank: int = Field(32, ge=1, description="affine: rank of the change the map makes.")
    hidden: int = Field(256, ge=1, description="mlp: width of the residual layer.")
    epochs: int = Field(100, ge=1, description="mlp: passes over the sample.")
    lr: float = Field(1e-3, gt=0, description="mlp: Adam learning rate.")
    seed: int = 0
    output: ConfigPath = Field(..., description='Bridge folder to write; default "bridges/<to>-over-<from>".')

    @model_validator(mode="before")
    @classmethod
    def _default_output(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "output" not in data and isinstance(data.get("to"), str) and isinstance(data.get("from"), str):
            return {**data, "output": Path("bridges") / f"{data['to']}-over-{data['from']}"}
        return data

    @model_validator(mode="after")
    def _keys_fit_map(self) -> BridgeSection:
        if self.from_ == self.to:
            raise ValueError(f"from and to are both {self.to!r}: a bridge joins two different embedders")
        stray = sorted(k for kind, keys in _MAP_KEYS.items() if kind != self.map for k in keys if k in self.model_fields_set)
        if stray:
            raise ValueError(f"{', '.join(map(repr, stray))} not used by map = \"{self.map}\"")
        return self

    def fit_options(self) -> dict[str, Any]:
        """The settings that decide the fitted map (recorded in the bridge folder)."""
        used = ("identity_weight", "seed", *_MAP_KEYS.get(self.map, ()))
        return {"kind": self.map, **{k: getattr(self, k) for k in used}}
