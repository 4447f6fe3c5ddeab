"""Named aliases (blue/green): an app opens ``production``; promote and rollback move what it points at.

An ``Alias`` is an immutable value; ``promoted`` and ``rolled_back`` return the next value, and an
``AliasStore`` (Chroma in ``ragshift.adapters.stores.registry``, a dict in ``ragshift.harness.testing``) saves it in one
atomic write. Collections an alias pointed at before stay in ``previous`` until dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Protocol, runtime_checkable

from ragshift.harness.errors import ConfigError

_ALIAS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")


def check_alias_name(name: str) -> str:
    if not _ALIAS.fullmatch(name):
        raise ConfigError(f"alias {name!r}: use 1-63 letters, digits, _ . - (starting with a letter or digit)")
    return name


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Alias:
    """``name`` → ``collection``; ``previous`` holds earlier targets, most recent last."""

    name: str
    collection: str
    previous: tuple[str, ...] = ()
    history: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def to_json(self) -> str:
        return json.dumps(
            {"name": self.name, "collection": self.collection, "previous": list(self.previous), "history": list(self.history)},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Alias:
        data = json.loads(text)
        return cls(data["name"], data["collection"], tuple(data["previous"]), tuple(data.get("history", ())))


def promoted(current: Alias | None, name: str, collection: str, *, note: str = "") -> Alias:
    """The alias after pointing ``name`` at ``collection`` (the old target is kept for rollback)."""
    check_alias_name(name)
    event = {"at": now(), "action": "promote", "to": collection, "from": current.collection if current else None}
    if note:
        event["note"] = note
    if current is None:
        return Alias(name, collection, (), (event,))
    if current.collection == collection:
        raise ConfigError(f"alias {name!r} already points at {collection}")
    previous = tuple(c for c in current.previous if c != collection) + (current.collection,)
    return replace(current, collection=collection, previous=previous, history=current.history + (event,))


def rolled_back(current: Alias) -> Alias:
    """The alias pointing at its previous collection again."""
    if not current.previous:
        raise ConfigError(f"alias {current.name!r} has no previous collection to roll back to")
    target = current.previous[-1]
    event = {"at": now(), "action": "rollback", "to": target, "from": current.collection}
    return replace(current, collection=target, previous=current.previous[:-1], history=current.history + (event,))


def without(current: Alias, collection: str) -> Alias:
    """The alias forgetting a dropped previous collection (rollback can no longer reach it)."""
    event = {"at": now(), "action": "forget", "collection": collection}
    return replace(current, previous=tuple(c for c in current.previous if c != collection), history=current.history + (event,))


@runtime_checkable
class AliasStore(Protocol):
    """Where aliases live. ``put`` replaces one alias in a single atomic write."""

    def get(self, name: str) -> Alias | None: ...

    def put(self, alias: Alias) -> None: ...

    def all(self) -> list[Alias]: ...


def resolve(store: AliasStore, name: str) -> Alias:
    """The alias ``name``; ``ConfigError`` lists the aliases that exist."""
    found = store.get(name)
    if found is None:
        present = ", ".join(sorted(a.name for a in store.all())) or "none"
        raise ConfigError(f"no alias {name!r}; aliases present: {present} (create one with `ragshift promote`)")
    return found
