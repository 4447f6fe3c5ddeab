"""The one test for "a usable number", and the one way to write a duration, shared by statistics, gates,
worth-it figures and report formatting."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any


def is_finite(value: object) -> bool:
    """A real number (numpy scalars included, ``bool`` excluded) that is neither NaN nor infinite."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def fmt_duration(seconds: Any) -> str:
    """``0.27 ms``, ``420 ms``, ``95.0 s``, ``14 min``, ``2.3 h``, ``3.1 days``."""
    if not is_finite(seconds):
        return "—"
    if seconds < 1:
        return f"{1000 * seconds:.3g} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
