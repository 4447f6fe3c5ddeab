"""Which queries belong to which slice: metadata fields plus the automatic tagger."""

from __future__ import annotations

from typing import Any, Sequence

from ragshift.harness.compare.model import OVERALL, SliceKey
from ragshift.harness.compare.tagger import tag_query
from ragshift.harness.types import Row


def field_values(row: Row, field: str) -> list[str]:
    """Values of ``query_type``, ``split`` or a ``Row.meta`` field (lists give several; None gives none)."""
    value: Any = getattr(row, field) if field in ("query_type", "split") else row.meta.get(field)
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted({str(v) for v in value if v is not None and v != ""})
    return [str(value)]


def slice_members(rows: Sequence[Row], fields: Sequence[str], *, auto_tags: bool) -> dict[SliceKey, list[int]]:
    """``{slice: [row positions]}``: ``all`` first, then metadata slices, then tags; sorted within each.

    A slice holding every query (the same as ``all``) or exactly the queries of an earlier slice
    (metadata slices come before tags) is left out: it would only repeat a test.
    """
    found: dict[SliceKey, list[int]] = {}
    for i, row in enumerate(rows):
        keys = [SliceKey(f, v) for f in fields for v in field_values(row, f)]
        if auto_tags:
            keys += [SliceKey(f, v) for f, v in tag_query(row.query).slices()]
        for key in keys:
            found.setdefault(key, []).append(i)
    order = {f: n for n, f in enumerate([*fields, "form", "length", "tag"])}
    ordered = sorted(found, key=lambda k: (order.get(k.field, len(order)), k.field, k.value))
    members = {OVERALL: list(range(len(rows)))}
    seen = {tuple(members[OVERALL])}
    for key in ordered:
        if tuple(found[key]) not in seen:
            seen.add(tuple(found[key]))
            members[key] = found[key]
    return members
