"""Flip lists: relevant documents that fell out of, or came into, the top K between two rankings."""

from __future__ import annotations

from typing import Sequence

from ragshift.harness.compare.model import Flip
from ragshift.harness.types import Row


def _ranks(row: Row) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for i, hit in enumerate(row.hits, start=1):
        ranks.setdefault(hit.doc_id, i)
    return ranks


def find_flips(pairs: Sequence[tuple[Row, Row]], k: int) -> tuple[Flip, ...]:
    """Flips over ``(baseline_row, candidate_row)`` pairs; lost ones first, most severe first."""
    flips: list[Flip] = []
    for base, cand in pairs:
        b_rank, c_rank = _ranks(base), _ranks(cand)
        b_top = tuple(h.doc_id for h in base.hits[:k])
        c_top = tuple(h.doc_id for h in cand.hits[:k])
        for doc_id, grade in sorted(base.relevant.items()):
            if grade <= 0:
                continue
            rb, rc = b_rank.get(doc_id), c_rank.get(doc_id)
            in_b, in_c = rb is not None and rb <= k, rc is not None and rc <= k
            if in_b != in_c:
                flips.append(
                    Flip("lost" if in_b else "gained", base.qid, base.query, base.query_type,
                         doc_id, grade, rb, rc, b_top, c_top)
                )
    far = 1 << 30
    return tuple(
        sorted(
            flips,
            key=lambda f: (
                f.direction != "lost",
                (f.baseline_rank or far) if f.direction == "lost" else (f.candidate_rank or far),
                -(f.candidate_rank or far) if f.direction == "lost" else -(f.baseline_rank or far),
                f.qid,
                f.doc_id,
            ),
        )
    )
