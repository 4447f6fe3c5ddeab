"""``CompareSettings``: how to compare two systems (the policy says what passes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ragshift.harness.errors import ConfigError

TestName = Literal["permutation", "t-test"]


class CompareSettings(BaseModel):
    """How to compare: the paired test, resampling, slices and flips. Embeddable in a run config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: TestName = "permutation"
    n_resamples: int = Field(9999, ge=1, description="Bootstrap and permutation resamples.")
    confidence_level: float = Field(0.95, gt=0, lt=1, description="Level of the two-sided CI shown for each delta.")
    seed: int = 0
    slice_fields: tuple[str, ...] = ("query_type",)
    auto_tags: bool = True
    flip_k: int = Field(10, ge=1)
    resample_max_n: int | None = Field(
        20_000, ge=2,
        description="Above this many paired queries the p-value, CI and bounds are Student-t (paired t-test), "
        "not resampled: resampling costs n x n_resamples (minutes at 100k pairs) and at this n the mean "
        "difference is normal, so both give the same answer. None: always resample.",
    )

    def updated(self, **changes: Any) -> CompareSettings:
        """A validated copy with ``changes``; unknown or invalid options raise ``ConfigError``."""
        try:
            return CompareSettings.model_validate({**self.model_dump(include=set(CompareSettings.model_fields)), **changes})
        except ValidationError as exc:
            valid = ", ".join(CompareSettings.model_fields)
            raise ConfigError(f"invalid comparison settings (valid: {valid}):\n{exc}") from None
