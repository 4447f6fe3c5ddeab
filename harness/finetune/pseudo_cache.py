"""On-disk cache (one sqlite file) of generated pseudo-queries, keyed by (source fingerprint, chunk hash).

The raw generator answer is stored, so a change in how answers are parsed needs no regeneration.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from ragshift.harness.errors import RagshiftError
from ragshift.harness.sqlite import connect, create_tables, select_in

FILE = "pseudo_queries.sqlite"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pseudo_queries (source TEXT NOT NULL, chunk_sha256 TEXT NOT NULL, "
    "answer TEXT NOT NULL, PRIMARY KEY (source, chunk_sha256)) WITHOUT ROWID"
)


class PseudoQueryCache:
    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            create_tables(db, [_SCHEMA])

    def get(self, source: str, hashes: Sequence[str]) -> dict[str, str]:
        """Stored answers of ``source`` for these chunk hashes (missing ones are absent)."""
        query = "SELECT chunk_sha256, answer FROM pseudo_queries WHERE source = ? AND chunk_sha256 IN ({marks})"
        with self._connect() as db:
            return dict(select_in(db, query, hashes, params=(source,)))

    def put(self, source: str, answers: Mapping[str, str]) -> None:
        if not answers:
            return
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO pseudo_queries VALUES (?, ?, ?)", [(source, h, a) for h, a in answers.items()])
            db.execute("COMMIT")

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, timeout=self.timeout, what="pseudo-query cache", unusable=self._unusable)

    def _unusable(self, problem: str) -> RagshiftError:
        return RagshiftError(f"pseudo-query cache {self.path} is unusable ({problem}); delete the file to rebuild it")
