"""Label-free (pseudo-query, positive) pairs for the corpus's chunks: title, inverse cloze, random crops.

Every source sees the same chunks (documents judged relevant to an eval or dev query are left out
by the caller) and is seeded per chunk: a chunk's pairs depend on the seed, the source's settings
and the chunk's text only, never on which other chunks were sampled. The LLM source lives in
:mod:`ragshift.harness.finetune.generated` (it needs a Generator and a cache).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ragshift.harness.finetune.options import CropSource, InverseClozeSource, Sources, TitleSource
from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.types import Document

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
SOURCES_VERSION = 1
"""Bumped whenever a source's output for the same settings changes (part of every source fingerprint)."""


@dataclass(frozen=True)
class Passage:
    """One chunk of a document: what a pseudo-query is made for."""

    chunk_id: str
    doc_id: str
    title: str
    text: str
    position: int = 0

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text

    @property
    def hash(self) -> str:
        return text_hash(self.full_text)


@dataclass(frozen=True)
class PseudoPair:
    """A training pair no one labelled: ``query`` should find ``positive`` (a text of chunk ``chunk_id``)."""

    source: str
    chunk_id: str
    doc_id: str
    query: str
    positive: str


def chunk_documents(documents: Iterable[Document], *, chunk_words: int) -> list[Passage]:
    """One chunk per document (``chunk_words = 0``), else consecutive windows of ``chunk_words`` words."""
    out = []
    for doc in documents:
        words = doc.text.split()
        if not chunk_words or len(words) <= chunk_words:
            out.append(Passage(f"{doc.doc_id}#0", doc.doc_id, doc.title, doc.text))
            continue
        for i, start in enumerate(range(0, len(words), chunk_words)):
            out.append(Passage(f"{doc.doc_id}#{i}", doc.doc_id, doc.title, " ".join(words[start : start + chunk_words]), i))
    return out


def sample(items: Sequence[Passage], limit: int, *, seed: object) -> list[Passage]:
    """A seeded sample of ``limit`` chunks (all of them for ``limit = 0`` or fewer), in input order."""
    if not limit or len(items) <= limit:
        return list(items)
    picked = set(random.Random(stable_hash(["sample", seed])).sample(range(len(items)), limit))
    return [p for i, p in enumerate(items) if i in picked]


def source_fingerprint(name: str, spec: object, seed: int, extra: object = None) -> str:
    """What a source's output depends on besides the chunk: its settings, the seed, the code version."""
    return stable_hash({"source": name, "spec": spec, "seed": seed, "version": SOURCES_VERSION, "extra": extra})


def _rng(fingerprint: str, passage: Passage) -> random.Random:
    return random.Random(stable_hash([fingerprint, passage.hash, passage.chunk_id]))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def title_pairs(passage: Passage, spec: TitleSource, rng: random.Random) -> list[tuple[str, str]]:
    """Title -> body, for the first chunk of a titled document."""
    if passage.position or not passage.title.strip() or not passage.text.strip():
        return []
    return [(passage.title.strip(), passage.text)]


def inverse_cloze_pairs(passage: Passage, spec: InverseClozeSource, rng: random.Random) -> list[tuple[str, str]]:
    """A sentence -> the chunk without it (title kept), ``per_chunk`` distinct sentences."""
    parts = sentences(passage.text)
    if len(parts) < spec.min_sentences:
        return []
    out = []
    for i in sorted(rng.sample(range(len(parts)), min(spec.per_chunk, len(parts)))):
        rest = " ".join(parts[:i] + parts[i + 1 :])
        out.append((parts[i], f"{passage.title}\n{rest}" if passage.title else rest))
    return out


def crop_pairs(passage: Passage, spec: CropSource, rng: random.Random) -> list[tuple[str, str]]:
    """Two independent random spans of the chunk's words: the short one is the query."""
    words = passage.full_text.split()
    n = len(words)
    if n < spec.min_words:
        return []
    out = []
    for _ in range(spec.per_chunk):
        q_len = min(rng.randint(*spec.query_words), n // 2)
        p_len = max(q_len + 1, round(n * rng.uniform(*spec.positive_ratio)))
        q_start, p_start = rng.randrange(n - q_len + 1), rng.randrange(n - p_len + 1)
        out.append((" ".join(words[q_start : q_start + q_len]), " ".join(words[p_start : p_start + p_len])))
    return out


Maker = Callable[[Passage, object, random.Random], list[tuple[str, str]]]
CHEAP: dict[str, Maker] = {"title": title_pairs, "inverse_cloze": inverse_cloze_pairs, "crop": crop_pairs}  # type: ignore[dict-item]


def cheap_pairs(
    name: str, spec: TitleSource | InverseClozeSource | CropSource, passages: Sequence[Passage], *, seed: int
) -> tuple[list[PseudoPair], dict[str, int]]:
    """The pairs of one non-LLM source over a seeded sample of its usable chunks, and its counts."""
    make = CHEAP[name]
    fingerprint = source_fingerprint(name, spec, seed)
    made = [(p, make(p, spec, _rng(fingerprint, p))) for p in passages]
    usable = [(p, pairs) for p, pairs in made if pairs]
    kept = {p.chunk_id for p in sample([p for p, _ in usable], spec.max_chunks, seed=[seed, name])}
    pairs = [
        PseudoPair(name, p.chunk_id, p.doc_id, q.strip(), positive)
        for p, made_pairs in usable if p.chunk_id in kept
        for q, positive in made_pairs if q.strip()
    ]
    return pairs, {"chunks_usable": len(usable), "chunks_used": len(kept), "pairs": len(pairs)}


def enabled_cheap(sources: Sources) -> list[tuple[str, TitleSource | InverseClozeSource | CropSource]]:
    return [(name, getattr(sources, name)) for name in CHEAP if getattr(sources, name) is not None]
