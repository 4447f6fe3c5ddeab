"""Chroma as the vector store: embedded (PersistentClient) by default, or a server (HttpClient).

Chroma never embeds anything here: vectors always come from a ragshift Embedder, and every
collection is opened with an embedding function that raises if Chroma ever tries. This module is
the only one that sees a Chroma distance: queries answer cosine similarity (``1 - distance``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import chromadb
import numpy as np
from chromadb.config import Settings
from chromadb.errors import NotFoundError

from ragshift.adapters.stores.refuse_embedding import RefuseToEmbed
from ragshift.adapters.stores.registry import REGISTRY, ChromaAliasStore
from ragshift.harness.errors import ConfigError, FingerprintMismatch
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import EMBEDDER_TAG, collection_tags, require_collection_tags
from ragshift.harness.types import Chunk, Hit

HASH_KEY = "hash"
_NOT_FOR_HITS = ("doc_id", HASH_KEY)  # stored per chunk, but not what ``Hit.meta`` carries
FALLBACK_BATCH = 1000  # servers that don't report a max batch size answer -1


HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}
"""Chroma's graph settings: wider than its defaults so the approximate search matches exact cosine
on corpora of this size (the SciFact benchmark checks the difference)."""


_SQL_VARIABLES = 16_000
"""Queries x k per Chroma query call: SQLite refuses a statement with more than 32,766 variables."""

class ChromaIndex:
    """StoredIndex over one Chroma collection in cosine space; ``score = 1 - distance``."""

    def __init__(self, collection: Any, batch_size: int) -> None:
        self.collection = collection
        self._batch = batch_size

    @property
    def name(self) -> str:
        return self.collection.name

    @property
    def tags(self) -> dict[str, Any]:
        return dict(self.collection.metadata or {})

    @property
    def embedder_fingerprint(self) -> str | None:
        return self.tags.get(EMBEDDER_TAG)

    def require_embedder(self, fingerprint: str, action: str = "use") -> None:
        """Refuse to mix vector spaces: the collection must hold vectors of this embedder."""
        recorded = self.embedder_fingerprint
        if recorded != fingerprint:
            raise FingerprintMismatch(
                f"refusing to {action} collection {self.name!r} with embedder {fingerprint!r}: it holds vectors of "
                f"embedder {recorded!r}; another model version needs its own collection (`ragshift reindex`)"
            )

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, *, fingerprint: str) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        self.require_embedder(fingerprint, "write to")
        vectors = np.asarray(embeddings, dtype=np.float32)
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self.collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[start : start + self._batch],
                documents=[c.text for c in part],
                metadatas=[{"doc_id": c.doc_id, "position": c.position, HASH_KEY: text_hash(c.text)} for c in part],
            )

    def remove(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self._batch):
            self.collection.delete(ids=list(ids[start : start + self._batch]))

    def query(self, embeddings: np.ndarray, *, k: int, fingerprint: str) -> list[list[Hit]]:
        self.require_embedder(fingerprint, "query")
        if len(embeddings) == 0:
            return []
        vectors = np.asarray(embeddings, dtype=np.float32)
        step = max(1, _SQL_VARIABLES // max(k, 1))  # Chroma's SQLite binds queries x k variables in one statement
        out: list[list[Hit]] = []
        for start in range(0, len(vectors), step):
            res = self.collection.query(  # fewer than k stored (or none): Chroma answers what there is
                query_embeddings=vectors[start : start + step],
                n_results=k,
                include=["documents", "metadatas", "distances"],
            )
            out += [
                sorted((_hit(*row) for row in zip(*rows)), key=lambda h: (-h.score, h.chunk_id))
                for rows in zip(res["ids"], res["documents"], res["metadatas"], res["distances"])
            ]
        return out

    def count(self) -> int:
        return self.collection.count()

    def hashes(self) -> dict[str, str]:
        """Chunk id → sha256 of the text its vector was made from ("" for records written without one)."""
        found: dict[str, str] = {}
        for start in range(0, self.count(), self._batch):
            page = self.collection.get(include=["metadatas"], limit=self._batch, offset=start)
            found.update({i: str((m or {}).get(HASH_KEY, "")) for i, m in zip(page["ids"], page["metadatas"])})
        return found

    def update_tags(self, tags: Mapping[str, Any]) -> None:
        """Merge ``tags`` into the collection's metadata (e.g. completion state after a reindex)."""
        self.collection.modify(metadata={**self.tags, **tags})

    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])


def _hit(chunk_id: str, text: str, meta: Mapping[str, Any] | None, distance: float) -> Hit:
    meta = meta or {}
    extra = {k: v for k, v in meta.items() if k not in _NOT_FOR_HITS}
    return Hit(doc_id=meta["doc_id"], score=1.0 - distance, chunk_id=chunk_id, text=text, meta=extra)


class ChromaStore:
    """VectorStore over one Chroma database: a server when ``url`` is given, else the folder ``path``.

    ``url`` is a Chroma server's base URL (``chroma run``, or a reverse proxy in front of one);
    ``token`` goes in the ``token_header`` a proxy checks (``"authorization"`` → ``Authorization:
    Bearer <token>``, ``"x-chroma-token"`` → ``X-Chroma-Token: <token>``, Chroma's own two forms);
    ``token_source`` names where it came from (``"$CHROMA_TOKEN"``) in error messages, which never
    show the token. An unreachable server or a refused token is a ``RagshiftError`` saying so.
    ``location`` is the folder or the URL, for messages.
    """

    TOKEN_HEADERS = {"authorization": "Authorization", "x-chroma-token": "X-Chroma-Token"}
    CONNECT_TIMEOUT = 10.0
    """Seconds the first request to a server may take (Chroma's own client then waits without limit)."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        url: str | None = None,
        token: str | None = None,
        token_header: str = "authorization",
        token_source: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        if url is not None:
            url = url.rstrip("/")
            sent = {**(headers or {}), **self._token_headers(token, token_header, token_source)}
            sent_token = None if token is None else f"the token from {token_source}" if token_source else "the given token"
            self._check_server(url, sent, sent_token=sent_token)
            self.client = self._http_client(url, sent, settings)
            self.location = url
            self._folder = None
        elif path is not None:
            self.client = self._embedded_client(Path(path), settings)
            self.location = str(path)
            self._folder = Path(path)
        else:
            raise ConfigError("ChromaStore needs a path (embedded database) or a url/host (Chroma server)")
        reported = self.client.get_max_batch_size()
        self.batch_size = reported if reported > 0 else FALLBACK_BATCH

    @classmethod
    def from_section(cls, section: Any) -> ChromaStore:
        """The store a ``[store]`` section (``ragshift.harness.config.StoreSection``) describes; the token is read from
        ``$token_env`` now (ConfigError when unset). Product code opens it through ``ragshift.harness.systems.open_store``."""
        url = section.server_url
        if url is None:
            return cls(section.path)
        return cls(
            url=url,
            token=section.server_token(),
            token_header=section.token_header,
            token_source=f"${section.token_env}" if section.token_env else None,
        )

    @classmethod
    def _token_headers(cls, token: str | None, header: str, source: str | None) -> dict[str, str]:
        if header not in cls.TOKEN_HEADERS:
            raise ConfigError(f"token_header {header!r} is not one of: {', '.join(cls.TOKEN_HEADERS)}")
        if token is None:
            return {}
        if not token or not all(c.isascii() and c.isprintable() and not c.isspace() for c in token):
            raise ConfigError(
                f"{f'the token in {source}' if source else 'the given token'} is empty or has characters an HTTP header cannot carry "
                "(spaces, a newline, non-ASCII): Chroma tokens are ASCII letters, digits and punctuation"
            )
        name = cls.TOKEN_HEADERS[header]
        return {name: f"Bearer {token}" if name == "Authorization" else token}

    @classmethod
    def _check_server(cls, url: str, headers: Mapping[str, str], *, sent_token: str | None) -> None:
        """One request before Chroma's client makes its own, so that failures read as what they are."""
        from urllib.parse import urlsplit

        import httpx

        from ragshift.harness.errors import RagshiftError

        probe = f"{url}/api/v2/auth/identity"
        try:
            response = httpx.get(probe, headers=dict(headers), timeout=cls.CONNECT_TIMEOUT)
        except httpx.TimeoutException:
            raise RagshiftError(f"the Chroma server at {url} did not answer within {cls.CONNECT_TIMEOUT:g} s") from None
        except httpx.HTTPError as exc:  # refused, unknown host, TLS failure
            parts = urlsplit(url)
            start = (
                f"start one with `chroma run --path <folder> --host {parts.hostname} --port {parts.port or 80}`"
                if parts.scheme == "http" and not parts.path
                else "check that the server (and any proxy in front of it) runs"
            )
            raise RagshiftError(
                f"no Chroma server at {url} ({exc or type(exc).__name__}): {start}, or fix [store] url / host / port"
            ) from None
        code = response.status_code
        if code in (401, 403):
            if sent_token is None:
                raise RagshiftError(
                    f"the Chroma server at {url} wants a token (HTTP {code}): export it in an environment variable "
                    "and name that variable in [store] token_env"
                )
            sent_as = next((h for h in cls.TOKEN_HEADERS.values() if h in headers), "a header")
            raise RagshiftError(
                f"the Chroma server at {url} refused {sent_token} (HTTP {code}): check the token, "
                f"and [store] token_header (it was sent as {sent_as})"
            )
        if not 200 <= code < 300:
            moved = f" to {response.headers['location']}" if 300 <= code < 400 and "location" in response.headers else ""
            raise RagshiftError(
                f"{url} does not answer like a Chroma server (version >= 1.0): GET {probe} gave HTTP {code}{moved} "
                f"{response.text[:200]!r}"
            )

    @staticmethod
    def _embedded_client(path: Path, settings: Settings) -> Any:
        from chromadb.errors import ChromaError

        from ragshift.harness.errors import RagshiftError

        try:
            return chromadb.PersistentClient(path=str(path), settings=settings)
        except ChromaError as exc:  # a damaged or foreign chroma.sqlite3
            raise RagshiftError(
                f"{path / 'chroma.sqlite3'}: not a readable Chroma database ({exc}); "
                "move the folder aside (a rerun rebuilds it) or point [store] path at another folder"
            ) from None

    @staticmethod
    def _http_client(url: str, headers: Mapping[str, str], settings: Settings) -> Any:
        from urllib.parse import urlsplit

        from ragshift.harness.errors import RagshiftError

        parts = urlsplit(url)
        https = parts.scheme == "https"
        try:
            # A full URL as host: Chroma's client keeps its scheme, port and path prefix.
            return chromadb.HttpClient(
                host=url, port=parts.port or (443 if https else 80), ssl=https, headers=dict(headers), settings=settings
            )
        except ValueError as exc:  # the server went away between the check and now, or an unknown tenant/database
            raise RagshiftError(f"the Chroma server at {url}: {exc}") from None

    def collections(self) -> dict[str, dict[str, Any]]:
        return {c.name: dict(c.metadata or {}) for c in self.client.list_collections() if c.name != REGISTRY}

    def open(self, name: str) -> ChromaIndex:
        """An existing collection (never creates one); ``ConfigError`` lists the collections present."""
        collection = None
        if name != REGISTRY:
            with contextlib.suppress(NotFoundError):
                collection = self.client.get_collection(name, embedding_function=RefuseToEmbed())
        if collection is None:
            present = ", ".join(sorted(self.collections())) or "none"
            raise ConfigError(f"no Chroma collection {name!r}; collections present: {present}")
        return ChromaIndex(collection, self.batch_size)

    def create(
        self, name: str, *, embedder_fingerprint: str, dimension: int, tags: Mapping[str, Any]
    ) -> ChromaIndex:
        """Create (cosine space) or open ``name``; refuse one written by another embedder or setup.

        ``tags`` (e.g. corpus and chunker fingerprints) must match too.
        """
        if name == REGISTRY:
            raise ConfigError(f"{REGISTRY!r} is the alias registry, not a collection")
        wanted = collection_tags(tags, embedder_fingerprint=embedder_fingerprint, dimension=dimension)
        collection = self.client.get_or_create_collection(
            name,
            configuration={"hnsw": HNSW},
            metadata=wanted,
            embedding_function=RefuseToEmbed(),
        )
        index = ChromaIndex(collection, self.batch_size)
        require_collection_tags(name, index.tags, wanted)
        return index

    def drop(self, name: str) -> None:
        self.open(name)  # ConfigError naming those present
        self.client.delete_collection(name)

    def aliases(self) -> ChromaAliasStore:
        """The aliases, kept in the database itself (every client of a server sees the same ones)."""
        return ChromaAliasStore(self.client)

    @contextlib.contextmanager
    def write_lock(self, collection: str, *, wait: float = 0.0, what: str = "") -> Iterator[Callable[[], None]]:
        """Embedded: the OS file lock of the whole folder (one writer per folder). Server: a lease record
        on ``collection`` in the registry, renewed by the ``renew()`` it yields."""
        from ragshift.adapters.stores.locks import folder_write_lock, server_write_lock

        held = (
            folder_write_lock(self._folder, wait=wait, what=what)
            if self._folder is not None
            else server_write_lock(self.client, collection, wait=wait, what=what)
        )
        with held as renew:
            yield renew
