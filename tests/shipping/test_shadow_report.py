"""The shadow report: self-contained, escaped, with the headline numbers and both top-K lists."""

from __future__ import annotations

import re

from ragshift.harness.report.shadow import render_shadow_html
from ragshift.harness.shipping.replay import run_shadow
from ragshift.harness.types import Document, Query

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_report_renders_escaped_and_self_contained(current, candidate, queries, docs) -> None:
    queries = queries + [Query("q-evil", f"bird {PAYLOAD}", query_type="<b>type</b>")]
    docs = {**docs, "d5": Document("d5", f"A bird sings. {PAYLOAD}", "Birds </title><script>")}
    result = run_shadow(current, candidate, queries, k=2, warmup=1, names=("prod<i>", "ft"))
    html = render_shadow_html(result, run_id="acme-shadow-0123", documents=docs, details={"log": {"path": PAYLOAD}})
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img" not in html and "<i>" not in html and "prod&lt;i&gt;" in html
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from outside
    assert ".stat .v" in html and "--accent" in html  # the shared stylesheet (_style.css.j2), inlined
    # headline numbers, the distribution chart, the changed queries with both lists and snippets
    assert "Shadow replay: ft vs prod&lt;i&gt;" in html
    assert "queries replayed</div><div class=\"v\">4<" in html
    assert "<svg" in html and "distribution of agreement per query" in html
    assert "Queries whose top 2 changed completely: 2" in html
    assert "A bird sings." in html and "Cats — The cat naps." in html
    assert "gone (not in the top 2)" in html


def test_report_without_documents_uses_retrieved_texts(current, candidate, queries) -> None:
    html = render_shadow_html(run_shadow(current, candidate, queries, k=2, warmup=0))
    assert "The dog barks." in html and "Latency per query" in html
