"""What the Ray tests run inside actors: a recipe that records each actor's pid and slows its batches.

Registered with Ray's cloudpickle *by value*, so actors need not import the tests package.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


class SlowRecipe:
    """Builds ``inner``'s embedder in the actor, drops a file named by the actor's pid into ``pids``,
    and sleeps ``delay`` seconds before each batch (so a test can act while the job runs)."""

    def __init__(self, inner: Any, *, delay: float, pids: Path) -> None:
        self.inner, self.delay, self.pids = inner, delay, str(pids)

    def build(self, *, device: str | None = None) -> Any:
        Path(self.pids, str(os.getpid())).touch()
        return _Slow(self.inner.build(device=device), self.delay)


class _Slow:
    def __init__(self, inner: Any, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def embed_documents(self, texts):
        time.sleep(self.delay)
        return self.inner.embed_documents(texts)
