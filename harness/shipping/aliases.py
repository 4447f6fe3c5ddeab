"""Named aliases (blue/green): an app opens ``production``; promote and rollback move what it points at.

An ``Alias`` is an immutable value; ``promoted`` and ``rolled_back`` return the next value, and an
``AliasStore`` (Chroma in ``ragshift.adapters.stores.registry``, a dict in ``ragshift.harness.testing``) saves it in one
atomic write. Collections an alias pointed at before stay in ``previous`` until dropped.

An alias may serve its collection through a bridge (``ragshift bridge``): new-model queries mapped into
the space of the model that wrote the collection. ``bridge`` then records which folder and which
fingerprints; ``previous_bridges`` does the same for each entry of ``previous`` (None: served plainly).
Records written before bridges existed read as plain, and the keys are only written when used.
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
class BridgeRef:
    """The bridge an alias serves its collection through: the folder, the bridged embedder's fingerprint,
    the document fingerprint it maps into (``source``: the model that wrote the collection) and the
    fingerprint of the model whose queries it maps (``target``)."""

    path: str
    fingerprint: str
    source: str
    target: str
    source_name: str = ""
    target_name: str = ""
    map: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "fingerprint": self.fingerprint, "from": self.source, "to": self.target,
                "from_name": self.source_name, "to_name": self.target_name, "map": self.map}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> BridgeRef | None:
        if not data:
            return None
        return cls(data["path"], data["fingerprint"], data["from"], data["to"], data.get("from_name", ""),
                   data.get("to_name", ""), data.get("map", ""))

    def label(self) -> str:
        """``bridge <folder> (<map>; <to name> <to fp> → <from name> <from fp>)``."""
        return (f"bridge {self.path} ({self.map}; {self.target_name} {self.target} → {self.source_name} {self.source})"
                .replace("(; ", "(").replace("  ", " "))


Target = tuple[str, BridgeRef | None]
"""What an alias serves: a collection, and the bridge its queries go through (None: the collection's own model)."""


@dataclass(frozen=True)
class Alias:
    """``name`` → ``collection`` (through ``bridge`` when set); ``previous`` holds earlier targets' collections,
    most recent last, and ``previous_bridges`` their bridges (empty: none was bridged)."""

    name: str
    collection: str
    previous: tuple[str, ...] = ()
    history: tuple[dict[str, Any], ...] = field(default=(), compare=False)
    bridge: BridgeRef | None = None
    previous_bridges: tuple[BridgeRef | None, ...] = ()

    def __post_init__(self) -> None:
        bridges = self.previous_bridges
        if not any(bridges):
            object.__setattr__(self, "previous_bridges", ())
        elif len(bridges) != len(self.previous):
            raise ValueError(f"alias {self.name!r}: {len(bridges)} previous bridges for {len(self.previous)} previous collections")

    @property
    def target(self) -> Target:
        return (self.collection, self.bridge)

    def previous_targets(self) -> tuple[Target, ...]:
        """Earlier targets, most recent last."""
        bridges = self.previous_bridges or (None,) * len(self.previous)
        return tuple(zip(self.previous, bridges))

    def to_json(self) -> str:
        data: dict[str, Any] = {"name": self.name, "collection": self.collection, "previous": list(self.previous),
                                "history": list(self.history)}
        if self.bridge is not None:
            data["bridge"] = self.bridge.to_dict()
        if self.previous_bridges:
            data["previous_bridges"] = [b.to_dict() if b else None for b in self.previous_bridges]
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Alias:
        data = json.loads(text)
        return cls(data["name"], data["collection"], tuple(data["previous"]), tuple(data.get("history", ())),
                   BridgeRef.from_dict(data.get("bridge")),
                   tuple(BridgeRef.from_dict(b) for b in data.get("previous_bridges") or ()))


def describe_target(target: Target) -> str:
    """``collection`` or ``collection via bridge <folder> (...)``."""
    collection, bridge = target
    return collection if bridge is None else f"{collection} via {bridge.label()}"


def same_target(a: Target, b: Target) -> bool:
    """The same collection, served the same way (no bridge, or a bridge of the same fingerprint)."""
    return a[0] == b[0] and (a[1].fingerprint if a[1] else None) == (b[1].fingerprint if b[1] else None)


def _with_targets(alias: Alias, current: Target, previous: tuple[Target, ...], event: dict[str, Any]) -> Alias:
    return replace(alias, collection=current[0], bridge=current[1], previous=tuple(c for c, _ in previous),
                   previous_bridges=tuple(b for _, b in previous), history=alias.history + (event,))


def _event(action: str, to: Target, was: Target | None) -> dict[str, Any]:
    event: dict[str, Any] = {"at": now(), "action": action, "to": to[0], "from": was[0] if was else None}
    if to[1] is not None:
        event["to_bridge"] = to[1].path
    if was is not None and was[1] is not None:
        event["from_bridge"] = was[1].path
    return event


def promoted(current: Alias | None, name: str, collection: str, *, note: str = "", bridge: BridgeRef | None = None) -> Alias:
    """The alias after pointing ``name`` at ``collection`` (through ``bridge``; the old target is kept for rollback)."""
    check_alias_name(name)
    target: Target = (collection, bridge)
    event = _event("promote", target, current.target if current else None)
    if note:
        event["note"] = note
    if current is None:
        return Alias(name, collection, (), (event,), bridge)
    if same_target(current.target, target):
        raise ConfigError(f"alias {name!r} already points at {describe_target(target)}")
    previous = tuple(t for t in current.previous_targets() if not same_target(t, target)) + (current.target,)
    return _with_targets(current, target, previous, event)


def rolled_back(current: Alias) -> Alias:
    """The alias pointing at its previous target (collection, and bridge when it had one) again."""
    if not current.previous:
        raise ConfigError(f"alias {current.name!r} has no previous collection to roll back to")
    *rest, target = current.previous_targets()
    return _with_targets(current, target, tuple(rest), _event("rollback", target, current.target))


def without(current: Alias, collection: str) -> Alias:
    """The alias forgetting a dropped previous collection (rollback can no longer reach it)."""
    event = {"at": now(), "action": "forget", "collection": collection}
    kept = tuple(t for t in current.previous_targets() if t[0] != collection)
    return replace(current, previous=tuple(c for c, _ in kept), previous_bridges=tuple(b for _, b in kept),
                   history=current.history + (event,))


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
