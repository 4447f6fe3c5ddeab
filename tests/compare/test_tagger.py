"""The automatic query tagger on small, readable examples."""

from __future__ import annotations

import pytest

from ragshift.harness.compare.tagger import tag_query


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("How do I reset my password?", "question"),
        ("what is SSO", "question"),
        ("Does the XR-220 support PoE", "question"),
        ("password reset", "keyword"),
        ("reset XR-220 router", "keyword"),
    ],
)
def test_form(text, form):
    assert tag_query(text).form == form


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("SSO login fails", {"acronym"}),
        ("APIs for billing", {"acronym"}),
        ("router XR-220 error ERR-4471", {"code"}),
        ("IL-6 levels and p53", {"code"}),
        ("backups older than 30 days", {"number"}),
        ("discount of 50% in 2019", {"number"}),
        ("why doesn't the VPN connect", {"negation", "acronym"}),
        ("sync without a cable", {"negation"}),
        ("plain words only", set()),
        ("RESET MY PASSWORD", set()),  # shouting is not an acronym
        ("A single capital I is no acronym", {"negation"}),
    ],
)
def test_tags(text, tags):
    assert set(tag_query(text).tags) == tags


@pytest.mark.parametrize(
    ("text", "length"),
    [("reset", "short"), ("one two three four", "short"), ("one two three four five", "medium"),
     (" ".join(["w"] * 12), "medium"), (" ".join(["w"] * 13), "long")],
)
def test_length_buckets(text, length):
    assert tag_query(text).length == length


def test_slices_lists_every_tag():
    tags = tag_query("Why does ERR-4471 not clear?")
    assert tags.slices() == [("form", "question"), ("length", "medium"), ("tag", "code"), ("tag", "negation")]
