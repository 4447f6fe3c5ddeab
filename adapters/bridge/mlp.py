"""The residual-MLP bridge map (torch): ``unit(x @ W + b + MLP(x))`` on unit ``x``.

``W, b`` is a fitted linear start (a rotation when both models have the same dimension) and stays frozen;
the MLP (``Linear → GELU → Linear``, last layer zero-initialised, so training starts at the linear map)
learns what the linear map misses, by Adam on ``1 − cosine`` to the old vectors. Stored as
``map.safetensors``; applying it needs torch, fitting it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from ragshift.harness.bridge.maps import LinearMap, arrays_hash, unit_rows
from ragshift.harness.errors import RagshiftError

NAMES = ("base_weight", "base_bias", "w1", "b1", "w2", "b2")


class MlpMap:
    kind = "mlp"
    FILE = "map.safetensors"

    def __init__(self, tensors: dict[str, np.ndarray]) -> None:
        missing = [n for n in NAMES if n not in tensors]
        if missing:
            raise RagshiftError(f"mlp map lacks {missing}")
        self.tensors = {n: np.asarray(tensors[n], dtype=np.float32) for n in NAMES}
        t = self.tensors
        if t["w1"].shape[0] != t["base_weight"].shape[0] or t["w2"].shape[1] != t["base_weight"].shape[1]:
            raise RagshiftError(f"mlp map: layer shapes {[t[n].shape for n in NAMES]} do not fit together")
        self._torch = {n: torch.from_numpy(v) for n, v in self.tensors.items()}

    @property
    def in_dim(self) -> int:
        return int(self.tensors["base_weight"].shape[0])

    @property
    def out_dim(self) -> int:
        return int(self.tensors["base_weight"].shape[1])

    @property
    def hidden(self) -> int:
        return int(self.tensors["w1"].shape[1])

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.in_dim:
            raise RagshiftError(f"mlp map takes {self.in_dim}-d vectors, got shape {vectors.shape}")
        with torch.no_grad():
            out = _forward(self._torch, torch.from_numpy(unit_rows(vectors)))
        return unit_rows(out.numpy())

    def weights_hash(self) -> str:
        return arrays_hash(self.kind, self.tensors)

    def parameter_bytes(self) -> int:
        return int(sum(v.nbytes for v in self.tensors.values()))

    def save(self, directory: Path) -> str:
        save_file(self.tensors, str(Path(directory) / self.FILE))
        return self.FILE

    @classmethod
    def load(cls, directory: Path) -> MlpMap:
        path = Path(directory) / cls.FILE
        try:
            return cls(load_file(str(path)))
        except (OSError, ValueError) as exc:
            raise RagshiftError(f"{path}: not a readable mlp map ({exc})") from None


def _forward(t: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    residual = torch.nn.functional.gelu(x @ t["w1"] + t["b1"]) @ t["w2"] + t["b2"]
    return x @ t["base_weight"] + t["base_bias"] + residual


def fit_mlp(new: np.ndarray, old: np.ndarray, *, linear: LinearMap, hidden: int, epochs: int, lr: float,
            seed: int = 0, batch_size: int = 64, weight_decay: float = 1e-4) -> MlpMap:
    """Train the residual on (new → old) pairs, starting from ``linear``; seeded, deterministic on CPU."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(unit_rows(new))
    y = torch.from_numpy(unit_rows(old))
    d_in, d_out = x.shape[1], y.shape[1]
    params: dict[str, Any] = {  # unit inputs: N(0, 1) first-layer weights give pre-activations of unit scale
        "w1": torch.randn(d_in, hidden, generator=generator).requires_grad_(),
        "b1": torch.zeros(hidden, requires_grad=True),
        "w2": torch.zeros(hidden, d_out, requires_grad=True),
        "b2": torch.zeros(d_out, requires_grad=True),
    }
    frozen = {"base_weight": torch.from_numpy(linear.weight.copy()), "base_bias": torch.from_numpy(linear.bias.copy())}
    optimiser = torch.optim.AdamW(params.values(), lr=lr, weight_decay=weight_decay)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for at in range(0, len(x), batch_size):
            batch = order[at : at + batch_size]
            out = _forward({**frozen, **params}, x[batch])
            loss = (1 - torch.nn.functional.cosine_similarity(out, y[batch], dim=1)).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return MlpMap({**{k: v.numpy() for k, v in frozen.items()}, **{k: v.detach().numpy().copy() for k, v in params.items()}})
