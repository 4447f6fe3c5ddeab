"""OpenAICompatibleEmbedder against a real HTTP server on 127.0.0.1 serving keyword vectors."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from ragshift.adapters.embedders.openai_compat import OpenAICompatibleEmbedder
from ragshift.harness.errors import RagshiftError
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, EmbedderContract
from ragshift.harness.testing.embedders import KeywordEmbedder


@dataclass
class ServerState:
    embedder: KeywordEmbedder = field(default_factory=lambda: KeywordEmbedder(CONTRACT_VOCABULARY))
    failures: list[int] = field(default_factory=list)  # statuses to answer before succeeding
    raw_body: bytes | None = None  # answer this instead of embeddings
    requests: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    state: ServerState

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.state.requests.append(body)
        self.state.headers.append(dict(self.headers))
        if self.path != "/v1/embeddings":
            return self._send(404, b'{"error": "no such route"}')
        if self.state.failures:
            return self._send(self.state.failures.pop(0), b'{"error": "try again"}')
        if self.state.raw_body is not None:
            return self._send(200, self.state.raw_body)
        vectors = self.state.embedder.embed_documents(body["input"])
        data = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
        self._send(200, json.dumps({"object": "list", "model": body["model"], "data": data[::-1]}).encode())

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    handler = type("Handler", (_Handler,), {"state": ServerState()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd, handler
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def state(server) -> ServerState:
    _, handler = server
    handler.state = ServerState()
    return handler.state


@pytest.fixture
def base_url(server, state) -> str:
    httpd, _ = server
    return f"http://127.0.0.1:{httpd.server_address[1]}/v1"


class TestOpenAICompatibleContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self, base_url):
        return lambda **overrides: OpenAICompatibleEmbedder(base_url, "keyword", normalize=True, **overrides)


def test_vectors_come_back_in_input_order_and_in_batches(base_url, state):
    texts = ["reset password", "lunch", "noon lunch", "settings", "account"]
    embedder = OpenAICompatibleEmbedder(base_url + "/", "kw", batch_size=2)
    vectors = embedder.embed_documents(texts)
    np.testing.assert_allclose(vectors, state.embedder.embed_documents(texts), atol=1e-6)
    assert [r["input"] for r in state.requests] == [texts[:2], texts[2:4], texts[4:]]
    assert all(r["model"] == "kw" and "dimensions" not in r for r in state.requests)


def test_prompts_are_prepended(base_url, state):
    embedder = OpenAICompatibleEmbedder(base_url, "kw", query_prompt="query: ", document_prompt="passage: ")
    embedder.embed_queries(["a"])
    embedder.embed_documents(["b"])
    assert [r["input"] for r in state.requests] == [["query: a"], ["passage: b"]]


def test_api_key_and_dimensions_are_sent(base_url, state):
    dim = state.embedder.dimension
    OpenAICompatibleEmbedder(base_url, "kw", api_key="sekret", dimensions=dim).embed_queries(["x"])
    assert state.requests[0]["dimensions"] == dim
    assert state.headers[0]["Authorization"] == "Bearer sekret"


def test_wrong_dimension_from_server_is_an_error(base_url, state):
    with pytest.raises(RagshiftError, match="asked for 3"):
        OpenAICompatibleEmbedder(base_url, "kw", dimensions=3).embed_queries(["x"])


def test_fingerprint_changes_when_the_server_swaps_models(base_url, state):
    before = OpenAICompatibleEmbedder(base_url, "kw").fingerprint()
    assert OpenAICompatibleEmbedder(base_url, "kw").fingerprint() == before
    state.embedder = KeywordEmbedder(CONTRACT_VOCABULARY + ("embedding",))
    assert OpenAICompatibleEmbedder(base_url, "kw").fingerprint() != before


def test_fingerprint_tracks_url_model_and_normalisation(base_url, state):
    base = OpenAICompatibleEmbedder(base_url, "kw").fingerprint()
    assert OpenAICompatibleEmbedder(base_url, "other").fingerprint() != base
    assert OpenAICompatibleEmbedder(base_url, "kw", normalize=True).fingerprint() != base
    assert OpenAICompatibleEmbedder(base_url + "/", "kw").fingerprint() == base


def test_retries_429_and_5xx_then_succeeds(base_url, state):
    state.failures = [429, 503]
    vectors = OpenAICompatibleEmbedder(base_url, "kw", backoff=0).embed_queries(["lunch"])
    assert vectors.shape == (1, state.embedder.dimension)
    assert len(state.requests) == 3


def test_gives_up_after_max_retries_naming_url_and_status(base_url, state):
    state.failures = [503] * 10
    with pytest.raises(RagshiftError, match=r"/v1/embeddings returned HTTP 503"):
        OpenAICompatibleEmbedder(base_url, "kw", backoff=0, max_retries=2).embed_queries(["lunch"])
    assert len(state.requests) == 3


def test_client_errors_are_not_retried(base_url, state):
    state.failures = [401]
    with pytest.raises(RagshiftError, match="HTTP 401"):
        OpenAICompatibleEmbedder(base_url, "kw", backoff=0).embed_queries(["lunch"])
    assert len(state.requests) == 1


def test_wrong_route_names_the_url(base_url, state):
    with pytest.raises(RagshiftError, match=r"POST http://127\.0\.0\.1:\d+/nope/embeddings returned HTTP 404"):
        OpenAICompatibleEmbedder(base_url.replace("/v1", "/nope"), "kw").embed_queries(["x"])


@pytest.mark.parametrize(
    "body",
    [
        b"<html>not json</html>",
        b'{"object": "list"}',
        b'{"data": [{"embedding": [1.0, 2.0]}]}',
        b'{"data": [{"index": 0, "embedding": [1.0]}, {"index": 1, "embedding": [1.0, 2.0]}]}',
        b'{"data": [{"index": 0, "embedding": [1.0, 2.0]}]}',
    ],
    ids=["html", "no-data", "no-index", "ragged", "too-few"],
)
def test_malformed_responses_are_clear_errors(base_url, state, body):
    state.raw_body = body
    with pytest.raises(RagshiftError, match="malformed|returned 1 embeddings"):
        OpenAICompatibleEmbedder(base_url, "kw").embed_documents(["a", "b"])


def test_unreachable_server_is_a_clear_error():
    embedder = OpenAICompatibleEmbedder("http://127.0.0.1:9/v1", "kw", max_retries=1, backoff=0, timeout=2)
    with pytest.raises(RagshiftError, match=r"POST http://127\.0\.0\.1:9/v1/embeddings failed after 2 tries"):
        embedder.embed_queries(["x"])
