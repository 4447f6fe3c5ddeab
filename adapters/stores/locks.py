"""One writer at a time per target: an OS file lock (embedded Chroma) or a lease record (server).

Embedded Chroma is not safe for two writing processes, so the lock covers the whole folder. It dies
with its process (``kill -9`` included), so a rerun can take it at once. The holder's pid, host and
start time sit beside the lock, for the message the second writer gets.

On a server, the lock of a collection is a lease record in the registry collection: written, read
back after a pause (the last writer of a race wins and the other sees it lost), renewed after every
batch, deleted at the end. A killed writer's lease expires after ``LEASE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

from filelock import FileLock, Timeout

from ragshift.harness.errors import StoreBusy
from ragshift.harness.shipping.aliases import now


@contextlib.contextmanager
def folder_write_lock(folder: Path, *, wait: float = 0.0, what: str = "") -> Iterator[Callable[[], None]]:
    """Hold the write lock of an embedded store at ``folder``; ``StoreBusy`` after ``wait`` seconds."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder.with_name(folder.name + ".write.lock")))
    owner = folder.with_name(folder.name + ".write.owner")
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise StoreBusy(
            f"{folder} is being written by another process ({_holder(owner)}); "
            f"waited {wait:g} s. Wait for it to finish, or pass --wait SECONDS"
        ) from None
    try:
        owner.write_text(json.dumps(_me(what)))
        yield lambda: None
    finally:
        owner.unlink(missing_ok=True)
        lock.release()


LEASE_SECONDS = 120.0
SETTLE_SECONDS = 0.3


@contextlib.contextmanager
def server_write_lock(client: Any, collection: str, *, wait: float = 0.0, what: str = "") -> Iterator[Callable[[], None]]:
    """Hold the lease on ``collection`` in a Chroma server's registry; yields ``renew()``."""
    from ragshift.adapters.stores.registry import registry_collection

    registry = registry_collection(client)
    key, token = f"lock:{collection}", uuid.uuid4().hex
    deadline = time.monotonic() + wait

    def write() -> None:
        registry.upsert(ids=[key], embeddings=[[1.0]], documents=[""],
                        metadatas=[{**_me(what), "token": token, "expires": time.time() + LEASE_SECONDS}])

    def holder() -> dict[str, Any] | None:
        found = registry.get(ids=[key], include=["metadatas"])
        return dict(found["metadatas"][0]) if found["ids"] else None

    while True:
        held = holder()
        if held is None or float(held.get("expires", 0)) < time.time():
            write()
            time.sleep(SETTLE_SECONDS)
            held = holder()
            if held is not None and held.get("token") == token:
                break
        if time.monotonic() >= deadline:
            raise StoreBusy(
                f"collection {collection} is being written by another process ({_describe(held or {})}); "
                f"waited {wait:g} s. Wait for it to finish, or pass --wait SECONDS"
            )
        time.sleep(0.5)
    try:
        yield write
    finally:
        held = holder()
        if held is not None and held.get("token") == token:
            registry.delete(ids=[key])


def _me(what: str) -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": now(), "what": what}


def _holder(owner: Path) -> str:
    try:
        return _describe(json.loads(owner.read_text()))
    except (OSError, ValueError):
        return "holder unknown"


def _describe(info: dict[str, Any]) -> str:
    if not info:
        return "holder unknown"
    return f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')}: {info.get('what') or 'writing'}"
