"""A real OpenAI-compatible HTTP server on 127.0.0.1 with a deterministic rule-based "model".

Serves ``GET /v1/models``, ``POST /v1/chat/completions`` and ``POST /v1/embeddings``. As a RAG
generator it answers with the context sentence sharing most words with the question (or, given a
``generator``, with that model's answer); as a ragas judge it splits answers into statements and
calls a statement supported when all its words occur in the context. ``malformed = True`` makes
every chat answer unparsable; ``failures`` lists HTTP statuses to answer first. Every request body
is recorded. ``ChatServer`` runs in a thread; ``chat_server_process`` runs
``python -m support.chat_server`` (with tests/ on the path) as a separate process.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Sequence

from ragshift.harness.testing.generators import extractive_answer, sentences, words

_RAGAS_INPUT = re.compile(r"\ninput: (\{.*\})\s*\nOutput: ?$", re.S)
_RAGAS_SCHEMA = re.compile(r"JSON Schema:\n(\{.*?\})Do not use single quotes")
MALFORMED = 'verdict: {"statements": [oops'
EMBEDDING_DIM = 64


def judge_answer(data: dict[str, Any], wanted: set[str]) -> dict[str, Any] | None:
    """Structured output for the ragas prompts this fake understands (None for any other).

    ``wanted`` is the set of top-level keys of the output schema the prompt asks for.
    """
    if wanted == {"statements"} and {"question", "answer"} <= data.keys():
        return {"statements": sentences(data["answer"])}
    if wanted == {"statements"} and {"context", "statements"} <= data.keys():
        known = words(data["context"])
        verdicts = [{"statement": s, "reason": "word overlap", "verdict": int(words(s) <= known)} for s in data["statements"]]
        return {"statements": verdicts}
    if wanted == {"claims"}:
        return {"claims": sentences(data["response"])}
    if wanted == {"question", "noncommittal"}:
        return {"question": data["response"], "noncommittal": 0}
    if wanted == {"reason", "verdict"}:
        return {"reason": "word overlap", "verdict": int(words(data["answer"]) <= words(data["context"]))}
    if wanted == {"classifications"}:
        known = words(data["context"])
        return {
            "classifications": [
                {"statement": s, "reason": "word overlap", "attributed": int(words(s) <= known)}
                for s in sentences(data["answer"])
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
    delay: float = 0.0
    """Seconds to wait before answering a chat request (to exercise client timeouts)."""
    generator: Any = None
    """A ``Generator`` answering RAG prompts instead of the extractive rule (one request at a time)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("messages")]

    def answer(self, messages: list[dict[str, Any]]) -> str:
        prompt = str(messages[-1].get("content", ""))
        if self.malformed:
            return MALFORMED
        match = _RAGAS_INPUT.search(prompt)
        if match is None and self.generator is not None:
            with self._lock:
                return self.generator.generate([messages])[0]
        if match is None:
            return extractive_answer(prompt)
        schema = _RAGAS_SCHEMA.search(prompt)
        wanted = set(json.loads(schema.group(1)).get("properties", {})) if schema else set()
        output = judge_answer(json.loads(match.group(1)), wanted)
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
        time.sleep(self.state.delay)
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
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def log_message(self, *args: Any) -> None:
        pass


class ChatServer:
    """Context manager running the server in a daemon thread; ``base_url`` ends in ``/v1``."""

    def __init__(self, state: ChatServerState | None = None, *, port: int = 0) -> None:
        self.state = state or ChatServerState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def reset(self, **changes: Any) -> ChatServerState:
        """Forget recorded requests and set fields (``malformed=``, ``failures=``, ``delay=``) for the next test."""
        self.state.requests.clear()
        self.state.malformed = changes.get("malformed", False)
        self.state.failures[:] = changes.get("failures", [])
        self.state.delay = changes.get("delay", 0.0)
        return self.state

    def serve_forever(self) -> None:
        """Serve in the calling thread (what the ``python -m`` entry point does)."""
        self._httpd.serve_forever()

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def chat_server_process(*args: str, timeout: float = 60.0) -> Iterator[str]:
    """Run ``python tests/support/chat_server.py *args`` in a child process; yields its base URL."""
    here = Path(__file__).resolve()
    paths = [str(here.parents[2]), str(here.parents[1])]  # the child imports this repository's harness and support
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [*paths, os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "support.chat_server", *args], stdout=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = _first_line(process, timeout)
        if not line.startswith("serving "):
            raise RuntimeError(f"chat server process did not start (exit {process.poll()}): {line!r}")
        yield line.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0].strip() if found else ""


def main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Rule-based OpenAI-compatible server for tests (127.0.0.1).")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--malformed", action="store_true", help="answer every chat request with broken JSON")
    parser.add_argument("--smollm2", metavar="CACHE_DIR", help="answer RAG prompts with the packaged SmolLM2")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    args = parser.parse_args(argv)
    state = ChatServerState(malformed=args.malformed)
    if args.smollm2:
        from ragshift.adapters.generators.smollm2 import SmolLM2Generator

        state.generator = SmolLM2Generator(cache_dir=args.smollm2, max_new_tokens=args.max_new_tokens)
        state.generator.load()
    server = ChatServer(state, port=args.port)
    print(f"serving {server.base_url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
