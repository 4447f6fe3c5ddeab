"""``write_report``: report.html, summary.md and summary.json, each replaced atomically."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from ragshift.harness.paths import umask
from ragshift.harness.report.html import render_html
from ragshift.harness.report.jsonout import to_json
from ragshift.harness.report.markdown import render_markdown
from ragshift.harness.report.model import Report

HTML = "report.html"
MARKDOWN = "summary.md"
JSON = "summary.json"


def _json_safe(obj: Any) -> Any:
    """NaN/inf become null so the file is strict JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


def write_atomic(path: Path, text: str) -> Path:
    """Write to a temporary sibling, fsync, then ``os.replace`` onto ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~umask())  # mkstemp makes 0600; a report is as readable as any file written here
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def render_report(report: Report, *, include_rows: bool = False) -> dict[str, tuple[str, str]]:
    """All three outputs as ``{"html"|"markdown"|"json": (file name, text)}``."""
    return {
        "html": (HTML, render_html(report)),
        "markdown": (MARKDOWN, render_markdown(report)),
        "json": (JSON, json.dumps(_json_safe(to_json(report, include_rows=include_rows)), indent=2,
                                  ensure_ascii=False, default=str, allow_nan=False) + "\n"),
    }


def write_report(out_dir: Path | str, report: Report, *, include_rows: bool = False) -> dict[str, Path]:
    """Render all three outputs first, then write them; returns ``{"html"|"markdown"|"json": path}``."""
    out = Path(out_dir)
    texts = render_report(report, include_rows=include_rows)
    return {kind: write_atomic(out / name, text) for kind, (name, text) in texts.items()}
