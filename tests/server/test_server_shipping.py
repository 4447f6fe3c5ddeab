"""The shipping commands against a Chroma server: reindex, promote, rollback, status through a
token-checking proxy, and the lease that keeps a second writer out."""

from __future__ import annotations

import time
import uuid

import pytest
from chroma_server_helpers import TOKEN
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.errors import StoreBusy
from ragshift.harness.shipping.promote import promote, rollback
from ragshift.harness.shipping.reindex_job import run_reindex
from ragshift.harness.systems import open_store
from tests.shipping.ship_fixtures import WORDS, write_config, write_corpus


@pytest.fixture
def server_config(tmp_path, bearer_proxy, server_store, monkeypatch):
    """A config whose store is the session's server behind the Bearer proxy; a unique corpus name."""
    monkeypatch.setenv("RS_SHIP_TOKEN", TOKEN)
    corpus = write_corpus(tmp_path / f"corpus-{uuid.uuid4().hex[:8]}")
    store = {"url": bearer_proxy.url, "token_env": "RS_SHIP_TOKEN"}
    return write_config(tmp_path, corpus, store=store)


def test_reindex_promote_rollback_round_trip_on_a_server(server_config):
    config = load_config(server_config)
    alias = f"prod-{uuid.uuid4().hex[:6]}"
    a = run_reindex(config, "fewer")
    b = run_reindex(config, "keywords")
    assert run_reindex(config, "keywords").stats.embedded == 0  # incremental on the server too
    assert promote(config, "fewer", alias=alias).alias.collection == a.collection
    moved = promote(config, "keywords", alias=alias, sample=30)
    assert (moved.alias.collection, moved.alias.previous) == (b.collection, (a.collection,))
    assert rollback(config, alias=alias).collection == a.collection
    status = CliRunner().invoke(app, ["status", str(server_config)])
    assert status.exit_code == 0, status.output
    assert alias in status.output and b.collection in status.output and "http://127.0.0.1" in status.output
    assert TOKEN not in status.output


def test_a_second_writer_is_kept_out_by_the_lease(server_config):
    config = load_config(server_config)
    store = open_store(config.store)
    name = run_reindex(config, "keywords").collection
    with store.write_lock(name, what="test holder"):
        with pytest.raises(StoreBusy, match=f"collection {name} is being written by another process .*test holder"):
            run_reindex(config, "keywords")
    assert run_reindex(config, "keywords").stats.unchanged == len(WORDS)  # released on exit


def test_an_expired_lease_of_a_killed_writer_is_taken_over(server_config, monkeypatch):
    import ragshift.adapters.stores.locks as locks
    from ragshift.adapters.stores.registry import registry_collection

    config = load_config(server_config)
    store = open_store(config.store)
    name = run_reindex(config, "keywords").collection
    registry_collection(store.client).upsert(  # what a writer killed with SIGKILL leaves behind
        ids=[f"lock:{name}"], embeddings=[[1.0]], documents=[""],
        metadatas=[{"token": "dead", "pid": 1, "host": "gone", "since": "then", "what": "killed", "expires": time.time() - 1}],
    )
    assert run_reindex(config, "keywords").stats.unchanged == len(WORDS)
    assert registry_collection(store.client).get(ids=[f"lock:{name}"])["ids"] == []
    assert locks.LEASE_SECONDS > 0
