"""Names and folders on disk: safe single-component names, folders ragshift can write, the umask."""

from __future__ import annotations

import os
import re
from pathlib import Path

NAME_RULE = "letters, digits, _ . - (starting with a letter or digit, at most 100 characters, no '..')"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be one file or folder name inside a configured folder (None when it can)."""
    if _SAFE.fullmatch(name) and ".." not in name:
        return None
    return f"{name!r} is not a safe folder name: use {NAME_RULE}"


def safe_name(text: str, fallback: str = "ragshift") -> str:
    """``text`` made into a name ``name_problem`` accepts: every run of other characters becomes ``-``."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", text)
    name = re.sub(r"\.{2,}", ".", name).lstrip("-_.")[:100].rstrip("-_.")
    return name or fallback


def folder_problem(path: Path) -> str | None:
    """Why ragshift could not create or write into the folder ``path`` (None when it can).

    Checks the path itself when it exists, else its nearest existing ancestor: a regular file there
    (or in between) means no folder can ever be made at ``path``.
    """
    path = Path(path)
    for at in (path, *path.parents):
        if not at.exists():
            continue
        if not at.is_dir():
            return f"{at} is a file, not a folder" + ("" if at == path else f" (needed for {path})")
        if not os.access(at, os.W_OK | os.X_OK):
            return f"{at} is not writable" + ("" if at == path else f" (needed to create {path})")
        return None
    return None


def umask() -> int:
    """The process umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def open_up(root: Path) -> None:
    """Give ``root`` and everything under it the modes a plain ``mkdir`` / ``open`` would have under the
    umask (folders 0777, files 0666, minus the umask): temporary files and folders start at 0700/0600."""
    mask = umask()
    os.chmod(root, 0o777 & ~mask)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o777 & ~mask)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o666 & ~mask)
