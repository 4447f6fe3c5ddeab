"""The judging sheet: unjudged pooled documents for a person to judge, and merging the verdicts
into a qrels file (``ragshift judge merge SHEET QRELS``).

A sheet is ``sheet.jsonl`` (one item a line; fill ``relevance`` with 0, 1, 2 ... or leave it null) or
the TSV the HTML form saves (``query-id<TAB>corpus-id<TAB>score``). Qrels are BEIR TSV with a header.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Sequence

from ragshift.harness.errors import ConfigError

SHEET_JSONL = "sheet.jsonl"
SHEET_HTML = "sheet.html"
HEADER = "query-id\tcorpus-id\tscore"


def sheet_texts(items: Sequence[dict[str, Any]], *, title: str) -> dict[str, str]:
    """``{file name: text}`` of the sheet: JSONL and a self-contained HTML form that saves a qrels TSV."""
    jsonl = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    return {SHEET_JSONL: jsonl, SHEET_HTML: _form(items, title)}


def _form(items: Sequence[dict[str, Any]], title: str) -> str:
    rows = []
    for i, item in enumerate(items):
        e = html.escape
        options = "".join(f'<option value="{v}">{label}</option>' for v, label in (("", "–"), ("0", "0 not relevant"), ("1", "1 relevant"), ("2", "2 highly relevant")))
        rows.append(
            f'<tr><td>{e(item["qid"])}</td><td>{e(item["query"])}</td><td><b>{e(item["doc_id"])}</b> {e(item["title"])}'
            f'<br><small>{e(item["text"][:600])}</small></td><td>{e(", ".join(item["systems"]))}</td>'
            f'<td><select data-q="{e(item["qid"], quote=True)}" data-d="{e(item["doc_id"], quote=True)}" id="j{i}">{options}</select></td></tr>'
        )
    js_header = HEADER.replace("\t", "\\t")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1em}}td{{vertical-align:top;border-bottom:1px solid #ddd;padding:4px}}small{{color:#444}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{len(items)} unjudged documents that the systems retrieved. Judge some or all, then save the qrels
and run <code>ragshift judge merge judged.tsv QRELS.tsv</code>. Unjudged rows are left out.</p>
<p><button onclick="save()">Save judgments (judged.tsv)</button></p>
<table><tr><th>query id</th><th>query</th><th>document</th><th>retrieved by</th><th>relevance</th></tr>
{''.join(rows)}
</table>
<script>
function save() {{
  const lines = ["{js_header}"];
  document.querySelectorAll("select").forEach(s => {{ if (s.value !== "") lines.push(s.dataset.q + "\\t" + s.dataset.d + "\\t" + s.value); }});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([lines.join("\\n") + "\\n"], {{type: "text/tab-separated-values"}}));
  a.download = "judged.tsv"; a.click();
}}
</script></body></html>
"""


def read_judgments(path: Path) -> dict[tuple[str, str], int]:
    """``{(qid, doc_id): grade}`` of a filled sheet (JSONL items with ``relevance`` set, or a TSV)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the sheet: {exc}") from None
    found: dict[tuple[str, str], int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.strip() == HEADER:
            continue
        if path.suffix == ".jsonl":
            try:
                item = json.loads(line)
                qid, doc, grade = str(item["qid"]), str(item["doc_id"]), item.get("relevance")
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ConfigError(f"{path}:{n}: not a sheet item ({exc})") from None
            if grade is None:
                continue
        else:
            parts = line.split("\t")
            if len(parts) != 3:
                raise ConfigError(f"{path}:{n}: expected query-id<TAB>corpus-id<TAB>score, got {len(parts)} fields")
            qid, doc, grade = parts
        if isinstance(grade, bool) or not str(grade).strip().lstrip("-").isdigit() or int(grade) < 0:
            raise ConfigError(f"{path}:{n}: relevance must be a whole number >= 0, got {grade!r}")
        found[(qid.strip(), doc.strip())] = int(grade)
    return found


def merge_qrels(qrels: Path, judgments: dict[tuple[str, str], int], *, replace: bool = False) -> tuple[int, int]:
    """Add ``judgments`` to the qrels TSV (written whole, atomically); returns (added, changed).

    A judgment that disagrees with the qrels is an error unless ``replace``."""
    from ragshift.harness.report.write import write_atomic

    lines = qrels.read_text(encoding="utf-8").splitlines() if qrels.exists() else [HEADER]
    if not lines or lines[0].split("\t")[:2] != ["query-id", "corpus-id"]:
        raise ConfigError(f"{qrels}:1: expected the header {HEADER!r}")
    existing: dict[tuple[str, str], int] = {}
    for n, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].strip().lstrip("-").isdigit():
            existing[(parts[0], parts[1])] = int(parts[2])
        elif line.strip():
            raise ConfigError(f"{qrels}:{n}: expected query-id<TAB>corpus-id<TAB>score")
    clashes = [(k, existing[k], v) for k, v in judgments.items() if k in existing and existing[k] != v]
    if clashes and not replace:
        (q, d), old, new = clashes[0]
        raise ConfigError(
            f"{qrels}: {len(clashes)} judgment(s) disagree with the qrels, e.g. {q} {d}: {old} there, {new} in the sheet; "
            "pass --replace to overwrite them"
        )
    added = sum(k not in existing for k in judgments)
    merged = {**existing, **judgments}
    write_atomic(qrels, "\n".join([lines[0]] + [f"{q}\t{d}\t{g}" for (q, d), g in merged.items()]) + "\n")
    return added, len(clashes)
