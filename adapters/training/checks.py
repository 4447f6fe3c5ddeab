"""Second opinions on mined negatives: a cross-encoder must rank every kept negative below all positives."""

from __future__ import annotations

from ragshift.harness.finetune.negatives import NegativeCheck
from ragshift.harness.finetune.options import Teacher
from ragshift.harness.finetune.teacher import teacher_check


def cross_encoder_check(name: str) -> NegativeCheck:
    """A mining ``check`` that drops a candidate the cross-encoder scores as high as the weakest positive
    (``hard_negatives.cross_encoder``; the same as a ``[finetune.teacher]`` with ``false_negatives``).
    The cross-encoder comes from the composition root, like every other teacher."""
    from ragshift.harness.systems import build_teacher

    return teacher_check(build_teacher(Teacher(model=name)))
