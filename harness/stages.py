"""What the running command is doing now, so that Ctrl-C can say what it interrupted and what it kept.

Long steps call ``enter(what, kept)`` as they start; the CLI prints ``interrupted during <what>;
kept: <kept>`` on Ctrl-C (exit 130). One process runs one command, so one module-level slot is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_RUN_FOLDER = "nothing: no run folder was written"
INDEXING = (
    "the vectors embedded so far (embedding cache) and the chunks already written to the collection, "
    "so a rerun continues from there; no run folder was written"
)
SCORING = "the embedding cache and the finished collections (a rerun reuses them); no run folder was written"


@dataclass(frozen=True)
class Stage:
    what: str
    kept: str

    def interrupted(self) -> str:
        return f"interrupted during {self.what}; kept: {self.kept}"


_current: Stage | None = None


def enter(what: str, kept: str = NO_RUN_FOLDER) -> None:
    """Mark the start of a step (it lasts until the next ``enter``)."""
    global _current
    _current = Stage(what, kept)


def current() -> Stage | None:
    return _current
