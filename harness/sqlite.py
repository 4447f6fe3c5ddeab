"""One sqlite connection per operation, shared by the on-disk caches (safe across processes)."""

from __future__ import annotations

import sqlite3
import struct
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


_MAGIC = b"SQLite format 3\x00"


def header_problem(path: Path) -> str | None:
    """Why ``path`` is not a whole sqlite file (not sqlite; shorter than its header says, i.e. a partial
    copy), or None. Skipped (None) for a missing or empty file, and while a ``-wal`` file exists: another
    connection is live and the header may be in flux."""
    wal = path.with_name(path.name + "-wal")
    if not path.exists() or path.stat().st_size == 0 or wal.exists():
        return None
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(_MAGIC):
        return "not an sqlite database"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    size_is_valid = header[24:28] == header[92:96]
    if size_is_valid and path.stat().st_size < page_size * pages:
        return f"truncated: header says {page_size * pages} bytes, file has {path.stat().st_size}"
    return None


def table_columns(db: sqlite3.Connection, table: str) -> list[str]:
    """Column names of ``table`` in order (empty when it does not exist)."""
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
