"""The run folder on disk: written into a temporary sibling and renamed into place in one step."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from harness.types import Row

ROWS = "rows.jsonl"
SUMMARY = "summary.json"
RUN_CARD = "run_card.json"


class StagedRun:
    """Collects a run's files in ``<output>/.<run_id>.tmp*`` and publishes them atomically."""

    def __init__(self, output: Path, run_id: str) -> None:
        self.final = Path(output) / run_id
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{run_id}.", suffix=".tmp", dir=self.final.parent))

    def write_json(self, name: str, data: Any) -> Path:
        target = self.path / name
        target.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        return target

    def write_rows(self, rows: Iterable[Row]) -> Path:
        target = self.path / ROWS
        with target.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")
        return target

    def publish(self) -> Path:
        """Replace any earlier folder of the same run id with this one."""
        old = None
        if self.final.exists():
            old = self.final.with_name(f".{self.final.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(self.final, old)
        os.replace(self.path, self.final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.final

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def read_rows(run_dir: Path) -> Iterator[Row]:
    with (Path(run_dir) / ROWS).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Row.from_json(json.loads(line))


def read_json(run_dir: Path, name: str) -> Any:
    return json.loads((Path(run_dir) / name).read_text(encoding="utf-8"))
