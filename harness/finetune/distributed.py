"""Which process of a distributed launch this is, read from the variables ``torchrun`` and
``accelerate launch`` set (``RANK``, ``WORLD_SIZE``), so the light core needs no torch to ask.

Under DDP every rank trains; only rank 0 writes anything ragshift owns (work folder, card,
published model); the trainer's own checkpoints are written by rank 0 as well.
"""

from __future__ import annotations

import os


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def is_main() -> bool:
    return rank() == 0
