"""Automatic query tags: the slices every corpus gets even without query-type labels.

- ``form``: ``question`` (ends with "?" or opens with a question word / auxiliary) or ``keyword``.
- ``length``: ``short`` (<= 4 words), ``medium`` (5-12) or ``long`` (>= 13).
- ``tag`` (each present one is its own slice):
  ``acronym`` (an ALL-CAPS token of >= 2 letters, e.g. SSO; ignored when the whole query is upper case),
  ``code`` (a token starting with a letter and holding a digit: XR-220, ERR-4471, IL-6),
  ``number`` (a token starting with a digit: 2019, 50%, 10mg),
  ``negation`` (not, no, never, without, none, nor, neither, cannot, except, -n't).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHORT_MAX = 4
MEDIUM_MAX = 12

_QUESTION_WORDS = frozenset(
    "what who whom whose when where why how which is are am was were do does did can could should "
    "would will shall may might must has have had".split()
)
_NEGATION = re.compile(r"\b(?:not|no|never|without|none|nor|neither|cannot|except)\b|n't\b", re.IGNORECASE)
_STRIP = "\"'`()[]{}<>,;:!?.¿¡«»“”‘’"
_ACRONYM = re.compile(r"[A-Z]{2,}s?")
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_./][A-Za-z0-9]+)*")
_NUMBER = re.compile(r"[$€£#~±+-]?\d")


@dataclass(frozen=True)
class QueryTags:
    form: str
    length: str
    tags: frozenset[str]

    def slices(self) -> list[tuple[str, str]]:
        """``(field, value)`` pairs naming every automatic slice this query belongs to."""
        return [("form", self.form), ("length", self.length)] + [("tag", t) for t in sorted(self.tags)]


def _tokens(text: str) -> list[str]:
    return [t for t in (raw.strip(_STRIP) for raw in text.split()) if t]


def _is_code(token: str) -> bool:
    return bool(_CODE.fullmatch(token)) and any(c.isdigit() for c in token)


def tag_query(text: str, *, short_max: int = SHORT_MAX, medium_max: int = MEDIUM_MAX) -> QueryTags:
    """Tag one query text (deterministic, rule-based, English)."""
    tokens = _tokens(text)
    shouted = text.isupper()
    tags = set()
    if not shouted and any(_ACRONYM.fullmatch(t) for t in tokens):
        tags.add("acronym")
    if any(_is_code(t) for t in tokens):
        tags.add("code")
    if any(_NUMBER.match(t) for t in tokens):
        tags.add("number")
    if _NEGATION.search(text):
        tags.add("negation")
    first = tokens[0].lower() if tokens else ""
    form = "question" if text.rstrip().endswith("?") or first in _QUESTION_WORDS else "keyword"
    words = len(tokens)
    length = "short" if words <= short_max else "medium" if words <= medium_max else "long"
    return QueryTags(form=form, length=length, tags=frozenset(tags))
