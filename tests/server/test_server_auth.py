"""Pointing ragshift at a server: config validation, the token (from an environment variable only),
and clear errors for a server that is absent or refuses the token."""

from __future__ import annotations

import json
from typing import get_args

import pytest
from chroma_server_helpers import TOKEN

from ragshift.adapters.stores.chroma import ChromaStore
from ragshift.harness.config import StoreSection, load_config
from ragshift.harness.errors import ConfigError, RagshiftError
from support.chroma_server import free_port


def section(**fields) -> StoreSection:
    return StoreSection.model_validate(fields)


def test_a_server_is_url_or_host_port_ssl():
    assert section().server_url is None
    assert section(host="10.0.0.5").server_url == "http://10.0.0.5:8000"
    assert section(host="chroma.internal", port=443, ssl=True).server_url == "https://chroma.internal:443"
    assert section(host="::1", port=9000).server_url == "http://[::1]:9000"
    assert section(url="https://chroma.example.com/prefix/").server_url == "https://chroma.example.com/prefix"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"url": "http://user:secret@host:8000"}, "url must not hold credentials"),
        ({"url": "ftp://host"}, 'url must look like "http://host:port"'),
        ({"url": "http://host:99999"}, "is not a valid URL"),
        ({"url": "http://host:8000?token=x"}, "must not have a query"),
        ({"url": "http://h:1", "host": "h"}, "either url or host/port/ssl"),
        ({"url": "http://h:1", "ssl": True}, "either url or host/port/ssl"),
        ({"ssl": True}, "ssl is set but host is not"),
        ({"port": 8000}, "port is set but host is not"),
        ({"token_env": "CHROMA_TOKEN"}, "token_env is set but no server is"),
        ({"host": "h", "token_env": "sk-abc123"}, "NAME of an environment variable"),
        ({"host": "h", "token_header": "cookie"}, "'authorization' or 'x-chroma-token'"),
    ],
)
def test_bad_server_settings_fail_at_load(tmp_path, fields, expected):
    store = "".join(f"{key} = {json.dumps(value)}\n" for key, value in fields.items())
    path = tmp_path / "c.toml"
    path.write_text(f"[corpus]\npath = 'x'\n[[embedders]]\nname = 'a'\n[store]\n{store}")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}: [store]" in str(caught.value) and expected in str(caught.value)
    assert "secret" not in str(caught.value)  # the offending value is not echoed


def test_token_header_is_case_insensitive_and_matches_the_stores_choices():
    assert section(host="h", token_header="X-Chroma-Token").token_header == "x-chroma-token"
    choices = get_args(StoreSection.model_fields["token_header"].annotation)
    assert set(choices) == set(ChromaStore.TOKEN_HEADERS)


def test_the_token_is_read_from_the_environment_never_from_the_config(monkeypatch):
    store = section(host="h", token_env="RS_TEST_TOKEN")
    monkeypatch.delenv("RS_TEST_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="environment variable RS_TEST_TOKEN is not set: export RS_TEST_TOKEN="):
        store.server_token()
    monkeypatch.setenv("RS_TEST_TOKEN", "")
    with pytest.raises(ConfigError, match="RS_TEST_TOKEN is empty"):
        store.server_token()
    monkeypatch.setenv("RS_TEST_TOKEN", TOKEN)
    assert store.server_token() == TOKEN
    assert TOKEN not in store.model_dump_json()
    assert "token" not in StoreSection.model_fields  # no field could hold one


def test_missing_token_variable_is_a_config_error_before_any_connection(monkeypatch):
    monkeypatch.delenv("RS_TEST_TOKEN", raising=False)
    unused = section(host="127.0.0.1", port=free_port(), token_env="RS_TEST_TOKEN")
    with pytest.raises(ConfigError, match="RS_TEST_TOKEN is not set"):
        ChromaStore.from_section(unused)


def test_right_token_is_accepted_through_either_header(bearer_proxy, x_token_proxy, monkeypatch, chroma_url):
    monkeypatch.setenv("RS_TEST_TOKEN", TOKEN)
    for proxy, header in ((bearer_proxy, "authorization"), (x_token_proxy, "x-chroma-token")):
        seen = len(proxy.seen)
        store = ChromaStore.from_section(section(url=proxy.url, token_env="RS_TEST_TOKEN", token_header=header))
        assert store.location == proxy.url and store.batch_size > 0
        assert isinstance(store.client.list_collections(), list)
        assert proxy.seen[seen:] and all(status == 200 for _, _, status in proxy.seen[seen:])


def test_no_token_says_the_server_wants_one(bearer_proxy):
    with pytest.raises(RagshiftError, match=rf"Chroma server at {bearer_proxy.url} wants a token \(HTTP 401\).*token_env"):
        ChromaStore(url=bearer_proxy.url)


def test_wrong_token_is_refused_naming_the_variable_not_the_token(bearer_proxy, monkeypatch):
    monkeypatch.setenv("RS_TEST_TOKEN", "not-the-token")
    with pytest.raises(RagshiftError) as caught:
        ChromaStore.from_section(section(url=bearer_proxy.url, token_env="RS_TEST_TOKEN"))
    message = str(caught.value)
    assert f"Chroma server at {bearer_proxy.url} refused the token from $RS_TEST_TOKEN (HTTP 403)" in message
    assert "not-the-token" not in message


def test_right_token_in_the_wrong_header_is_refused_naming_the_header(x_token_proxy):
    with pytest.raises(RagshiftError, match=r"refused the given token \(HTTP 401\).*sent as Authorization"):
        ChromaStore(url=x_token_proxy.url, token=TOKEN, token_header="authorization")


def test_token_that_no_header_can_carry_is_a_config_error(bearer_proxy):
    with pytest.raises(ConfigError, match=r"the token in \$T .*cannot carry") as caught:
        ChromaStore(url=bearer_proxy.url, token=TOKEN + "\n", token_source="$T")
    assert TOKEN not in str(caught.value)


def test_unreachable_server_says_how_to_start_one():
    port = free_port()
    with pytest.raises(RagshiftError) as caught:
        ChromaStore.from_section(section(host="127.0.0.1", port=port))
    message = str(caught.value)
    assert message.startswith(f"no Chroma server at http://127.0.0.1:{port} (")
    assert f"start one with `chroma run --path <folder> --host 127.0.0.1 --port {port}`" in message


def test_something_else_at_the_url_is_not_taken_for_chroma(chroma_url):
    with pytest.raises(RagshiftError, match=r"does not answer like a Chroma server .*HTTP 404"):
        ChromaStore(url=f"{chroma_url}/not-chroma")
