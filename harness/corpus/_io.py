"""Strict readers shared by the loaders: UTF-8 checked line by line, JSON objects with line numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from ragshift.harness.errors import CorpusError


def decode(path: Path, data: bytes, *, line: int = 1, offset: int = 0) -> str:
    """Decode ``data`` as strict UTF-8; on failure name the line and byte offset of the bad byte.

    ``line`` is the line number ``data`` starts on and ``offset`` its byte offset in the file.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = line + data.count(b"\n", 0, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CorpusError(
            path,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {offset + exc.start} "
            f"(byte {column} of the line)",
            bad_line,
        ) from None


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each line, streamed, without its line ending and a leading BOM."""
    offset = 0
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            text = decode(path, raw, line=lineno, offset=offset)
            offset += len(raw)
            if lineno == 1:
                text = text.removeprefix("\ufeff")
            yield lineno, text.rstrip("\r\n")


def iter_json_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` of each non-blank line of a JSONL file."""
    for lineno, text in iter_lines(path):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorpusError(path, f"malformed JSON: {exc.msg} (column {exc.colno})", lineno) from None
        if not isinstance(obj, dict):
            raise CorpusError(path, f"expected a JSON object, got {_json_type(obj)}", lineno)
        yield lineno, obj


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
