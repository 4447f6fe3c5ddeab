"""The test/CI server helper: a failed start shows Chroma's own log; the wrapper always stops the server."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from support.chroma_server import ChromaServer, heartbeat, main


def test_a_server_that_cannot_start_shows_its_log(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ChromaServer(tmp_path / "db", port=port, startup_timeout=30)
        with pytest.raises(RuntimeError, match=rf"(?s)at http://127.0.0.1:{port} exited with code .*its log .*is not available"):
            server.start()
    server._log.unlink()  # kept on failure for a person to read; not needed here


def test_wrapper_runs_the_command_with_the_url_and_stops_the_server(tmp_path, capfd):
    probe = "import os, sys; print('URL', os.environ['RAGSHIFT_CHROMA_URL']); sys.exit(3)"
    assert main(["--path", str(tmp_path / "db"), "--", sys.executable, "-c", probe]) == 3  # the command's exit code
    url = capfd.readouterr().out.split("URL ", 1)[1].split()[0]
    assert url.startswith("http://127.0.0.1:")
    assert not heartbeat(url, timeout=1.0)  # stopped
    assert (tmp_path / "db" / "chroma.sqlite3").exists()


def test_sigterm_to_the_wrapper_stops_the_command_and_the_server(tmp_path):
    import os
    import signal
    import subprocess

    wrapper = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve().parents[1] / "support" / "chroma_server.py"), "--", sys.executable, "-c", "import time; time.sleep(120)"],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        first = wrapper.stderr.readline()  # "chroma_server: URL (storage ..., pid N)"
        url, pid = first.split()[1], int(first.rsplit("pid ", 1)[1].rstrip(")\n"))
        assert heartbeat(url)
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(30) == 128 + signal.SIGTERM
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
    assert not heartbeat(url, timeout=1.0)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_the_sessions_server_is_the_one_named_in_the_environment(chroma_url):
    import os

    named = os.environ.get("RAGSHIFT_CHROMA_URL")
    assert chroma_url == (named.rstrip("/") if named else chroma_url)
    assert heartbeat(chroma_url)
