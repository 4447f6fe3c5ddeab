"""One builder for the run configs tests write: sections as dicts, written as TOML.

``write_config(path, corpus={"path": ...}, embedders=[{...}, ...], metrics={"names": [...]})`` replaces
the hand-written TOML templates the tests used to repeat. Values are TOML basic values (str, int,
float, bool, Path, lists of these); a dict value is a sub-table, a list of dicts an array of tables.
Sections come out in the order given; ``keyword_embedder`` builds the common fake embedder entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence


def keyword_embedder(name: str, vocabulary: Sequence[str], **options: Any) -> dict[str, Any]:
    """An ``[[embedders]]`` entry of the deterministic keyword one-hot fake."""
    return {"name": name, "kind": "testing.keyword", "vocabulary": list(vocabulary), **options}


def toml_config(**sections: Any) -> str:
    """TOML text of the given sections (``None`` values and sections are left out)."""
    lines: list[str] = []
    for name, body in sections.items():
        if body is None:
            continue
        if isinstance(body, (list, tuple)):
            for item in body:
                _table(lines, f"[[{name}]]", name, item)
        else:
            _table(lines, f"[{name}]", name, body)
    return "\n".join(lines) + "\n"


def write_config(path: Path, **sections: Any) -> Path:
    """Write ``toml_config(**sections)`` to ``path`` (parents created) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(toml_config(**sections), encoding="utf-8")
    return path


def _table(lines: list[str], header: str, dotted: str, body: Mapping[str, Any]) -> None:
    lines.append(header)
    nested: list[tuple[str, Any]] = []
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, Mapping) or (isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value)):
            nested.append((key, value))
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, value in nested:
        if isinstance(value, Mapping):
            _table(lines, f"[{dotted}.{key}]", f"{dotted}.{key}", value)
        else:
            for item in value:
                _table(lines, f"[[{dotted}.{key}]]", f"{dotted}.{key}", item)


def _value(value: Any) -> str:
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, (int, float, str)):
        return json.dumps(value, ensure_ascii=False)  # JSON strings and numbers are TOML basic values
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")
