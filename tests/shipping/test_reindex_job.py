"""``ragshift reindex``: incremental by content hash × model fingerprint, guarded, tagged complete."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.recorded_model import spec_of
from ragshift.harness.shipping import collections as col
from ragshift.harness.shipping.reindex_job import run_reindex
from ragshift.harness.systems import open_store
from tests.shipping.ship_fixtures import WORDS, write_config, write_corpus


@pytest.fixture
def config(tmp_path):
    return load_config(write_config(tmp_path, write_corpus(tmp_path / "corpus")))


def test_first_run_embeds_everything_and_marks_complete(config):
    result = run_reindex(config, "keywords")
    assert (result.stats.chunks, result.stats.embedded, result.stats.unchanged) == (len(WORDS), len(WORDS), 0)
    index = open_store(config.store).open(result.collection)
    tags = index.tags
    assert index.count() == len(WORDS)
    assert tags[col.COMPLETE] is True and tags[col.CHUNKS] == len(WORDS)
    assert tags["ragshift:embedder"] == result.fingerprint
    assert spec_of(tags).name == "keywords"


def test_rerun_embeds_nothing(config):
    run_reindex(config, "keywords")
    again = run_reindex(config, "keywords")
    assert (again.stats.embedded, again.stats.unchanged, again.stats.removed) == (0, len(WORDS), 0)


def test_changed_added_and_removed_documents_only(tmp_path, config):
    first = run_reindex(config, "keywords")
    write_corpus(tmp_path / "corpus", words=WORDS[:-1] + ["satchel"], edit={"d0": "The badge office moved to floor two."})
    again = run_reindex(load_config(tmp_path / "ship.toml"), "keywords")
    # d0 edited, d39 text changed (new word): 2 re-embedded; nothing left the corpus (same ids)
    assert again.collection == first.collection
    assert (again.stats.embedded, again.stats.unchanged, again.stats.removed) == (2, len(WORDS) - 2, 0)
    write_corpus(tmp_path / "corpus2", words=WORDS[:10])
    smaller = config.model_copy(update={"corpus": config.corpus.model_copy(update={"path": tmp_path / "corpus2"})})
    # another corpus (named after its folder, corpus2): a collection of its own
    assert run_reindex(smaller, "keywords").collection != first.collection


def test_each_model_version_gets_its_own_collection_and_cannot_write_another(config):
    a = run_reindex(config, "keywords")
    b = run_reindex(config, "fewer")
    assert a.collection != b.collection
    with pytest.raises(FingerprintMismatch, match="holds vectors of embedder"):
        run_reindex(config, "fewer", collection=a.collection)
    assert open_store(config.store).open(a.collection).count() == len(WORDS)


def test_cli_prints_throughput_and_completion(tmp_path, config):
    result = CliRunner().invoke(app, ["reindex", str(tmp_path / "ship.toml"), "-e", "keywords", "--batch-size", "16"])
    assert result.exit_code == 0, result.output
    assert "re-embedding 16/40 chunks" in result.output and "chunks/s, ETA" in result.output
    assert "40 chunks: 40 embedded, 0 already there, 0 removed" in result.output
    assert "is complete" in result.output
