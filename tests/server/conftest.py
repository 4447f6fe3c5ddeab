"""Fixtures for Chroma in client/server mode: the session's server (``chroma_url``, from tests/conftest.py),
token-checking proxies in front of it, and collections removed after each test (the server may be shared)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.register_assert_rewrite("ragshift.harness.testing.index_contract", "ragshift.harness.testing.store_contract")

from chroma_server_helpers import TOKEN  # noqa: E402


@pytest.fixture(scope="session")
def bearer_proxy(chroma_url: str):
    """The server behind a proxy that wants ``Authorization: Bearer <TOKEN>``."""
    from support.token_proxy import TokenProxy

    with TokenProxy(chroma_url, TOKEN, header="authorization") as proxy:
        yield proxy


@pytest.fixture(scope="session")
def x_token_proxy(chroma_url: str):
    """The server behind a proxy that wants ``X-Chroma-Token: <TOKEN>``."""
    from support.token_proxy import TokenProxy

    with TokenProxy(chroma_url, TOKEN, header="x-chroma-token") as proxy:
        yield proxy


@pytest.fixture
def server_store(chroma_url: str) -> Iterator:
    """A store on the server; the collections a test adds are deleted after it."""
    from ragshift.adapters.stores.chroma import ChromaStore

    store = ChromaStore(url=chroma_url)
    before = set(store.collections())
    yield store
    for name in set(store.collections()) - before:
        store.drop(name)
