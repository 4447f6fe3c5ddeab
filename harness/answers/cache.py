"""On-disk cache (one sqlite file) of generated answers and judge verdicts, and the wrappers using it.

Answers are keyed by (generator fingerprint, prompt); verdicts by (judge fingerprint, metric, the
metric's prompt hash, sample content, repeat index). Only successful verdicts are stored, so a
failed judge call is retried on the next run; a repeated run with a good judge costs no request.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from statistics import fmean
from typing import Any, Mapping, Sequence

from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.sqlite import connect, create_tables, select_in
from ragshift.harness.protocols import ChatMessages, Generator, Judge

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, answer TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, metric TEXT NOT NULL, "
    "value REAL NOT NULL) WITHOUT ROWID",
)


class AnswerCache:
    """Key-value tables ``answers`` (text) and ``verdicts`` (float) in one sqlite file."""

    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            create_tables(db, _SCHEMA)

    def get(self, table: str, keys: Sequence[str]) -> dict[str, Any]:
        column = _column(table)
        with self._connect() as db:
            return dict(select_in(db, f"SELECT key, {column} FROM {table} WHERE key IN ({{marks}})", keys))

    def put(self, table: str, rows: Sequence[tuple]) -> None:
        """``answers`` rows: (key, fingerprint, answer); ``verdicts`` rows: (key, fingerprint, metric, value)."""
        _column(table)
        if not rows:
            return
        marks = ",".join("?" * len(rows[0]))
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)
            db.execute("COMMIT")

    def count(self, table: str) -> int:
        _column(table)
        with self._connect() as db:
            return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, timeout=self.timeout, what="answer cache", unusable=self._unusable)

    def _unusable(self, problem: str) -> RagshiftError:
        return RagshiftError(f"answer cache {self.path} is unusable ({problem}); delete the file to rebuild it")


def _column(table: str) -> str:
    columns = {"answers": "answer", "verdicts": "value"}
    if table not in columns:
        raise ValueError(f"unknown answer-cache table {table!r}")
    return columns[table]


class CachedGenerator:
    """A Generator answering repeated prompts from an ``AnswerCache``; each distinct miss is generated once."""

    def __init__(self, inner: Generator, cache: AnswerCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    def generate(self, prompts: Sequence[ChatMessages]) -> list[str]:
        fingerprint = self.inner.fingerprint()
        keys = [stable_hash([fingerprint, [dict(m) for m in p]], length=32) for p in prompts]
        found = self.cache.get("answers", keys)
        todo = {k: p for k, p in zip(keys, prompts) if k not in found}
        missed = sum(k not in found for k in keys)
        self.hits += len(keys) - missed
        self.misses += missed
        if todo:
            answers = self.inner.generate(list(todo.values()))
            fresh = dict(zip(todo, answers))
            self.cache.put("answers", [(k, fingerprint, a) for k, a in fresh.items()])
            found.update(fresh)
        return [found[k] for k in keys]

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def describe(self) -> Mapping[str, Any]:
        return self.inner.describe()


class CachedJudge:
    """A Judge whose successful verdicts are stored; asks ``inner`` ``repeats`` times per sample.

    With repeats, ``JudgeVerdict.value`` is the mean of the successful attempts and ``spread`` lists them;
    ``failures`` counts the failed attempts (all failed: value None).
    """

    def __init__(self, inner: Judge, cache: AnswerCache, *, repeats: int = 1) -> None:
        if repeats < 1:
            raise RagshiftError(f"repeats must be >= 1, got {repeats}")
        self.inner = inner
        self.cache = cache
        self.repeats = repeats
        self.hits = 0
        self.misses = 0

    @property
    def metrics(self) -> tuple[str, ...]:
        return self.inner.metrics

    def score(self, metric: str, samples: Sequence[AnswerSample]) -> list[JudgeVerdict]:
        base = [self.inner.fingerprint(), metric, self.inner.prompt_hash(metric)]
        attempts: list[list[JudgeVerdict]] = [[] for _ in samples]
        for repeat in range(self.repeats):
            keys = [stable_hash([*base, s.content_hash(), repeat], length=32) for s in samples]
            found = self.cache.get("verdicts", keys)
            todo = [i for i, k in enumerate(keys) if k not in found]
            self.hits += len(keys) - len(todo)
            self.misses += len(todo)
            fresh = dict(zip(todo, self.inner.score(metric, [samples[i] for i in todo]) if todo else []))
            self.cache.put(
                "verdicts",
                [(keys[i], base[0], metric, v.value) for i, v in fresh.items() if v.value is not None],
            )
            for i, key in enumerate(keys):
                attempts[i].append(JudgeVerdict(float(found[key])) if key in found else fresh[i])
        return [_combine(a, spread=self.repeats > 1) for a in attempts]

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def prompt_hash(self, metric: str) -> str:
        return self.inner.prompt_hash(metric)

    def describe(self) -> Mapping[str, Any]:
        return {**self.inner.describe(), "repeats": self.repeats, "cache": str(self.cache.path)}


def _combine(attempts: list[JudgeVerdict], *, spread: bool) -> JudgeVerdict:
    values = [a.value for a in attempts if a.value is not None]
    failures = sum(a.failures or (a.value is None) for a in attempts)
    errors = [a.error for a in attempts if a.error]
    return JudgeVerdict(
        fmean(values) if values else None,
        error=errors[-1] if errors else None,
        failures=failures,
        spread=tuple(values) if spread else (),
    )
