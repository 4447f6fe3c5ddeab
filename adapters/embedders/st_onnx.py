"""A sentence-transformers model's transformer exported to ONNX: ``backend = "onnx"`` (fp32) or
``"onnx-int8"`` (weights quantised to int8 per channel by onnxruntime, activations dynamically) of the sentence-transformers kind.

Not sentence-transformers' own ``backend="onnx"``: that needs ``optimum-onnx``, whose releases pin
transformers<4.58 (the lock has 5.24), and the older ``optimum`` 1.17.1 does not import with
transformers 5 (``is_tf_available`` is gone from ``transformers.utils``). Here torch.onnx's TorchScript
exporter (it needs the ``onnx`` package) writes the transformer's last hidden state; pooling (cls or
mean), the Normalize module, prompts and ``max_seq_length`` come from the loaded SentenceTransformer,
and the onnx embedder runs the export (fp32 in length-sorted batches; int8 one text per call, as
for the packaged int8 models).

An export is written once per model fingerprint, backend and exporter versions, into
``$RAGSHIFT_ONNX_CACHE`` (default ``~/.cache/ragshift/onnx``), atomically: concurrent processes (Ray
actors) each write a temporary folder and the first rename wins.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ragshift.harness.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

BACKENDS = ("torch", "onnx", "onnx-int8")
OPSET = 17
PIPELINE_FILE = "ragshift_pipeline.json"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_SUPPORTED = ("Transformer", "Pooling", "Normalize")


@dataclass(frozen=True)
class Pipeline:
    """What the PyTorch model does around its transformer, for the ONNX run-time to repeat."""

    pooling: str
    normalize: bool
    max_length: int
    prompts: dict[str, str] = field(default_factory=dict)
    default_prompt_name: str | None = None

    def prompt(self, explicit: str, name: str) -> str:
        """As ``encode_query``/``encode_document``: the given prompt, else the model's named one, else its default."""
        if explicit:
            return explicit
        if name in self.prompts:
            return self.prompts[name]
        return self.prompts.get(self.default_prompt_name or "", "")


def check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ConfigError(f"unknown sentence-transformers backend {backend!r}; valid: {', '.join(BACKENDS)}")
    return backend


def exporter(backend: str) -> dict[str, Any]:
    """The library versions an export depends on (part of the fingerprint: another exporter, other vectors)."""
    versions = {"backend": backend, "torch": version("torch"), "opset": OPSET}
    versions["onnx"] = _version("onnx")
    if backend == "onnx-int8":
        versions["onnxruntime"] = version("onnxruntime")
    return versions


def cache_root() -> Path:
    configured = os.environ.get("RAGSHIFT_ONNX_CACHE")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ragshift" / "onnx"


def read_pipeline(model: SentenceTransformer, max_length: int) -> Pipeline:
    """Pooling and normalisation of a Transformer → Pooling(cls | mean) [→ Normalize] model (ConfigError
    otherwise); ``max_length`` is the model's own ``max_seq_length`` (an embedder may override it at run time)."""
    names = [type(module).__name__ for module in model]
    if not names or names[0] != "Transformer" or any(n not in _SUPPORTED for n in names) or "Pooling" not in names:
        raise ConfigError(
            f"backend onnx exports Transformer → Pooling [→ Normalize] models; this one has {' → '.join(names)}: use backend = \"torch\""
        )
    pooling = next(m for m in model if type(m).__name__ == "Pooling")
    if pooling.pooling_mode not in ("cls", "mean") or not pooling.include_prompt or model[0].do_lower_case:
        raise ConfigError(
            f"backend onnx supports cls or mean pooling over every token (got pooling {pooling.pooling_mode!r}, "
            f"include_prompt {pooling.include_prompt}, do_lower_case {model[0].do_lower_case}): use backend = \"torch\""
        )
    return Pipeline(
        pooling=str(pooling.pooling_mode),
        normalize="Normalize" in names,
        max_length=int(max_length),
        prompts=dict(model.prompts),
        default_prompt_name=model.default_prompt_name,
    )


def load_pipeline(folder: Path) -> Pipeline:
    return Pipeline(**json.loads((folder / PIPELINE_FILE).read_text(encoding="utf-8")))


def export(model: SentenceTransformer, target: Path, backend: str, *, max_length: int) -> Path:
    """Write ``target`` (model.onnx or model_int8.onnx, tokenizer and configs, the pipeline) unless it exists."""
    if (target / PIPELINE_FILE).is_file():
        return target
    pipeline = read_pipeline(model, max_length)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)  # mkdtemp makes it private; the export is shared like other caches
    try:
        transformer = model[0]
        transformer.tokenizer.save_pretrained(work)
        transformer.auto_model.config.save_pretrained(work)
        if not (work / "tokenizer.json").is_file():
            raise ConfigError(f"backend onnx needs a fast tokenizer (tokenizer.json); {target.name}'s model has none: use backend = \"torch\"")
        fp32 = work / "model.onnx"
        _export_fp32(transformer, fp32)
        if backend == "onnx-int8":
            _quantize(fp32, work / "model_int8.onnx")
            fp32.unlink()
        (work / PIPELINE_FILE).write_text(json.dumps(asdict(pipeline), indent=1), encoding="utf-8")
        try:
            work.rename(target)
        except OSError:  # another process finished the same export first
            if not (target / PIPELINE_FILE).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _export_fp32(transformer: Any, path: Path) -> None:
    import importlib.util

    import torch

    if importlib.util.find_spec("onnx") is None:
        raise ConfigError("backend onnx needs the onnx package to export (pip install 'ragshift[scale]')")
    tokenizer, auto_model = transformer.tokenizer, transformer.auto_model
    names = [n for n in _INPUTS if n in tokenizer.model_input_names]
    sample = tokenizer(["an example sentence to trace", "a second one"], padding=True, return_tensors="pt")

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = auto_model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.inner(**dict(zip(names, inputs))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on Python control flow over shapes (exact for these inputs)
        torch.onnx.export(
            LastHiddenState().eval(), tuple(sample[n] for n in names), str(path), dynamo=False,
            input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET,
        )


def _quantize(fp32: Path, int8: Path) -> None:
    """Int8 weights, one scale per output channel: per-tensor scales cost MiniLM up to 0.1 cosine to
    its fp32 vectors (16 texts, 12 of them SciFact abstracts: min 0.90 per tensor, 0.984 per channel)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # onnxruntime's advice to pre-process logs on the root logger
    try:
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def _version(package: str) -> str | None:
    try:
        return version(package)
    except Exception:
        return None
