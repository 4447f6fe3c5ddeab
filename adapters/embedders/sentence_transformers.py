"""Embedder over a sentence-transformers model (a local folder, a packaged name or a hub id)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from adapters.embedders.packaged import resolve_model
from harness.errors import RagshiftError
from harness.fingerprint import stable_hash

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Files whose bytes decide the vectors: weights (any module's) and tokenizer vocabularies.
_BINARY_PATTERNS = ("*.safetensors", "pytorch_model*.bin", "vocab.txt", "merges.txt", "*.model")
_IGNORED_DIRS = ("onnx", "openvino", "runs", ".git", ".cache")
# Training records carry timings: two identical trainings must still fingerprint alike.
_IGNORED_JSON = {"data_config.json", "trainer_state.json", "ragshift_finetune.json", "ragshift_training.json"}
# Keys that change when an identical model is re-saved by another library version.
_VOLATILE_KEYS = {"__version__", "transformers_version", "_name_or_path"}


class SentenceTransformerEmbedder:
    """Loads the model lazily on first use; the fingerprint is computed from the model's files.

    An empty prompt defers to the model's own configured query/document prompts (if any).
    """

    def __init__(
        self,
        model: str = "all-MiniLM-L6-v2",
        *,
        query_prompt: str = "",
        document_prompt: str = "",
        normalize: bool = True,
        max_length: int | None = None,
        batch_size: int = 32,
        device: str = "cpu",
        show_progress: bool = False,
    ) -> None:
        self.model_name = model
        self.source = resolve_model(model)
        self.query_prompt = query_prompt
        self.document_prompt = document_prompt
        self.normalize = normalize
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.show_progress = show_progress
        self._model: SentenceTransformer | None = None
        self._fingerprint: str | None = None

    @property
    def dimension(self) -> int:
        return int(self._load().get_embedding_dimension())

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def start_pool(self, devices: Sequence[str]) -> dict[str, Any]:
        """sentence-transformers' multi-process pool: one copy of this model per device ("cpu", "cuda:1", ...)."""
        return self._load().start_multi_process_pool(list(devices))

    def embed_documents_in_pool(self, texts: Sequence[str], pool: dict[str, Any], *, chunk_size: int | None = None) -> np.ndarray:
        """``embed_documents`` with the texts split into ``chunk_size`` pieces over ``pool``'s processes."""
        return self._encode(texts, query=False, pool=pool, chunk_size=chunk_size)

    def parameter_bytes(self) -> int:
        """Bytes of the model's parameters and buffers as loaded (loads the model if it is not yet)."""
        model = self._load()
        tensors = [*model.parameters(), *model.buffers()]
        return int(sum(t.numel() * t.element_size() for t in tensors))

    def fingerprint(self) -> str:
        """Hash of weights, tokenizer, module configs (pooling, dense, normalise) and these settings.

        Read once per instance; the folder's location is not part of it, only its contents.
        """
        if self._fingerprint is None:
            self._fingerprint = stable_hash(
                {
                    "embedder": "sentence-transformers",
                    "model_class": "SentenceTransformer",
                    **model_files_digest(self._model_dir()),
                    "normalize": self.normalize,
                    "query_prompt": self.query_prompt,
                    "document_prompt": self.document_prompt,
                    "max_length": self.max_length,
                }
            )
        return self._fingerprint

    def describe(self) -> Mapping[str, Any]:
        """Provenance; reads the model's config files rather than loading it where it can."""
        if self._model is not None:
            dimension, max_seq_length = self.dimension, self._model.max_seq_length
        else:
            dimension, max_seq_length = None, self.max_length or _configured_max_length(self._model_dir())
        return {
            "kind": "sentence-transformers",
            "model": self.model_name,
            "path": self.source,
            "dimension": dimension,
            "max_seq_length": max_seq_length,
            "normalize": self.normalize,
            "query_prompt": self.query_prompt,
            "document_prompt": self.document_prompt,
            "fingerprint": self.fingerprint(),
        }

    def _encode(self, texts: Sequence[str], *, query: bool, **pool_options: Any) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encode = model.encode_query if query else model.encode_document
        prompt = self.query_prompt if query else self.document_prompt
        vectors = encode(
            list(texts),
            prompt=prompt or None,
            batch_size=self.batch_size,
            show_progress_bar=self.show_progress,
            convert_to_numpy=True,
            normalize_embeddings=self.normalize,
            **pool_options,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> SentenceTransformer:
        if self._model is None:
            local = Path(self.source).is_dir()
            if local:
                self.fingerprint()  # pin the file state the weights are read from
            model = load_model(self.source, device=self.device, local=local)
            if self.max_length is not None:
                model.max_seq_length = self.max_length
            self._model = model
        return self._model

    def _model_dir(self) -> Path:
        """The folder holding the model's files; a hub id is loaded first, then found in the HF cache."""
        if Path(self.source).is_dir():
            return Path(self.source)
        self._load()
        from huggingface_hub import try_to_load_from_cache

        for name in ("modules.json", "config.json"):
            found = try_to_load_from_cache(self.source, name)
            if isinstance(found, str):
                return Path(found).parent
        raise RagshiftError(
            f"cannot locate the files of {self.source!r} to fingerprint it; save the model to a folder and pass its path"
        )


def load_model(source: str, *, device: str, local: bool) -> SentenceTransformer:
    """Read a SentenceTransformer; the import is deferred because it costs seconds."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(source, device=device, local_files_only=local)


def model_files_digest(folder: Path) -> dict[str, Any]:
    """sha256 of every weight/vocabulary file and the parsed JSON configs, keyed by relative path."""
    files: dict[str, str] = {}
    configs: dict[str, Any] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not _ignored(p.relative_to(folder))):
        rel = path.relative_to(folder).as_posix()
        if path.suffix == ".json" and path.name not in _IGNORED_JSON:
            configs[rel] = _strip_volatile(json.loads(path.read_text(encoding="utf-8")))
        elif any(path.match(pattern) for pattern in _BINARY_PATTERNS):
            stat = path.stat()
            files[rel] = _file_sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if not any(Path(rel).suffix in {".safetensors", ".bin"} for rel in files):
        raise RagshiftError(f"no model weights (*.safetensors / pytorch_model*.bin) found under {folder}")
    return {"files": files, "configs": configs}


def _ignored(rel: Path) -> bool:
    return any(part in _IGNORED_DIRS or part.startswith("checkpoint-") for part in rel.parts[:-1])


def _strip_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_volatile(v) for k, v in value.items() if k not in _VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip_volatile(v) for v in value]
    return value


@lru_cache(maxsize=256)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    """Memoised per (path, size, mtime): re-hashing 100s of MB of weights per run is wasteful."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _configured_max_length(folder: Path) -> int | None:
    config = folder / "sentence_bert_config.json"
    if not config.is_file():
        return None
    return json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
