"""pytest where it is installed: contract mixins import without it (only running them needs it)."""

from __future__ import annotations

from typing import Any, Callable

try:
    import pytest
except ImportError:  # a user's app may import a fake or a contract with no test tools installed
    pytest = None  # type: ignore[assignment]


def fixture(function: Callable[..., Any]) -> Callable[..., Any]:
    """``pytest.fixture`` when pytest is there, else the plain function."""
    return pytest.fixture(function) if pytest is not None else function
