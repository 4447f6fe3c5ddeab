"""Every way a config can be wrong gives a ConfigError naming the file, the place and the fix."""

from __future__ import annotations

import re

import pytest

from ragshift.harness.config import RunConfig, load_config
from ragshift.harness.errors import ConfigError
from ragshift.harness.metrics.spec import VALID_FORMS

SECTIONS = {
    "run": "[run]\n",
    "corpus": "[corpus]\npath = 'data'\n",
    "chunking": "[chunking]\n",
    "embedders": "[[embedders]]\nname = 'base'\n",
    "store": "[store]\n",
    "cache": "[cache]\n",
    "metrics": "[metrics]\n",
}


def config_with(section: str, line: str) -> str:
    """All sections, with ``line`` added to ``section``."""
    return "\n".join(body + (line + "\n" if name == section else "") for name, body in SECTIONS.items())


def error_of(path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_unknown_key_lists_valid_keys_of_its_section(write, section: str) -> None:
    path = write(config_with(section, "sise = 3"))
    owner = RunConfig.model_fields[section].annotation
    owner = owner.__args__[0] if section == "embedders" else owner
    header = "[[embedders]] #1" if section == "embedders" else f"[{section}]"
    valid = ", ".join(owner.model_fields)
    assert error_of(path) == f"{path}: {header} unknown key 'sise'; valid keys: {valid}"


def test_unknown_key_message_matches_documented_form(write, minimal) -> None:
    path = write(minimal + "\n[chunking]\nsise = 3\n")
    assert error_of(path) == f"{path}: [chunking] unknown key 'sise'; valid keys: strategy, size, overlap"


def test_unknown_section_lists_sections(write, minimal) -> None:
    message = error_of(write(minimal + "\n[chunkng]\nsize = 3\n"))
    assert message.endswith(
        "unknown section [chunkng]; valid sections: " + ", ".join(RunConfig.model_fields)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[embedders]]\nname = 'a'\n", "missing required section [corpus]"),
        ("[corpus]\npath = 'x'\n", "missing required section [[embedders]]"),
        ("[corpus]\nformat = 'beir'\n[[embedders]]\nname = 'a'\n", "[corpus] missing required key 'path'"),
        ("[corpus]\npath = 'x'\n[[embedders]]\nkind = 'testing.keyword'\n", "[[embedders]] #1 missing required key 'name'"),
        ("embedders = []\n[corpus]\npath = 'x'\n", "[[embedders]]: at least one [[embedders]] table is needed"),
    ],
)
def test_missing_pieces(write, text: str, expected: str) -> None:
    path = write(text)
    assert error_of(path) == f"{path}: {expected}"


def test_bad_metric_lists_valid_forms(write, minimal) -> None:
    message = error_of(write(minimal + '\n[metrics]\nnames = ["ndcg@10", "ndgc@10"]\n'))
    assert "[metrics] names: invalid metric 'ndgc@10': unknown name; valid forms: " in message
    assert all(form in message for form in VALID_FORMS)


@pytest.mark.parametrize(
    ("names", "problem"),
    [('"mrr"', "expected a list"), ("[]", "no metrics"), ('["ndcg"]', "needs a cutoff"), ('["map", "MAP"]', "twice")],
)
def test_other_metric_errors(write, minimal, names: str, problem: str) -> None:
    assert problem in error_of(write(minimal + f"\n[metrics]\nnames = {names}\n"))


@pytest.mark.parametrize(("size", "overlap"), [(64, 64), (64, 100)])
def test_overlap_must_be_below_size(write, minimal, size: int, overlap: int) -> None:
    path = write(minimal + f"\n[chunking]\nsize = {size}\noverlap = {overlap}\n")
    assert error_of(path) == f"{path}: [chunking]: overlap ({overlap}) must be smaller than size ({size})"


def test_duplicate_embedder_names(write, minimal) -> None:
    path = write(minimal + "\n[[embedders]]\nname = 'ft'\n\n[[embedders]]\nname = 'base'\n")
    assert error_of(path) == f"{path}: [[embedders]]: embedder names must be unique; used more than once: base"


def test_toml_syntax_error_names_file_and_line(write) -> None:
    path = write("[corpus]\npath = 'x'\n\n[chunking\nsize = 3\n")
    message = error_of(path)
    assert message.startswith(f"{path}: invalid TOML: ") and "line 4" in message


def test_yaml_syntax_error_names_file_and_line(write) -> None:
    path = write("corpus:\n  path: x\n  split: [a\nembedders: []\n", name="cfg.yaml")
    message = error_of(path)
    assert message.startswith(f"{path}: invalid YAML: ") and re.search(r"line [34]\b", message)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("kind = 'openai'\nbase_url = 'http://x'\nvocabulary = ['a']", "'vocabulary' not used by kind = \"openai\"; it uses: base_url, "),
        ("base_url = 'http://x'\nmax_length = 3\nclass_path = 'a:b'", "'base_url', 'class_path' not used by kind"),
        ("kind = 'openai'", 'kind = "openai" needs base_url'),
        ("kind = 'llamaindex'", 'kind = "llamaindex" needs class_path'),
        ("kind = 'testing.keyword'\nvocabulary = []", 'kind = "testing.keyword" needs vocabulary'),
        ("kind = 'llamaindex'\nclass_path = 'not a path'", "must look like \"package.module:attribute\""),
        ("name = 'has space'", "'has space' must start with a letter or digit"),
        ("kind = 'bert'", "Input should be 'sentence-transformers', 'openai', 'llamaindex', 'testing.keyword', 'testing.degraded', 'query-adapter', 'onnx' or 'bridged'"),
        ("kind = 'keyword'\nvocabulary = ['a']", 'kind = "keyword" is now "testing.keyword" (a deterministic fake for tests)'),
        ("batch_size = 0", "batch_size: Input should be greater than or equal to 1"),
    ],
)
def test_embedder_errors(write, extra: str, expected: str) -> None:
    text = "[corpus]\npath = 'x'\n[[embedders]]\n" + ("" if "name =" in extra else "name = 'a'\n") + extra + "\n"
    message = error_of(write(text))
    assert "[[embedders]] #1" in message and expected in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[chunking]\nstrategy = 'words'", "[chunking] strategy: Input should be 'sentence' or 'none'"),
        ("[chunking]\nsize = 0", "[chunking] size: Input should be greater than or equal to 1"),
        ("[corpus]\npath = 'x'\nformat = 'csv'", "[corpus] format: Input should be 'auto', 'beir', 'folder' or 'jsonl'"),
        ("[corpus]\npath = 'x'\non_empty = 'drop'", "[corpus] on_empty: Input should be 'skip' or 'error'"),
        ("[corpus]\npath = 'x'\nanswers_field = ''", "[corpus] answers_field: String should have at least 1 character"),
        ("[run]\nseed = 'abc'", "[run] seed: Input should be a valid integer"),
        ("[store]\nport = 8000", "[store]: port is set but host is not"),
        ("[store]\nkind = 'memory'", "[store] kind: Input should be 'chroma'"),
        ("[store]\nfanout = 0", "[store] fanout: Input should be greater than or equal to 1"),
        ("chunking = 3", "[chunking]: Input should be a valid dictionary"),
    ],
)
def test_value_errors_name_section_and_key(write, text: str, expected: str) -> None:
    base = "[[embedders]]\nname = 'a'\n" + ("" if "[corpus]" in text else "[corpus]\npath = 'x'\n")
    path = write(text + "\n" + base if text.startswith("chunking =") else base + text + "\n")
    assert f"{path}: {expected}" in error_of(path)


def test_all_problems_reported_at_once(write) -> None:
    path = write("[corpus]\npath = 'x'\nfoo = 1\n[chunking]\nsize = 0\n[[embedders]]\nname = 'a'\nbar = 2\n")
    lines = error_of(path).splitlines()
    assert len(lines) == 3 and all(line.startswith(f"{path}: ") for line in lines)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("missing.toml", None, "config file not found"),
        ("cfg.json", "{}", "unsupported config file type '.json'"),
        ("cfg.yaml", "- a\n- b\n", "the top level must be a table of sections"),
        ("cfg.toml", None, "cannot read config file"),
    ],
)
def test_unreadable_files(write, tmp_path, name: str, text: str | None, expected: str) -> None:
    if text is not None:
        path = write(text, name=name)
    elif name == "missing.toml":
        path = tmp_path / name
    else:
        path = write("", name=name)
        path.write_bytes(b"\xff\xfe[corpus]")
    message = error_of(path)
    assert message.startswith(f"{path}: ") and expected in message
