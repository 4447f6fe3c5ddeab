"""A no-duplicates batch sampler that also keeps false negatives out of in-batch-negative batches.

sentence-transformers' ``NoDuplicatesBatchSampler`` only compares exact text values. This one
compares the key sets of :class:`ragshift.harness.finetune.data.TrainingSet`: a row joins a batch only if
it occupies nothing the batch forbids and forbids nothing the batch occupies — so a batch never
holds two rows of one query (or of near-identical queries), two near-duplicate documents, or a
document judged relevant to another row's query.

Under DDP (``torchrun`` / ``accelerate launch``) accelerate hands batch ``i`` to rank ``i % world``;
with ``gather_across_devices`` the negatives of one step are the union of every rank's batch. So the
sampler fills *global* batches of ``batch_size × world`` rows conflict-free and yields each as
``world`` consecutive per-rank batches: every rank sees different rows, and the union stays clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial

import torch
from sentence_transformers.base.sampler import DefaultBatchSampler


class ConflictFreeBatchSampler(DefaultBatchSampler):
    """Shuffles by ``seed + epoch``, then fills each batch greedily, deferring conflicting rows.

    Rows that still conflict with every open batch at the end of a pass form the last (smaller)
    batches; the trainer takes only ``len(self)`` batches per epoch, so a rare leftover may wait
    for the next epoch's shuffle. Under DDP a global batch that cannot be filled is left out
    (accelerate would pad it with rows of the first batches, which may conflict).
    """

    def __init__(
        self,
        dataset,
        batch_size: int,
        drop_last: bool,
        valid_label_columns: list[str] | None = None,
        generator: torch.Generator | None = None,
        seed: int = 0,
        *,
        occupies: Sequence[frozenset[str]],
        forbids: Sequence[frozenset[str]],
        world_size: int | None = None,
    ) -> None:
        super().__init__(dataset, batch_size, drop_last, valid_label_columns, generator, seed)
        self.world_size = world_size or _world_size()
        if not len(occupies) == len(forbids) == len(dataset):
            raise ValueError(f"{len(occupies)} / {len(forbids)} key sets for {len(dataset)} rows")
        self.occupies = occupies
        self.forbids = forbids

    def __iter__(self) -> Iterator[list[int]]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        if self.world_size > 1:
            self.epoch += 1  # under DDP the trainer's set_epoch stops at accelerate's shard: advance here
        remaining = torch.randperm(len(self.occupies), generator=generator).tolist()
        size = self.batch_size * self.world_size
        while remaining:
            batch: list[int] = []
            taken: set[str] = set()
            banned: set[str] = set()
            deferred: list[int] = []
            for position, index in enumerate(remaining):
                if len(batch) == size:
                    deferred += remaining[position:]
                    break
                if taken.isdisjoint(self.forbids[index]) and banned.isdisjoint(self.occupies[index]):
                    batch.append(index)
                    taken |= self.occupies[index]
                    banned |= self.forbids[index]
                else:
                    deferred.append(index)
            remaining = deferred
            if self.world_size > 1:
                if len(batch) == size:
                    yield from (batch[r * self.batch_size : (r + 1) * self.batch_size] for r in range(self.world_size))
            elif len(batch) == self.batch_size or not self.drop_last:
                yield batch

    def __len__(self) -> int:
        if self.world_size > 1:
            return len(self.occupies) // (self.batch_size * self.world_size) * self.world_size
        if self.drop_last:
            return len(self.occupies) // self.batch_size
        return (len(self.occupies) + self.batch_size - 1) // self.batch_size


def _world_size() -> int:
    import torch.distributed as dist

    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def conflict_free(
    occupies: Sequence[frozenset[str]], forbids: Sequence[frozenset[str]]
) -> Callable[..., ConflictFreeBatchSampler]:
    """The factory ``SentenceTransformerTrainingArguments(batch_sampler=...)`` accepts."""
    return partial(ConflictFreeBatchSampler, occupies=occupies, forbids=forbids)
