"""Query logs: .txt and .jsonl, ids, meta, dedupe, limit, and errors that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragshift.harness.errors import ConfigError, CorpusError
from ragshift.harness.shipping.querylog import load_query_log


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, *objects: object) -> Path:
    return write(path, "".join(json.dumps(o) + "\n" for o in objects))


def test_txt_one_query_a_line_blank_lines_skipped(tmp_path: Path) -> None:
    log = load_query_log(write(tmp_path / "log.txt", "\ufeffreset vpn\n\n  how do i roll back XR-220 firmware  \r\n   \nERR-4471\n"))
    assert [(q.qid, q.text, q.query_type) for q in log] == [
        ("line-1", "reset vpn", None),
        ("line-3", "how do i roll back XR-220 firmware", None),
        ("line-5", "ERR-4471", None),
    ]
    assert (log.lines, log.skipped_blank, len(log)) == (3, 2, 3)


def test_jsonl_text_or_query_ids_type_and_meta(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "log.jsonl",
        {"text": "vpn setup", "id": "a1", "user": "u7", "ts": 1700000000},
        {"query": "blue card", "qid": 42, "query_type": "keyword"},
        {"query": "no id here"},
        {"text": "   "},
    )
    log = load_query_log(path)
    assert [(q.qid, q.text, q.query_type) for q in log] == [
        ("a1", "vpn setup", None), ("42", "blue card", "keyword"), ("line-3", "no id here", None),
    ]
    assert log.queries[0].meta == {"user": "u7", "ts": 1700000000}
    assert log.queries[1].meta == {}
    assert log.skipped_blank == 1


def test_dedupe_keeps_first_and_counts_occurrences_then_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "log.txt", "VPN reset\nblue card\nvpn   RESET\nparking\nvpn reset\n")
    log = load_query_log(path, dedupe=True, limit=2)
    assert [(q.qid, q.text, q.meta["occurrences"]) for q in log] == [("line-1", "VPN reset", 3), ("line-2", "blue card", 1)]
    assert (log.lines, log.duplicates, log.truncated) == (5, 2, 1)
    assert [q.text for q in load_query_log(path, limit=4)] == ["VPN reset", "blue card", "vpn   RESET", "parking"]


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        ('{"text": "ok"}\n{"txt": "typo"}\n', 2, 'expected a "text" or "query" field; keys: txt'),
        ('{"text": "ok"}\n\n{"text": 3}\n', 3, '"text" must be a string, got int'),
        ('{"text": "ok"}\n{"text": "x",\n', 2, "malformed JSON"),
        ('["a list"]\n', 1, "expected a JSON object, got an array"),
        ('{"text": "a", "id": "q1"}\n{"text": "b", "id": "q1"}\n', 2, "query id 'q1' already used on line 1"),
        ('{"text": "a", "id": null}\n', 1, '"id" must be a non-empty string or an integer'),
        ('{"text": "a", "query_type": 7}\n', 1, '"query_type" must be a string'),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path: Path, content: str, line: int, problem: str) -> None:
    path = write(tmp_path / "log.jsonl", content)
    with pytest.raises(CorpusError) as err:
        load_query_log(path)
    assert err.value.line == line and err.value.path == str(path)
    assert problem in err.value.problem
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_txt_bad_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(CorpusError, match=r"log\.txt:2: not valid UTF-8"):
        load_query_log(path)


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="query log not found"):
        load_query_log(tmp_path / "missing.txt")
    with pytest.raises(CorpusError, match=r"unknown query log format '\.csv'; use one of: \.txt, \.jsonl"):
        load_query_log(write(tmp_path / "log.csv", "a\n"))
    with pytest.raises(CorpusError, match="no queries in the log"):
        load_query_log(write(tmp_path / "empty.txt", "\n  \n"))
    with pytest.raises(ConfigError, match="limit must be at least 1"):
        load_query_log(write(tmp_path / "one.txt", "a\n"), limit=0)
