"""One sqlite connection per operation, shared by the on-disk caches (safe across processes)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from ragshift.harness.errors import RagshiftError


@contextmanager
def connect(path: Path, *, timeout: float, what: str, unusable: Callable[[str], Exception]) -> Iterator[sqlite3.Connection]:
    """Autocommit connection; a failed transaction is rolled back and reported as a RagshiftError.

    ``what`` names the file in messages ("embedding cache"); ``unusable(problem)`` builds the error
    for a damaged database.
    """
    try:
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise RagshiftError(f"cannot open {what} {path}: {exc}") from exc
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        if db.in_transaction:
            db.rollback()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise RagshiftError(f"{what} {path} stayed locked for {timeout}s") from exc
        raise unusable(str(exc)) from exc
    finally:
        db.close()


BATCH = 500
"""Keys per ``IN (...)`` query, well under sqlite's bound-parameter limit."""


def create_tables(db: sqlite3.Connection, statements: Iterable[str]) -> None:
    """Write-ahead logging (readers never wait for the writer) and the cache's ``CREATE TABLE IF NOT EXISTS``."""
    db.execute("PRAGMA journal_mode=WAL")
    for statement in statements:
        db.execute(statement)


def select_in(db: sqlite3.Connection, query: str, keys: Sequence[str], *, params: Sequence[object] = ()) -> Iterator[tuple]:
    """Rows of ``query`` (ending in ``IN ({marks})``) for every distinct key, ``BATCH`` keys per statement;
    ``params`` bind the placeholders before the ``IN`` list."""
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        yield from db.execute(query.format(marks=",".join("?" * len(batch))), (*params, *batch))
