"""The one test for "a usable number", shared by statistics, gates, worth-it figures and report formatting."""

from __future__ import annotations

import math
from numbers import Real


def is_finite(value: object) -> bool:
    """A real number (numpy scalars included, ``bool`` excluded) that is neither NaN nor infinite."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
