"""Building blocks of config sections: the strict frozen base model and paths relative to the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo


class Section(BaseModel):
    """Base of every config section: unknown keys are errors and loaded values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def section() -> Any:
    """Field default for an optional section: validated (so its paths resolve) even when absent."""
    return Field(default_factory=dict, validate_default=True)


def _resolve(path: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    path = path.expanduser()
    return path if base is None or path.is_absolute() else (Path(base) / path).resolve()


ConfigPath = Annotated[Path, AfterValidator(_resolve)]
"""A path that, when loaded from a file, is resolved relative to that file's folder."""

_CLASS_PATH = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*")


def _class_path(value: str) -> str:
    if not _CLASS_PATH.fullmatch(value):
        raise ValueError(f'class_path {value!r} must look like "package.module:attribute"')
    return value


ClassPath = Annotated[str, AfterValidator(_class_path)]
"""``"package.module:attribute"`` of a factory to import."""
