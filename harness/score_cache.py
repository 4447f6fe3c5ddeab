"""On-disk cross-encoder score cache (one sqlite file) and the CrossScorer wrapper that consults it.

Rows are keyed by (scorer fingerprint, sha256 of the query, sha256 of the passage), so a changed model,
tokenizer or maximum length can never be served stale scores. Rerank systems, a fine-tune's teacher and
reruns share the file: a pair is scored once. WAL mode and short per-operation connections, as the
embedding cache (``ragshift.harness.cache``), so several processes may share it.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import CrossScorer
from ragshift.harness.sqlite import connect, create_tables, header_problem, select_in, table_columns

FILE = "scores.sqlite"
"""The file's name inside a cache folder (``[cache] path``, or a fine-tune's cache folder)."""

PairKey = tuple[str, str]
"""(sha256 of the query, sha256 of the passage)."""

_COLUMNS = ["fingerprint", "query_sha256", "passage_sha256", "score"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    fingerprint TEXT NOT NULL,
    query_sha256 TEXT NOT NULL,
    passage_sha256 TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (fingerprint, query_sha256, passage_sha256)
) WITHOUT ROWID
"""


class ScoreCacheCorrupt(RagshiftError):
    """The cache file is not a readable ragshift score cache."""


class ScoreCache:
    """Float scores in a sqlite file; safe to share between processes."""

    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        problem = header_problem(self.path)
        if problem is not None:
            raise self._corrupt(problem)
        with self._connect() as db:
            create_tables(db, [_SCHEMA])
            columns = table_columns(db, "scores")
        if columns != _COLUMNS:
            raise self._corrupt(f"unexpected scores table columns {columns}")

    def get(self, fingerprint: str, keys: Sequence[PairKey]) -> dict[PairKey, float]:
        """Scores found for the given pair keys (missing ones are absent from the result)."""
        passages: dict[str, list[str]] = defaultdict(list)
        for query, passage in keys:
            passages[query].append(passage)
        found: dict[PairKey, float] = {}
        sql = "SELECT passage_sha256, score FROM scores WHERE fingerprint = ? AND query_sha256 = ? AND passage_sha256 IN ({marks})"
        with self._connect() as db:
            for query, wanted in passages.items():
                for passage, score in select_in(db, sql, wanted, params=(fingerprint, query)):
                    if not isinstance(score, float) or not math.isfinite(score):
                        raise self._corrupt(f"score {score!r} stored for a pair")
                    found[(query, passage)] = score
        return found

    def put(self, fingerprint: str, scores: Mapping[PairKey, float]) -> None:
        """Store one score per pair key, in a single transaction."""
        rows = [(fingerprint, q, p, float(s)) for (q, p), s in scores.items()]
        if not rows:
            return
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?)", rows)
            db.execute("COMMIT")

    def count(self, fingerprint: str | None = None) -> int:
        """Number of stored scores, for one scorer fingerprint or in all."""
        query, args = "SELECT COUNT(*) FROM scores", ()
        if fingerprint is not None:
            query, args = query + " WHERE fingerprint = ?", (fingerprint,)
        with self._connect() as db:
            return int(db.execute(query, args).fetchone()[0])

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, timeout=self.timeout, what="score cache", unusable=self._corrupt)

    def _corrupt(self, problem: str) -> ScoreCacheCorrupt:
        return ScoreCacheCorrupt(f"score cache {self.path} is unusable ({problem}); delete the file to rebuild it")


class CachedScorer:
    """A CrossScorer that serves scores from a ``ScoreCache`` and scores only the misses.

    Each distinct missing pair is scored once, ``chunk`` pairs per call to ``inner``, and each chunk is
    stored as soon as it is scored, so an interrupted run keeps what it scored (the CrossScorer contract:
    a pair's score does not depend on the other pairs of a call). ``hits`` / ``misses`` count requested
    pairs answered from / not found in the cache. The fingerprint is the inner one. Within ``live()``
    every pair goes to ``inner`` and the cache is neither read nor written (to time the model itself).
    """

    def __init__(self, inner: CrossScorer, cache: ScoreCache, *, chunk: int = 256) -> None:
        if chunk < 1:
            raise ValueError(f"chunk must be >= 1, got {chunk}")
        self.inner = inner
        self.cache = cache
        self.chunk = chunk
        self.hits = 0
        self.misses = 0
        self._live = False

    @contextmanager
    def live(self) -> Iterator[None]:
        """Score with ``inner`` only while inside (latency measurements)."""
        self._live = True
        try:
            yield
        finally:
            self._live = False

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        if self._live:
            return self._checked(pairs)
        fingerprint = self.inner.fingerprint()
        keys = [(text_hash(q), text_hash(p)) for q, p in pairs]
        found = self.cache.get(fingerprint, keys)
        missing = {k: pair for k, pair in zip(keys, pairs) if k not in found}
        todo = list(missing.items())
        for start in range(0, len(todo), self.chunk):
            batch = todo[start : start + self.chunk]
            fresh = self._checked([pair for _, pair in batch])
            scored = {k: s for (k, _), s in zip(batch, fresh)}
            self.cache.put(fingerprint, scored)
            found.update(scored)
        self.misses += sum(k in missing for k in keys)
        self.hits += sum(k not in missing for k in keys)
        return [found[k] for k in keys]

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def _checked(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        scores = [float(s) for s in self.inner.score(pairs)]
        if len(scores) != len(pairs):
            raise RagshiftError(f"cross-encoder returned {len(scores)} scores for {len(pairs)} pairs")
        return scores

    def describe(self) -> Mapping[str, Any]:
        return {**self.inner.describe(), "cache": str(self.cache.path)}


def cached_scorer(scorer: CrossScorer, folder: str | Path) -> CachedScorer:
    """``scorer`` behind the score cache of a cache folder (``<folder>/scores.sqlite``); one already
    cached is returned as is."""
    if isinstance(scorer, CachedScorer):
        return scorer
    return CachedScorer(scorer, ScoreCache(Path(folder) / FILE))
