"""A loopback reverse proxy that demands a token, in front of a Chroma server: what nginx, Caddy or Envoy do.

Chroma's 1.x server (``chroma run``) authenticates nobody; a server that needs a token sits behind a
proxy that checks it. ``TokenProxy(upstream, token, header="authorization")`` forwards a request only
when its header carries the token (``Authorization: Bearer <token>`` or ``X-Chroma-Token: <token>``,
Chroma's two forms), answers 401 without one and 403 with another, removes the token before
forwarding, and streams bodies both ways. ``seen`` records (method, path, status) of every request.
"""

from __future__ import annotations

import hmac
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO, Iterator
from urllib.parse import urlsplit

HEADERS = {"authorization": "Authorization", "x-chroma-token": "X-Chroma-Token"}
_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
    "transfer-encoding", "upgrade", "host", "content-length", "date", "server",
}
_CHUNK = 64 * 1024


def _exactly(stream: BinaryIO, size: int) -> Iterator[bytes]:
    while size > 0:
        data = stream.read(min(_CHUNK, size))
        if not data:
            return
        size -= len(data)
        yield data


def _dechunked(stream: BinaryIO) -> Iterator[bytes]:
    """The payload of a ``Transfer-Encoding: chunked`` body, piece by piece."""
    while True:
        size = int(stream.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return
        yield from _exactly(stream, size)
        stream.readline()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in separate writes: no 40 ms delayed-ACK stalls
    proxy: TokenProxy

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._forward()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _forward(self) -> None:
        body = self._body()
        refusal = self.proxy.refusal(self.headers)
        if refusal is not None:
            for _ in body or ():  # read what the client sent, so the connection stays usable
                pass
            return self._answer(*refusal)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP and k.lower() != self.proxy.header}
        upstream = http.client.HTTPConnection(self.proxy.upstream_host, self.proxy.upstream_port, timeout=300)
        try:
            length = self.headers.get("Content-Length")
            if length is not None:
                headers["Content-Length"] = length
            upstream.request(self.command, self.path, body=body, headers=headers, encode_chunked=body is not None and length is None)
            response = upstream.getresponse()
        except OSError as exc:
            upstream.close()
            return self._answer(502, f"upstream {self.proxy.upstream}: {exc}")
        try:
            self._relay(response)
        finally:
            upstream.close()
        self.proxy.seen.append((self.command, self.path, response.status))

    def _body(self) -> Iterator[bytes] | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return _dechunked(self.rfile)
        length = int(self.headers.get("Content-Length") or 0)
        return _exactly(self.rfile, length) if length else None

    def _relay(self, response: http.client.HTTPResponse) -> None:
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        length = response.getheader("Content-Length")
        if self.command == "HEAD" or response.status in (204, 304):
            self.send_header("Content-Length", length or "0")
            self.end_headers()
            return
        if length is not None:
            self.send_header("Content-Length", length)
            self.end_headers()
            for piece in _exactly(response, int(length)):
                self.wfile.write(piece)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while piece := response.read1(_CHUNK):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _answer(self, status: int, message: str) -> None:
        data = f"{status} {message}\n".encode()
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", "Bearer" if self.proxy.header == "authorization" else "X-Chroma-Token")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.proxy.seen.append((self.command, self.path, status))

    def log_message(self, *args: Any) -> None:
        pass


class TokenProxy:
    """Context manager serving the proxy on 127.0.0.1 in a daemon thread; ``url`` is where clients connect."""

    def __init__(self, upstream: str, token: str, *, header: str = "authorization", port: int = 0) -> None:
        if header not in HEADERS:
            raise ValueError(f"header must be one of {', '.join(HEADERS)}, not {header!r}")
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be http://host:port, not {upstream!r}")
        self.upstream = upstream.rstrip("/")
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.header = header
        self._expected = (f"Bearer {token}" if header == "authorization" else token).encode()
        self.seen: list[tuple[str, str, int]] = []
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def refusal(self, headers: Any) -> tuple[int, str] | None:
        """(status, reason) when the request does not carry the token; None when it does."""
        sent = headers.get(HEADERS[self.header])
        if sent is None:
            return 401, f"this Chroma server wants a token in {HEADERS[self.header]}"
        if not hmac.compare_digest(sent.encode(), self._expected):
            return 403, "wrong token"
        return None

    def __enter__(self) -> TokenProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
