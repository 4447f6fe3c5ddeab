"""Write one benchmark's section of bench/RESULTS.md between its markers, leaving the rest as is."""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def write_section(path: Path, name: str, section: str) -> None:
    """``section`` starts and ends with the markers of ``name``; replaces the old one or appends."""
    begin, end = markers(name)
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmark results\n\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section.rstrip("\n") + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
