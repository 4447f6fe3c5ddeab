"""``MemoryAliasStore``: aliases in a dict, for tests of promote/rollback logic."""

from __future__ import annotations

from ragshift.harness.shipping.aliases import Alias


class MemoryAliasStore:
    def __init__(self) -> None:
        self._aliases: dict[str, Alias] = {}

    def get(self, name: str) -> Alias | None:
        return self._aliases.get(name)

    def put(self, alias: Alias) -> None:
        self._aliases[alias.name] = alias

    def all(self) -> list[Alias]:
        return [self._aliases[n] for n in sorted(self._aliases)]
