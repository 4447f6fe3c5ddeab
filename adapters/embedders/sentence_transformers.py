"""Embedder over a sentence-transformers model (a local folder, a packaged name or a hub id)."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

import numpy as np

from ragshift.adapters.embedders.packaged import resolve_model
from ragshift.adapters.embedders.st_onnx import PIPELINE_FILE, cache_root, check_backend, export, exporter, load_pipeline
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash, without_keys

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from ragshift.adapters.embedders.onnx import OnnxEmbedder

# What a module of sentence-transformers reads from its folder (never below it): its config, the
# transformers config, weights (single or sharded, PEFT adapters) and tokenizer files.
_LOADED = (
    "config.json", "*_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.json", "vocab.json",
    "*.index.json", "model.safetensors", "model-*-of-*.safetensors", "pytorch_model.bin", "pytorch_model-*-of-*.bin",
    "adapter_model.safetensors", "adapter_model.bin", "vocab.txt", "merges.txt", "*.model",
)
_WEIGHTS = ("*.safetensors", "*.bin")
# Read by SentenceTransformer itself from the model's root: the module list, prompts and defaults.
_ROOT_FILES = ("modules.json", "config_sentence_transformers.json")
# Records of training, never read when loading: two identical trainings must fingerprint alike.
_NOT_LOADED = {"data_config.json", "trainer_state.json", "training_args.bin", "README.md"}
_DEFAULT_MODULES = [{"path": "", "type": "sentence_transformers.models.Transformer"}]
# Keys that change when an identical model is re-saved by another library version.
_VOLATILE_KEYS = {"__version__", "transformers_version", "_name_or_path"}
_TRUE = {"1", "ON", "YES", "TRUE"}

class SentenceTransformerEmbedder:
    """Loads the model lazily on first use; the fingerprint is computed from the model's files.

    An empty prompt defers to the model's own configured query/document prompts (if any).
    ``backend = "onnx"`` / ``"onnx-int8"`` embeds with the transformer exported to ONNX (fp32 / int8
    weights, see ``ragshift.adapters.embedders.st_onnx``); its vectors are not the PyTorch ones, so the
    backend is part of the fingerprint. The PyTorch model is then loaded only to export it, once.
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
        backend: str = "torch",
    ) -> None:
        self.backend = check_backend(backend)
        self.model_name = model
        self.source = locate_model(model)
        self.query_prompt = query_prompt
        self.document_prompt = document_prompt
        self.normalize = normalize
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.show_progress = show_progress
        self._model: SentenceTransformer | None = None
        self._fingerprint: str | None = None
        self._onnx: OnnxEmbedder | None = None
        self._own_max_length: int | None = None

    @property
    def dimension(self) -> int:
        if self.backend != "torch":
            return self._exported().dimension
        return int(self._load().get_embedding_dimension())

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def start_pool(self, devices: Sequence[str]) -> dict[str, Any]:
        """sentence-transformers' multi-process pool: one copy of this model per device ("cpu", "cuda:1", ...)."""
        if self.backend != "torch":
            raise RagshiftError(f"sentence-transformers' process pool runs PyTorch models; backend {self.backend!r} embeds in one process")
        return self._load().start_multi_process_pool(list(devices))

    def embed_documents_in_pool(self, texts: Sequence[str], pool: dict[str, Any], *, chunk_size: int | None = None) -> np.ndarray:
        """``embed_documents`` with the texts split into ``chunk_size`` pieces over ``pool``'s processes."""
        return self._encode(texts, query=False, pool=pool, chunk_size=chunk_size)

    def parameter_bytes(self) -> int:
        """Bytes of the model's parameters and buffers as loaded (loads the model if it is not yet);
        for an ONNX backend the size of the ONNX file."""
        if self.backend != "torch":
            return self._exported().parameter_bytes()
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
                    # absent for torch: fingerprints (and caches) from before backends existed stay valid
                    **({"exporter": exporter(self.backend)} if self.backend != "torch" else {}),
                }
            )
        return self._fingerprint

    def describe(self) -> Mapping[str, Any]:
        """Provenance; reads the model's config files rather than loading it where it can."""
        if self._onnx is not None:
            dimension, max_seq_length = self.dimension, self._onnx.describe()["max_seq_length"]
        elif self._model is not None:
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
            **({"backend": self.backend} if self.backend != "torch" else {}),
            "fingerprint": self.fingerprint(),
        }

    def _encode(self, texts: Sequence[str], *, query: bool, **pool_options: Any) -> np.ndarray:
        if self.backend != "torch":
            onnx = self._exported()
            return onnx.embed_queries(texts) if query else onnx.embed_documents(texts)
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
            self._own_max_length = model.max_seq_length  # the model's own, before this embedder's setting
            if self.max_length is not None:
                model.max_seq_length = self.max_length
            self._model = model
        return self._model

    def _exported(self) -> OnnxEmbedder:
        """The onnx embedder over this model's export (exported first if the cache has none)."""
        if self._onnx is None:
            from ragshift.adapters.embedders.onnx import OnnxEmbedder

            key = stable_hash({**model_files_digest(self._model_dir()), **exporter(self.backend)})
            folder = cache_root() / f"{key[:24]}-{self.backend}"
            if not (folder / PIPELINE_FILE).is_file():
                model = self._load()
                export(model, folder, self.backend, max_length=self._own_max_length or model.max_seq_length)
                self._model = None  # only needed to export
            pipeline = load_pipeline(folder)
            self._onnx = OnnxEmbedder(
                str(folder),
                pooling=pipeline.pooling,  # type: ignore[arg-type]
                normalize=self.normalize or pipeline.normalize,
                query_prompt=pipeline.prompt(self.query_prompt, "query"),
                document_prompt=pipeline.prompt(self.document_prompt, "document"),
                max_length=self.max_length or pipeline.max_length,
                batch_size=self.batch_size if self.backend == "onnx" else 1,  # int8: one text per call
            )
        return self._onnx

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


def locate_model(name: str) -> str:
    """Where the model's files come from: a local folder (a packaged name resolved), or a hub id that
    is cached or may be downloaded. ``RagshiftError`` (nothing loaded) for a missing folder, a file, an
    invalid id, or a hub id that is not cached while downloads are off (``HF_HUB_OFFLINE``)."""
    source = resolve_model(name)
    path = Path(source).expanduser()
    if path.exists():
        if not path.is_dir():
            raise RagshiftError(f"model {source} is a file, not a model folder (a sentence-transformers folder holds modules.json and weights)")
        return source
    if path.is_absolute() or source.startswith(("./", "../", "~", ".\\", "..\\")):
        raise RagshiftError(f"model folder {source} does not exist")
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    try:
        cached = any(isinstance(try_to_load_from_cache(source, f), str) for f in ("modules.json", "config.json"))
    except HFValidationError:
        raise RagshiftError(f"model {source!r} is neither a folder nor a valid Hugging Face model id") from None
    offline = any(os.environ.get(v, "").upper() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    if offline and not cached:
        raise RagshiftError(
            f"model {source!r} is not a local folder and not in the Hugging Face cache, and downloads are off "
            "(HF_HUB_OFFLINE=1, or [run] offline = true): give the path of a model folder (./models/name), "
            "or download it once online"
        )
    return source


def model_files_digest(folder: Path) -> dict[str, Any]:
    """sha256 of exactly the files loading the model reads, keyed by relative path: ``modules.json``,
    ``config_sentence_transformers.json`` and, for every module ``modules.json`` lists, the config,
    weights and tokenizer files in that module's folder (whatever the folder is called). JSON configs
    are compared parsed, without the keys a re-save changes."""
    files: dict[str, str] = {}
    configs: dict[str, Any] = {}
    for path in sorted(set(loaded_files(folder))):
        rel = path.relative_to(folder).as_posix()
        if path.suffix == ".json" and path.name != "tokenizer.json":
            configs[rel] = without_keys(_read_json(path), _VOLATILE_KEYS)
        else:
            stat = path.stat()
            files[rel] = _file_sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if not any(_matches(rel.rsplit("/", 1)[-1], _WEIGHTS) for rel in files):
        raise RagshiftError(f"no model weights (*.safetensors / pytorch_model*.bin) found in the modules of {folder}")
    return {"files": files, "configs": configs}


def loaded_files(folder: Path) -> Iterator[Path]:
    """The files SentenceTransformer(folder) reads (modules.json's modules, each in its own folder)."""
    folder = Path(folder)
    for name in _ROOT_FILES:
        if (folder / name).is_file():
            yield folder / name
    modules_json = folder / "modules.json"
    modules = _read_json(modules_json) if modules_json.is_file() else _DEFAULT_MODULES
    if not isinstance(modules, list) or not all(isinstance(m, dict) and isinstance(m.get("path", ""), str) for m in modules):
        raise RagshiftError(f"{modules_json}: expected a list of modules, each with a \"path\" and a \"type\"")
    for module in modules:
        yield from _module_files(folder, str(module.get("path", "")), str(module.get("type", "")))


def _module_files(root: Path, subfolder: str, class_ref: str) -> Iterator[Path]:
    rel = PurePosixPath(subfolder.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts:
        raise RagshiftError(f"{root / 'modules.json'}: module path {subfolder!r} leaves the model folder")
    here = root / rel
    if not here.is_dir():
        return  # e.g. Normalize: no folder, defaults
    known = class_ref.startswith("sentence_transformers.")
    for path in here.iterdir():
        if path.is_file() and path.name not in _NOT_LOADED and not path.name.startswith("ragshift_") and (
            not known or _matches(path.name, _LOADED)
        ):
            yield path
    if class_ref.rsplit(".", 1)[-1] == "Router":  # a Router's modules live in its own subfolders
        config = here / "router_config.json"
        config = config if config.is_file() else here / "config.json"
        types = _read_json(config).get("types", {}) if config.is_file() else {}
        for module_id, ref in types.items():
            yield from _module_files(root, (rel / module_id).as_posix(), str(ref))


def _matches(name: str, patterns: Sequence[str]) -> bool:
    return name != "data_config.json" and any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RagshiftError(f"{path}: not valid JSON ({exc}); the model folder is damaged") from None



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
