"""Run configuration: one small frozen pydantic model per section, loaded from TOML (or YAML).

Relative paths resolve against the config file's folder. To add a section elsewhere, subclass
``Section`` and either add a field to ``RunConfig`` or subclass it and pass ``model=`` to
``load_config``; error messages (unknown keys, valid keys) work for any section automatically.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ragshift.harness.answers.config import AnswersConfig
from ragshift.harness.bridge.config import BridgeSection
from ragshift.harness.compare.policy import RegressionPolicy
from ragshift.harness.compare.settings import CompareSettings
from ragshift.harness.cost import CostSettings
from ragshift.harness.errors import ConfigError, MissingDependency
from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.sections import ClassPath, ConfigPath, Section, _resolve, section
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.kinds import DEGRADED, EMBEDDER_KINDS, RENAMED
from ragshift.harness.metrics.spec import MetricSpec, parse_metrics, retrieval_depth
from ragshift.harness.paths import folder_problem, name_problem, safe_name

DEFAULT_METRICS = ("ndcg@10", "recall@5", "recall@10", "precision@5", "mrr", "map", "hit_rate@10")


def _metric_specs(value: Any) -> tuple[MetricSpec, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError('expected a list of metric names, e.g. ["ndcg@10", "mrr"]')
    try:
        return parse_metrics(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


MetricSpecs = Annotated[
    tuple[MetricSpec, ...],
    PlainValidator(_metric_specs),
    PlainSerializer(lambda specs: [s.label for s in specs], return_type=list[str]),
]


def _usable_folder(path: Path) -> Path:
    """A folder ragshift will write into: not under a regular file, writable (checked at load)."""
    problem = folder_problem(path)
    if problem:
        raise ValueError(problem)
    return path


class RunSection(Section):
    name: str = Field("ragshift", min_length=1, description="Run folder name; defaults to the config file's stem (made safe).")
    seed: int = 0
    output: ConfigPath = Field(Path("reports"), validate_default=True)
    offline: bool = True

    @model_validator(mode="before")
    @classmethod
    def _name_from_file(cls, data: Any, info: ValidationInfo) -> Any:
        stem = (info.context or {}).get("stem")
        if isinstance(data, dict) and stem and "name" not in data:
            return {**data, "name": safe_name(stem)}
        return data

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    _output_usable = field_validator("output")(_usable_folder)


class CorpusSection(Section):
    path: ConfigPath
    format: Literal["auto", "beir", "folder", "jsonl"] = "auto"
    split: str | None = Field("test", description='Queries of this split; "*" (or null) for all splits.')
    query_type_field: str | None = Field(None, description="Query metadata key of the query type (card.toml's, else query_type).")
    on_empty: Literal["skip", "error"] = Field(
        "skip", description="Documents with neither title nor text: skip them (warned, qrels kept) or refuse the corpus."
    )
    answers_field: str | None = Field(
        None, min_length=1, description="answers.jsonl field of the gold answers (card.toml's, else answers)."
    )

    @field_validator("split")
    @classmethod
    def _star_means_all(cls, value: str | None) -> str | None:
        return None if value == "*" else value


class DatasetSection(CorpusSection):
    """A further evaluation set next to the domain corpus (e.g. a general-domain one)."""

    name: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$")


class CompareSection(CompareSettings):
    """How ``ragshift eval`` compares embedders; ``baseline`` defaults to the first one."""

    baseline: str | None = None

    @property
    def settings(self) -> CompareSettings:
        """The comparison settings alone (without ``baseline``)."""
        return self.updated()


class ChunkingSection(Section):
    strategy: Literal["sentence", "none"] = "sentence"
    size: int = Field(256, ge=1, description="Chunk size in tokens.")
    overlap: int = Field(32, ge=0, description="Tokens shared by neighbouring chunks.")

    @model_validator(mode="after")
    def _overlap_below_size(self) -> ChunkingSection:
        if self.overlap >= self.size:
            raise ValueError(f"overlap ({self.overlap}) must be smaller than size ({self.size})")
        return self


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
EmbedderKindName = Literal[tuple(EMBEDDER_KINDS)]  # type: ignore[valid-type]


class EmbedderConfig(Section):
    """One system under test (one ``[[embedders]]`` table).

    ``model`` starting with ./ ../ or ~ is a path (resolved like other paths); otherwise a name.
    The keys each ``kind`` uses are declared in ``ragshift.harness.kinds``. ``kind = "testing.degraded"``
    (a test fake) is the embedder named by ``of`` plus deterministic noise (to prove gates work).
    """

    name: str
    kind: EmbedderKindName = "sentence-transformers"
    model: str = "all-MiniLM-L6-v2"
    query_prompt: str = ""
    document_prompt: str = ""
    normalize: bool = True
    max_length: int | None = Field(None, ge=1)
    batch_size: int = Field(32, ge=1)
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    dimensions: int | None = Field(None, ge=1)
    class_path: ClassPath | None = Field(None, description='"module:attr" of a LlamaIndex BaseEmbedding factory.')
    vocabulary: tuple[str, ...] = ()
    of: str | None = Field(None, description="The embedder a testing.degraded one adds noise to.")
    noise: float = Field(0.5, ge=0, description="Norm of the noise added to each unit vector.")
    pooling: Literal["cls", "mean"] | None = Field(None, description='kind = "onnx": token pooling; default: the packaged model\'s.')
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "torch", description='kind = "sentence-transformers": PyTorch, or the transformer exported to ONNX (fp32 / int8).'
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.fullmatch(value):
            raise ValueError(f"{value!r} must start with a letter or digit; then letters, digits, _ . -")
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _renamed_kind(cls, value: Any) -> Any:
        if isinstance(value, str) and value in RENAMED:
            raise ValueError(f'kind = "{value}" is now "{RENAMED[value]}" (a deterministic fake for tests)')
        return value

    @field_validator("model")
    @classmethod
    def _model_path(cls, value: str, info: ValidationInfo) -> str:
        if value.startswith(("./", "../", "~")):
            return str(_resolve(Path(value), info))
        return value

    @model_validator(mode="after")
    def _keys_fit_kind(self) -> EmbedderConfig:
        kind = EMBEDDER_KINDS[self.kind]
        stray = sorted(self.model_fields_set - {"name", "kind", *kind.options})
        if stray:
            raise ValueError(
                f"{', '.join(map(repr, stray))} not used by kind = \"{self.kind}\"; it uses: {', '.join(kind.options)}"
            )
        for required in kind.required:
            if required not in self.model_fields_set or not getattr(self, required):
                raise ValueError(f'kind = "{self.kind}" needs {required}' + (f" ({kind.hint})" if kind.hint else ""))
        return self

    def adapter_options(self) -> dict[str, Any]:
        """Keyword options for ``ragshift.adapters.embedders.factory.build_embedder(self.kind, ...)``.

        For ``openai`` the key is read from the environment variable ``api_key_env`` now (None if unset).
        """
        options = {key: getattr(self, key) for key in EMBEDDER_KINDS[self.kind].options}
        if "api_key_env" in options:
            options["api_key"] = os.environ.get(options.pop("api_key_env"))
        return options


SYSTEM_OPTIONS = {
    "dense": ("embedder", "chunking"),
    "bm25": ("k1", "b", "method", "chunking"),
    "hybrid": ("of", "fusion", "weights", "normalize", "rrf_k", "depth"),
    "rerank": ("of", "top_n", "cross_encoder"),
}
"""The keys each system kind uses besides ``name`` and ``kind``; setting any other is an error."""
FAKE_CROSS_ENCODER = "fake:token-overlap"
"""``cross_encoder`` value of the deterministic test fake (``ragshift.harness.testing.cross_scorers.TokenOverlapScorer``)."""


class SystemConfig(Section):
    """One retrieval system under test (one ``[[systems]]`` table): what a run evaluates and compares.

    ``dense``: the ``[[embedders]]`` entry ``embedder`` over a vector index, with its own ``chunking``
    when given (several dense systems over one embedder with different chunking = a chunking sweep).
    ``bm25``: bm25s over the chunks (``chunking`` or the run's). ``hybrid``: the systems ``of`` names,
    fused (``rrf`` or ``weighted``). ``rerank``: the top ``top_n`` of the system ``of`` re-scored by a
    cross-encoder (``ms-marco-MiniLM-L-12-v2`` = the packaged ONNX one; or a folder: ONNX export or
    sentence-transformers CrossEncoder; ``fake:token-overlap`` is the deterministic test fake).
    """

    name: str
    kind: Literal["dense", "bm25", "hybrid", "rerank"]
    embedder: str | None = None
    chunking: ChunkingSection | None = None
    k1: float = Field(1.5, ge=0)
    b: float = Field(0.75, ge=0, le=1)
    method: Literal["robertson", "lucene", "atire", "bm25l", "bm25+"] = "lucene"
    of: str | tuple[str, ...] | None = None
    fusion: Literal["rrf", "weighted"] = "rrf"
    weights: tuple[float, ...] = ()
    normalize: Literal["minmax", "zscore"] = "minmax"
    rrf_k: int = Field(60, ge=0)
    depth: int = Field(100, ge=1, description="hybrid: documents each part retrieves before fusing.")
    top_n: int = Field(100, ge=1, description="rerank: first-stage documents re-scored (and the most returned).")
    cross_encoder: str = "ms-marco-MiniLM-L-12-v2"

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        return EmbedderConfig._plain_name(value)

    @field_validator("cross_encoder")
    @classmethod
    def _encoder_path(cls, value: str, info: ValidationInfo) -> str:
        if value.startswith(("./", "../", "~")):
            return str(_resolve(Path(value), info))
        return value

    @model_validator(mode="after")
    def _keys_fit_kind(self) -> SystemConfig:
        usable = SYSTEM_OPTIONS[self.kind]
        stray = sorted(self.model_fields_set - {"name", "kind", *usable})
        if stray:
            raise ValueError(f"{', '.join(map(repr, stray))} not used by kind = \"{self.kind}\"; it uses: {', '.join(usable)}")
        if self.kind == "dense" and not self.embedder:
            raise ValueError('kind = "dense" needs embedder (the name of an [[embedders]] table)')
        if self.kind == "hybrid":
            if isinstance(self.of, str) or not self.of or len(self.of) < 2:
                raise ValueError('kind = "hybrid" needs of = [two or more system names]')
            if self.weights and len(self.weights) != len(self.of):
                raise ValueError(f"weights has {len(self.weights)} values for {len(self.of)} systems in of")
        if self.kind == "rerank" and not isinstance(self.of, str):
            raise ValueError('kind = "rerank" needs of = "<one system name>"')
        return self

    @property
    def parts(self) -> tuple[str, ...]:
        """The names of the systems this one is built on (none for dense and bm25)."""
        if self.of is None:
            return ()
        return (self.of,) if isinstance(self.of, str) else tuple(self.of)


def implicit_dense(spec: EmbedderConfig) -> SystemConfig:
    """The dense system every ``[[embedders]]`` table stands for (same name, the run's chunking)."""
    return SystemConfig(name=spec.name, kind="dense", embedder=spec.name)


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class StoreSection(Section):
    """Where the Chroma database lives: embedded in ``path`` (the default), or a Chroma server.

    A server is ``url`` (``"http://10.0.0.5:8000"``, ``"https://chroma.example.com/prefix"``) or
    ``host`` + ``port`` (+ ``ssl``). A server that wants a token reads it from the environment
    variable ``token_env`` names: the token itself never goes in a config file, so run cards,
    fingerprints and reports (which record the config) hold only the variable's name.
    """

    kind: Literal["chroma"] = "chroma"
    path: ConfigPath = Field(Path(".ragshift/chroma"), validate_default=True)
    url: str | None = Field(None, description="A Chroma server's base URL (instead of host/port/ssl).")
    host: str | None = None
    port: int | None = Field(None, ge=1, le=65535)
    ssl: bool = Field(False, description="https to host:port.")
    token_env: str | None = Field(None, description="Name of the environment variable holding the server's token.")
    token_header: Literal["authorization", "x-chroma-token"] = Field(
        "authorization", description='"authorization" sends `Authorization: Bearer <token>`; "x-chroma-token" sends `X-Chroma-Token: <token>`.'
    )
    fanout: int = Field(3, ge=1, description="Chunks fetched per wanted document.")

    @field_validator("token_header", mode="before")
    @classmethod
    def _header_any_case(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _plain_base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (raises ValueError on a bad port)
        except ValueError as exc:
            raise ValueError(f"url {value!r} is not a valid URL: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError('url must look like "http://host:port" or "https://host[/prefix]"')
        if parts.username is not None or parts.password is not None:
            raise ValueError("url must not hold credentials: put the token in an environment variable and name it in token_env")
        if parts.query or parts.fragment:
            raise ValueError("url must not have a query or a fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _server_needs_chroma(self) -> StoreSection:
        if self.server_url is None and (problem := folder_problem(self.path)):
            raise ValueError(f"path: {problem}")
        if self.port is not None and self.host is None:
            raise ValueError("port is set but host is not")
        if self.url is not None and (self.host is not None or self.ssl):
            raise ValueError("give either url or host/port/ssl, not both")
        if self.ssl and self.host is None:
            raise ValueError("ssl is set but host is not")
        if self.token_env is not None:
            if self.server_url is None:
                raise ValueError("token_env is set but no server is (url or host)")
            if not _ENV_NAME.fullmatch(self.token_env):
                raise ValueError("token_env must be the NAME of an environment variable (letters, digits, _), not a token")
        return self

    @property
    def server_url(self) -> str | None:
        """The Chroma server's base URL, or None for the embedded database in ``path``."""
        if self.url is not None:
            return self.url
        if self.host is None:
            return None
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.ssl else 'http'}://{host}:{self.port or 8000}"

    def server_token(self) -> str | None:
        """The token read from ``$token_env`` now (never stored); ConfigError when that variable is unset."""
        if self.token_env is None:
            return None
        token = os.environ.get(self.token_env, "")
        if not token:
            raise ConfigError(
                f"[store] token_env = {self.token_env!r}, but the environment variable {self.token_env} is "
                f"{'empty' if self.token_env in os.environ else 'not set'}: export {self.token_env}=<the Chroma server's token>"
            )
        return token


class CacheSection(Section):
    path: ConfigPath = Field(Path(".ragshift/cache"), validate_default=True)

    _path_usable = field_validator("path")(_usable_folder)


class EngineSection(Section):
    """Where corpus embedding runs (reindex, and the index build of eval/run); results are the same.

    ``kind = "local"`` embeds in this process, or with ``processes`` > 1 in sentence-transformers'
    multi-process pool. ``kind = "ray"`` runs one model replica per actor of a Ray Data actor pool:
    on the cluster at ``address``, or on a local one started here when it is unset. The ray keys may
    stay set with ``kind = "local"``: ``ragshift reindex --engine ray`` then uses them.
    """

    kind: Literal["local", "ray"] = "local"
    batch_size: int = Field(64, ge=1, description="Chunks per embedding batch (and per write to the collection).")
    processes: int = Field(1, ge=1, description="local: model processes (>1: sentence-transformers' multi-process pool).")
    address: str | None = Field(None, description='ray: "auto", "ray://head:10001", ...; unset starts a local cluster.')
    num_actors: int | None = Field(None, ge=1, description="ray: model replicas (default: one per GPU, else one per CPU).")
    gpus_per_actor: float | None = Field(None, ge=0, description="ray: default 1 where the cluster has GPUs, else 0.")
    cpus_per_actor: float = Field(0.5, gt=0, description="ray: below 1 so actors never take every CPU from Ray Data.")


class MetricsSection(Section):
    names: MetricSpecs = Field(DEFAULT_METRICS, validate_default=True)

    @property
    def specs(self) -> tuple[MetricSpec, ...]:
        """The parsed metrics, in the order given."""
        return self.names

    @property
    def depth(self) -> int:
        """How many documents each query retrieves: the largest cutoff among the metrics."""
        return retrieval_depth(self.names)


class RunConfig(Section):
    run: RunSection = section()
    corpus: CorpusSection
    chunking: ChunkingSection = section()
    embedders: tuple[EmbedderConfig, ...]
    systems: tuple[SystemConfig, ...] = ()
    store: StoreSection = section()
    cache: CacheSection = section()
    engine: EngineSection = section()
    metrics: MetricsSection = section()
    datasets: tuple[DatasetSection, ...] = ()
    compare: CompareSection = section()
    policy: RegressionPolicy = section()
    finetune: FinetuneConfig | None = None
    answers: AnswersConfig | None = None
    cost: CostSettings = section()
    bridge: BridgeSection | None = None

    @model_validator(mode="after")
    def _baseline_is_a_system(self) -> "RunConfig":
        _check_systems(self.embedders, self.systems)
        names = [s.name for s in self.all_systems]
        if self.compare.baseline is not None and self.compare.baseline not in names:
            raise ValueError(f"[compare] baseline {self.compare.baseline!r} is not a system; systems: {', '.join(names)}")
        datasets = [d.name for d in self.datasets]
        if len(set(datasets)) != len(datasets):
            raise ValueError("[[datasets]] names must be unique")
        return self

    def require_finetune(self) -> FinetuneConfig:
        """The ``[finetune]`` section, or a ConfigError saying the command needs one."""
        if self.finetune is None:
            raise ConfigError("this command needs a [finetune] section in the config (see configs/demo.toml)")
        return self.finetune

    @property
    def baseline(self) -> str:
        return self.compare.baseline or self.embedders[0].name

    @field_validator("embedders")
    @classmethod
    def _some_unique_names(cls, embedders: tuple[EmbedderConfig, ...]) -> tuple[EmbedderConfig, ...]:
        if not embedders:
            raise ValueError("at least one [[embedders]] table is needed")
        names = [e.name for e in embedders]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"embedder names must be unique; used more than once: {', '.join(twice)}")
        plain = [e.name for e in embedders if e.kind != DEGRADED]
        for e in embedders:
            if e.kind == DEGRADED and e.of not in plain:
                raise ValueError(f"{e.name!r}: of = {e.of!r} must name an embedder that is not degraded; choose from: {', '.join(plain) or 'none'}")
        return embedders

    @property
    def all_systems(self) -> tuple[SystemConfig, ...]:
        """Every system a run evaluates: one dense system per ``[[embedders]]`` table, then ``[[systems]]``."""
        return (*map(implicit_dense, self.embedders), *self.systems)

    def system(self, name: str) -> SystemConfig:
        """The system called ``name`` (an embedder's implicit dense one included); ``ConfigError`` lists the names."""
        for spec in self.all_systems:
            if spec.name == name:
                return spec
        raise ConfigError(f"no system named {name!r}; systems: {', '.join(s.name for s in self.all_systems)}")

    def embedder(self, name: str) -> EmbedderConfig:
        """The ``[[embedders]]`` table called ``name``; ``ConfigError`` lists the valid names."""
        for spec in self.embedders:
            if spec.name == name:
                return spec
        raise ConfigError(f"no embedder named {name!r}; embedders: {', '.join(e.name for e in self.embedders)}")

    def fingerprint(self) -> str:
        """Stable hash of every setting (paths included, as resolved)."""
        return stable_hash(self.model_dump(mode="json"))


def _check_systems(embedders: tuple[EmbedderConfig, ...], systems: tuple[SystemConfig, ...]) -> None:
    """Unique names across embedders and systems, known references, no cycle."""
    embedder_names = {e.name for e in embedders}
    taken = [s.name for s in systems if s.name in embedder_names]
    if taken:
        raise ValueError(f"[[systems]] names must differ from [[embedders]] names (each embedder is already a dense system): {', '.join(taken)}")
    names = [s.name for s in systems]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"[[systems]] names must be unique; used more than once: {', '.join(twice)}")
    known = sorted(embedder_names | set(names))
    by_name = {s.name: s for s in systems}
    for s in systems:
        if s.kind == "dense" and s.embedder not in embedder_names:
            raise ValueError(f"system {s.name!r}: embedder = {s.embedder!r} is not an [[embedders]] name; embedders: {', '.join(sorted(embedder_names))}")
        for part in s.parts:
            if part not in by_name and part not in embedder_names:
                raise ValueError(f"system {s.name!r}: of names unknown system {part!r}; systems: {', '.join(known)}")
    for s in systems:
        _no_cycle(s.name, by_name, [s.name])


def _no_cycle(name: str, by_name: dict[str, SystemConfig], path: list[str]) -> None:
    spec = by_name.get(name)
    for part in spec.parts if spec is not None else ():
        if part in path:
            raise ValueError(f"[[systems]] cycle: {' -> '.join([*path, part])}")
        _no_cycle(part, by_name, [*path, part])


Config = TypeVar("Config", bound=RunConfig)


def load_config(path: str | Path, model: type[Config] = RunConfig) -> Config:  # type: ignore[assignment]
    """Read, parse and validate a config file; every problem is a ``ConfigError`` naming the file."""
    path = Path(path)
    data = _read(path)
    context = {"base_dir": path.resolve().parent, "stem": path.stem}
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ConfigError("\n".join(f"{path}: {_describe(e, model)}" for e in exc.errors())) from None


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    elif path.suffix in (".yaml", ".yml"):
        data = _yaml(path, text)
    else:
        raise ConfigError(f"{path}: unsupported config file type {path.suffix!r}; use .toml (or .yaml)")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a table of sections")
    return data


def _yaml(path: Path, text: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise MissingDependency(f"{path}: YAML configs need pyyaml (pip install pyyaml), or use TOML") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (at line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{path}: invalid YAML: {getattr(exc, 'problem', None) or exc}{where}") from None


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_submodel, get_args(annotation))), None)


def _locate(loc: tuple[Any, ...], model: type[BaseModel]) -> tuple[str, list[str], type[BaseModel] | None]:
    """``("embedders", 1, "size")`` -> ``("[[embedders]] #2", ["size"], EmbedderConfig)``."""
    header, keys, owner = "", [], model
    for key in loc:
        if isinstance(key, int):
            if keys:
                keys[-1] += f"[{key}]"
            else:
                header += f" #{key + 1}"
            continue
        field = owner.model_fields.get(key) if owner is not None else None
        if header:
            keys.append(str(key))
        else:
            many = field is not None and get_origin(field.annotation) in (tuple, list)
            header = f"[[{key}]]" if many else f"[{key}]"
        owner = _submodel(field.annotation) if field is not None else None
    return header, keys, owner


def _describe(error: Any, model: type[BaseModel]) -> str:
    """One pydantic error as 'where: what'; unknown keys come with the valid ones."""
    loc = tuple(error["loc"])
    if error["type"] in ("extra_forbidden", "missing") and loc:
        header, keys, owner = _locate(loc[:-1], model)
        name = ".".join([*keys, str(loc[-1])])
        if error["type"] == "missing" and not header:
            return f"missing required section {_locate(loc, model)[0]}"
        if error["type"] == "missing":
            return f"{header} missing required key {name!r}"
        valid = ", ".join(f.alias or n for n, f in owner.model_fields.items()) if owner is not None else ""
        if not header:
            return f"unknown section [{name}]; valid sections: {valid}"
        return f"{header} unknown key {name!r}; valid keys: {valid}"
    header, keys, owner = _locate(loc, model)
    message = re.sub(r"^(Value|Assertion) error, ", "", error["msg"])
    key = re.match(r"(\w+): ", message)
    if not keys and owner is not None and key and key[1] in owner.model_fields:  # a section's check about one key
        keys, message = [key[1]], message[key.end():]
    where = " ".join(filter(None, [header, ".".join(keys)]))
    return f"{where}: {message}" if where else message
