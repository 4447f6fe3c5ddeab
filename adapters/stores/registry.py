"""Aliases kept inside the Chroma database itself, so every client of a server sees the same ones.

One record per alias in the collection ``ragshift-aliases`` (document = the alias as JSON). Chroma
writes a record in one transaction, so a switch is atomic: readers see the old or the new target.
"""

from __future__ import annotations

from typing import Any

from chromadb.errors import NotFoundError

from ragshift.adapters.stores.refuse_embedding import RefuseToEmbed
from ragshift.harness.shipping.aliases import Alias

REGISTRY = "ragshift-aliases"
_VECTOR = [1.0]  # Chroma stores a vector with every record; aliases need none


def registry_collection(client: Any) -> Any:
    """The registry collection (aliases and server write leases), created on first use."""
    return client.get_or_create_collection(REGISTRY, metadata={"ragshift:role": "registry"}, embedding_function=RefuseToEmbed())


class ChromaAliasStore:
    """``AliasStore`` over a Chroma client (embedded or server). Lease records (``lock:...``) are skipped.

    Reading never creates the registry (a store without aliases stays untouched); the first ``put`` does.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    def _registry(self, *, create: bool) -> Any:
        if create:
            return registry_collection(self._client)
        try:
            return self._client.get_collection(REGISTRY, embedding_function=RefuseToEmbed())
        except NotFoundError:
            return None

    def get(self, name: str) -> Alias | None:
        registry = self._registry(create=False)
        found = registry.get(ids=[name], include=["documents"]) if registry is not None else {"ids": []}
        return Alias.from_json(found["documents"][0]) if found["ids"] else None

    def put(self, alias: Alias) -> None:
        self._registry(create=True).upsert(
            ids=[alias.name], embeddings=[_VECTOR], documents=[alias.to_json()],
            metadatas=[{"collection": alias.collection}],
        )

    def all(self) -> list[Alias]:
        registry = self._registry(create=False)
        if registry is None:
            return []
        found = registry.get(include=["documents"])
        aliases = (Alias.from_json(d) for i, d in zip(found["ids"], found["documents"]) if not i.startswith("lock:"))
        return sorted(aliases, key=lambda a: a.name)
