"""One sqlite connection per operation, shared by the on-disk caches (safe across processes)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

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
