"""``card.toml``: optional per-corpus settings next to a BEIR corpus (unknown keys are ignored)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ragshift.harness.corpus._io import decode
from ragshift.harness.errors import CorpusError

KEYS = ("name", "query_type_field", "split_field", "answers_field")


@dataclass(frozen=True)
class Card:
    name: str | None = None
    query_type_field: str | None = None
    split_field: str | None = None
    answers_field: str | None = None


def read_card(path: Path) -> Card:
    """The card at ``path``, or an empty card where there is none."""
    if not path.is_file():
        return Card()
    try:
        data = tomllib.loads(decode(path, path.read_bytes()))
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        raise CorpusError(path, f"invalid TOML: {exc}", int(found.group(1)) if found else None) from None
    for key in KEYS:
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            raise CorpusError(path, f"`{key}` must be a non-empty string, got {data[key]!r}")
    return Card(**{key: data[key] for key in KEYS if key in data})
