"""Exceptions ragshift raises for bad user input; never ``assert``."""

from __future__ import annotations


class RagshiftError(Exception):
    """Base class of every error ragshift raises on purpose."""


class ConfigError(RagshiftError):
    """A config file or spec string is invalid."""


class FileError(RagshiftError):
    """A file ragshift reads is malformed; the message names the file, the line and the problem."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class CorpusError(FileError):
    """A corpus file is malformed."""


class RunFolderError(FileError):
    """A run folder's file (rows.jsonl, run_card.json) is damaged or not ragshift's."""


class FingerprintMismatch(RagshiftError):
    """An index was written by another model version than the one asking."""


class MissingDependency(RagshiftError):
    """An optional heavy dependency is not installed; the message says how to install it."""


class StoreBusy(RagshiftError):
    """Another process is writing to the same collection (or embedded store) right now."""


class PromotionRefused(RagshiftError):
    """``promote`` found a failing check; the message lists every check and its outcome."""
