"""A real OpenAI-compatible HTTP server on 127.0.0.1 with a deterministic rule-based "model".

Serves ``GET /v1/models``, ``POST /v1/chat/completions`` and ``POST /v1/embeddings``. As a RAG
generator it answers with the context sentence sharing most words with the question; as a ragas
judge it splits answers into statements and calls a statement supported when all its words occur
in the context. ``malformed = True`` makes every chat answer unparsable; ``failures`` lists HTTP
statuses to answer first. Every request body is recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_RAGAS_INPUT = re.compile(r"\ninput: (\{.*\})\s*\nOutput: ?$", re.S)
MALFORMED = 'verdict: {"statements": [oops'
EMBEDDING_DIM = 64


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def extractive_answer(prompt: str) -> str:
    """The context sentence with most words in common with the question (first on ties)."""
    context, _, question = prompt.rpartition("Question:")
    context = context.split("Context:", 1)[-1]
    asked = words(question)
    candidates = sentences(context) or [context.strip()]
    return max(candidates, key=lambda s: len(words(s) & asked))


def judge_answer(data: dict[str, Any]) -> dict[str, Any] | None:
    """Structured output for the ragas prompts this fake understands (None for any other)."""
    if {"question", "answer"} <= data.keys():
        return {"statements": sentences(data["answer"])}
    if set(data) == {"response"}:
        return {"claims": sentences(data["response"])}
    if {"context", "statements"} <= data.keys():
        known = words(data["context"])
        return {
            "statements": [
                {"statement": s, "reason": "word overlap", "verdict": int(words(s) <= known)} for s in data["statements"]
            ]
        }
    return None


def embed(text: str) -> list[float]:
    """Bag of hashed words, L2-normalised."""
    vector = [0.0] * EMBEDDING_DIM
    for word in words(text):
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % EMBEDDING_DIM] += 1.0
    norm = sum(v * v for v in vector) ** 0.5 or 1.0
    return [v / norm for v in vector]


@dataclass
class ChatServerState:
    malformed: bool = False
    failures: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("messages")]

    def answer(self, messages: list[dict[str, Any]]) -> str:
        prompt = str(messages[-1].get("content", ""))
        if self.malformed:
            return MALFORMED
        match = _RAGAS_INPUT.search(prompt)
        if match is None:
            return extractive_answer(prompt)
        output = judge_answer(json.loads(match.group(1)))
        return json.dumps(output) if output is not None else "I cannot answer that."


class _Handler(BaseHTTPRequestHandler):
    state: ChatServerState

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if self.path.rstrip("/") != "/v1/models":
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        self._send(200, {"object": "list", "data": [{"id": "rules", "object": "model", "owned_by": "ragshift"}]})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.state.requests.append(body)
        if self.state.failures:
            return self._send(self.state.failures.pop(0), {"error": {"message": "try again"}})
        if self.path == "/v1/embeddings":
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [{"object": "embedding", "index": i, "embedding": embed(str(t))} for i, t in enumerate(inputs)]
            return self._send(200, {"object": "list", "model": body.get("model"), "data": data, "usage": {"prompt_tokens": 0, "total_tokens": 0}})
        if self.path != "/v1/chat/completions":
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        content = self.state.answer(body["messages"])
        choices = [
            {"index": i, "message": {"role": "assistant", "content": content}, "finish_reason": "stop", "logprobs": None}
            for i in range(int(body.get("n") or 1))
        ]
        self._send(
            200,
            {
                "id": f"chatcmpl-{len(self.state.requests)}", "object": "chat.completion", "created": 0,
                "model": body.get("model", "rules"), "choices": choices,
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


class ChatServer:
    """Context manager running the server in a daemon thread; ``base_url`` ends in ``/v1``."""

    def __init__(self, state: ChatServerState | None = None) -> None:
        self.state = state or ChatServerState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def reset(self, **changes: Any) -> ChatServerState:
        """Forget recorded requests and set fields (``malformed=``, ``failures=``) for the next test."""
        self.state.requests.clear()
        self.state.malformed = changes.get("malformed", False)
        self.state.failures[:] = changes.get("failures", [])
        return self.state

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
