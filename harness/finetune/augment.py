"""In-domain pseudo-queries without labels: a document's title as the query for its body.

``ragshift finetune`` now routes ``title_pairs`` through :mod:`ragshift.harness.finetune.sources` (the title
source, with eval/dev positives held out); this corpus-augmenting form stays for callers of the API.

Each picked document ``d`` adds a query ``title:d`` (its title) and a training-only document
``title:d`` (its body without the title, so the pair is not a lexical copy), judged relevant to
each other. Nothing of the evaluation queries or their judgements is used: this adapts the model to
the corpus it will search, the way unsupervised domain adaptation does.
"""

from __future__ import annotations

import random
from dataclasses import replace

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.types import Document, Query

PREFIX = "title:"


def with_title_pairs(corpus: Corpus, limit: int, *, seed: int) -> tuple[Corpus, list[Query]]:
    """``corpus`` plus up to ``limit`` (title → body) pairs (seeded sample), and the added queries."""
    usable = sorted(d for d, doc in corpus.documents.items() if doc.title.strip() and doc.text.strip())
    picked = sorted(random.Random(seed).sample(usable, min(limit, len(usable))))
    queries = [Query(f"{PREFIX}{d}", corpus.documents[d].title.strip(), split="train") for d in picked]
    documents = {f"{PREFIX}{d}": Document(f"{PREFIX}{d}", corpus.documents[d].text) for d in picked}
    augmented = replace(
        corpus,
        documents={**corpus.documents, **documents},
        queries={**corpus.queries, **{q.qid: q for q in queries}},
        qrels={**corpus.qrels, **{q.qid: {q.qid: 1} for q in queries}},
    )
    return augmented, queries
