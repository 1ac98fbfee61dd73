"""A real HTTP server on 127.0.0.1 for tests: fixture routes, request log, and bytes-sent counts.

Tests that fetch over the network use this instead of mocks, so timeouts, redirects, streaming caps and
headers are exercised on real sockets, and never leave the machine. Use the ``http_server`` fixture
(import it into the test module) or ``FixtureServer`` as a context manager::

    server.route("/page", Reply(body=b"hello", headers={"Content-Type": "text/plain"}))
    server.route("/flaky", lambda hit: Reply(status=503) if hit == 1 else Reply(body=b"ok"))
    server.url("/page")  # -> "http://127.0.0.1:PORT/page"
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable, Iterator

import pytest


@dataclass
class Reply:
    """What a route answers. ``body`` bytes get a Content-Length; an iterable of chunks is streamed
    close-delimited (no length), pausing ``chunk_delay`` seconds between chunks. ``delay`` waits before
    the status line is sent."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0


Handler = Callable[[int], Reply]


@dataclass(frozen=True)
class SeenRequest:
    """One request as the server received it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]


class FixtureServer:
    """A threaded HTTP/1.1 server on a free loopback port. Unrouted paths answer 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[SeenRequest] = []
        self.hits: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        self.body_finished: Counter[str] = Counter()
        self.aborted: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(self, path: str, reply: Reply | Handler) -> None:
        """Serve ``reply`` at ``path`` (path and query, as sent); a callable gets the 1-based hit count."""
        self.routes[path] = reply

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return self._httpd.server_address[1]

    def seen(self, path: str) -> list[SeenRequest]:
        """The requests made to ``path``, in order."""
        return [request for request in self.requests if request.path == path]

    def start(self) -> FixtureServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                server._answer(self)

            def handle(self) -> None:
                try:
                    super().handle()
                except ConnectionError:  # the client hung up between requests: normal for these tests
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        self._stopping.clear()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; sleeping handlers wake up and give up."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.requests.append(SeenRequest(handler.command, path,
                                             {k.lower(): v for k, v in handler.headers.items()}))
            self.hits[path] += 1
            hit = self.hits[path]
        route = self.routes.get(path)
        if route is None:
            reply = Reply(status=404, body=b"not found\n", headers={"Content-Type": "text/plain"})
        else:
            reply = route(hit) if callable(route) else route
        if reply.delay and self._stopping.wait(reply.delay):
            handler.close_connection = True
            return
        try:
            handler.send_response(reply.status)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if isinstance(reply.body, bytes):
                handler.send_header("Content-Length", str(len(reply.body)))
                handler.end_headers()
                handler.wfile.write(reply.body)
                self._count(path, len(reply.body))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
                handler.end_headers()
                for chunk in _paced(reply.body, reply.chunk_delay, self._stopping):
                    handler.wfile.write(chunk)
                    handler.wfile.flush()
                    self._count(path, len(chunk))
            with self._lock:
                self.body_finished[path] += 1
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
            with self._lock:
                self.aborted[path] += 1

    def _count(self, path: str, size: int) -> None:
        with self._lock:
            self.bytes_sent[path] += size


def _paced(chunks: Iterable[bytes], delay: float, stopping: threading.Event) -> Iterator[bytes]:
    for index, chunk in enumerate(chunks):
        if index and delay and stopping.wait(delay):
            return
        yield chunk


@pytest.fixture
def http_server() -> Iterator[FixtureServer]:
    """A started FixtureServer, stopped after the test."""
    with FixtureServer() as server:
        yield server
