"""The run folder on disk: written into a temporary sibling and renamed into place in one step.

``publish_run`` is the one place that writes a run folder (``ragshift eval`` / ``run`` and
``ragshift shadow``): rows.jsonl, run_card.json and the rendered files, all or nothing.

The staging folder's name carries the writer's host and pid (``.<run_id>.<host>-<pid>.<random>.tmp``),
so a later run can tell the leftovers of a killed writer (``kill -9``) from a live one and remove them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from ragshift.harness.errors import RagshiftError, RunFolderError
from ragshift.harness.paths import folder_problem, name_problem, open_up, safe_name
from ragshift.harness.types import Row

ROWS = "rows.jsonl"
SUMMARY = "summary.json"
RUN_CARD = "run_card.json"

STALE_MINUTES = 30.0
"""Staging leftovers older than this whose writer is gone are removed by the next run (a live writer
needs seconds: staging starts only once every result is computed)."""
_STAGING = re.compile(r"^\.(?P<run>.+?)\.(?:(?P<host>[A-Za-z0-9-]*)-(?P<pid>\d+)\.)?[A-Za-z0-9_]+\.tmp$")
_OLD = re.compile(r"^\.(?P<run>.+)\.old$")


class StagedRun:
    """Collects a run's files in ``<output>/.<run_id>.<host>-<pid>.*.tmp`` and publishes them atomically.

    ``run_id`` must be one safe file name: nothing is ever written outside ``output``.
    """

    def __init__(self, output: Path, run_id: str) -> None:
        problem = name_problem(run_id)
        if problem:
            raise RagshiftError(f"run id {problem}")
        output = Path(output)
        problem = folder_problem(output)
        if problem:
            raise RagshiftError(f"cannot write the run folder into {output}: {problem}")
        self.final = output / run_id
        output.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(output)
        owner = f"{safe_name(socket.gethostname(), 'host').replace('.', '-').replace('_', '-')}-{os.getpid()}"
        self.path = Path(tempfile.mkdtemp(prefix=f".{run_id}.{owner}.", suffix=".tmp", dir=output))

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
        """Replace any earlier folder of the same run id with this one (modes as the umask gives)."""
        open_up(self.path)
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


def publish_run(
    output: Path, run_id: str, *, rows: Iterable[Row], card: Mapping[str, Any], report: Any = None,
    data: Mapping[str, Any] | None = None, texts: Mapping[str, str] | None = None,
) -> Path:
    """Write ``rows`` (rows.jsonl), ``card`` (run_card.json), ``report`` (a ``Report``: report.html,
    summary.md, summary.json), ``data`` (more JSON files) and ``texts`` (rendered files; a name may hold
    a sub-folder, ``judging/sheet.html``) into a staging folder, then rename it into place as
    ``<output>/<run_id>``. On any failure nothing is left behind."""
    if report is not None:
        from ragshift.harness.report.write import render_report

        texts = {**dict(render_report(report).values()), **(texts or {})}
    staged = StagedRun(output, run_id)
    try:
        staged.write_rows(rows)
        staged.write_json(RUN_CARD, dict(card))
        for name, value in (data or {}).items():
            staged.write_json(name, value)
        for name, text in (texts or {}).items():
            target = staged.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return staged.publish()
    except BaseException:
        staged.discard()
        raise


def remove_stale_staging(output: Path, *, minutes: float = STALE_MINUTES) -> list[Path]:
    """Remove what killed writers left in ``output``: staging folders older than ``minutes`` whose
    writer (pid on this host) is gone, and ``.<run>.old`` folders of a publish cut short (put back
    when the run folder itself is missing). A live writer's folder, or another host's, is left alone."""
    removed: list[Path] = []
    cutoff = time.time() - minutes * 60
    host = safe_name(socket.gethostname(), "host").replace(".", "-").replace("_", "-")
    for entry in Path(output).iterdir():
        staging, old = _STAGING.match(entry.name), _OLD.match(entry.name)
        try:
            stat = entry.stat()
            # A rename changes ctime only: an .old folder a live publish just moved aside is young by it.
            changed = stat.st_mtime if staging else max(stat.st_mtime, stat.st_ctime)
            if not (staging or old) or not entry.is_dir() or changed > cutoff:
                continue
            if staging:
                pid = staging["pid"]
                if pid is not None and (staging["host"] != host or _alive(int(pid))):
                    continue
                shutil.rmtree(entry)
            elif old and not name_problem(old["run"]):
                final = entry.with_name(old["run"])
                if final.exists():
                    shutil.rmtree(entry)
                else:
                    os.replace(entry, final)
            else:
                continue
        except OSError:  # another run cleaned it first
            continue
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def read_rows(run_dir: Path) -> Iterator[Row]:
    """The rows of a run folder; a damaged line is a ``RunFolderError`` naming the file and line."""
    path = Path(run_dir) / ROWS
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    yield _row(path, number, line)
    except UnicodeDecodeError as exc:
        raise RunFolderError(path, f"not valid UTF-8 ({exc.reason} at byte {exc.start} of a block)") from None


def _row(path: Path, number: int, line: str) -> Row:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RunFolderError(
            path, f"truncated or malformed JSON ({exc.msg}, column {exc.colno}); rerun `ragshift eval` to rewrite the run folder", number
        ) from None
    try:
        return Row.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise RunFolderError(path, f"not a ragshift row ({what})", number) from None


def read_json(run_dir: Path, name: str) -> Any:
    """A JSON file of a run folder; a damaged one is a ``RunFolderError``."""
    path = Path(run_dir) / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RunFolderError(path, f"truncated or malformed JSON ({exc.msg})", exc.lineno) from None
    except UnicodeDecodeError as exc:
        raise RunFolderError(path, f"not valid UTF-8 ({exc.reason})") from None
