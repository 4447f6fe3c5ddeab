"""A real Chroma server (``chroma run``) on loopback, for tests and CI: start it, wait for its heartbeat, stop it.

``ChromaServer(folder)`` runs one as a subprocess (a context manager; its log is shown when it fails to
start). ``chroma_server_url(folder)`` yields the URL of the server ``$RAGSHIFT_CHROMA_URL`` names (one CI
already started) or of a fresh one. ``python tests/support/chroma_server.py -- CMD ...`` runs CMD with
``RAGSHIFT_CHROMA_URL`` pointing at a server started for it and stops the server however CMD ends: what
``make test`` does. Without CMD it serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ragshift.harness.errors import MissingDependency

ENV_URL = "RAGSHIFT_CHROMA_URL"
"""Names an already running Chroma server that tests use instead of starting their own."""

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through $http_proxy


def chroma_executable() -> str:
    """The ``chroma`` command of this environment (next to the running Python), else the one on PATH."""
    beside = Path(sys.executable).with_name("chroma")
    if beside.is_file():
        return str(beside)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder) / "chroma"
        if folder and candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise MissingDependency("the `chroma` command is missing: pip install chromadb (it ships `chroma run`)")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def heartbeat(url: str, *, timeout: float = 2.0) -> bool:
    """Whether a Chroma (>= 1.0) server answers ``GET /api/v2/heartbeat`` at ``url``."""
    try:
        with _NO_PROXY.open(f"{url.rstrip('/')}/api/v2/heartbeat", timeout=timeout) as response:
            return response.status == 200 and "nanosecond heartbeat" in json.loads(response.read() or b"{}")
    except (OSError, ValueError):
        return False


class ChromaServer:
    """``chroma run --path FOLDER --host HOST --port PORT`` as a subprocess; ``url`` once started.

    Telemetry is off (``ANONYMIZED_TELEMETRY=False``; the server also logs "No telemetry is configured").
    Without ``port``, a free one is picked (and another one if that was taken in the meantime).
    """

    def __init__(
        self, path: str | Path, *, host: str = "127.0.0.1", port: int | None = None, startup_timeout: float = 60.0
    ) -> None:
        self.path = Path(path)
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log = Path(tempfile.mkstemp(prefix="chroma-server-", suffix=".log")[1])

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the Chroma server is not started")
        return f"http://{self.host}:{self.port}"

    def log(self) -> str:
        """What the server wrote to stdout and stderr so far."""
        return self._log.read_text(errors="replace") if self._log.exists() else ""

    def start(self) -> ChromaServer:
        self.path.mkdir(parents=True, exist_ok=True)
        pick = self.port is None
        for _ in range(3 if pick else 1):
            if pick:
                self.port = free_port(self.host)
            failure = self._launch()
            if failure is None:
                return self
            if not (pick and "is not available" in self.log()):  # the port was taken in the meantime
                break
        tail = "\n".join(self.log().splitlines()[-40:])
        raise RuntimeError(f"`chroma run` at {self.url} {failure}; its log ({self._log}):\n{tail}")

    def _launch(self) -> str | None:
        """None once the server answers a heartbeat, else what went wrong."""
        command = [chroma_executable(), "run", "--path", str(self.path), "--host", self.host, "--port", str(self.port)]
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        with self._log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"exited with code {self.process.returncode} before answering a heartbeat"
            if heartbeat(self.url, timeout=1.0):
                return None
            time.sleep(0.1)
        self.stop()
        return f"gave no heartbeat within {self.startup_timeout:g} s (stopped)"

    def stop(self, *, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._log.unlink(missing_ok=True)  # a failed start keeps its log (start() raises before here)


@contextmanager
def chroma_server_url(folder: str | Path | None = None) -> Iterator[str]:
    """The server ``$RAGSHIFT_CHROMA_URL`` names, or a fresh one on loopback storing in ``folder`` (or a temp dir)."""
    external = os.environ.get(ENV_URL)
    if external:
        if not heartbeat(external, timeout=5.0):
            raise RuntimeError(f"${ENV_URL} = {external}, but no Chroma server answers a heartbeat there")
        yield external.rstrip("/")
        return
    with tempfile.TemporaryDirectory(prefix="ragshift-chroma-") as scratch:
        with ChromaServer(Path(folder or scratch) / "chroma") as server:
            yield server.url


def _raise_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/support/chroma_server.py",
        description=f"Start `chroma run` on loopback; run CMD with ${ENV_URL} set to it; stop the server however CMD ends.",
    )
    parser.add_argument("--path", help="the server's storage folder (default: a temporary folder, removed afterwards)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)  # so that `finally` stops the server
    with tempfile.TemporaryDirectory(prefix="ragshift-chroma-") as scratch:
        server = ChromaServer(Path(args.path or scratch), host=args.host, port=args.port)
        with server:
            print(f"chroma_server: {server.url} (storage {server.path}, pid {server.process.pid})", file=sys.stderr, flush=True)
            if not command:
                try:
                    while server.process.poll() is None:
                        time.sleep(0.5)
                except KeyboardInterrupt:
                    pass
                return 0
            env = {**os.environ, ENV_URL: server.url}
            try:
                return subprocess.run(command, env=env).returncode
            except KeyboardInterrupt:
                return 130
            finally:
                print(f"chroma_server: stopping {server.url}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
