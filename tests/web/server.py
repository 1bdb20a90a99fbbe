"""A real HTTP server on a loopback address for fetch tests, with a log of what it received."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Callable[["Handler"], None] | None = None  # writes the body itself


@dataclass
class Hit:
    at: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]


class Handler(BaseHTTPRequestHandler):
    server: "LoopbackServer"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.hits.append(Hit(time.monotonic(), self.path, dict(self.headers)))
        route = self.server.routes.get(self.path) or self.server.routes.get("*")
        reply = route(self) if callable(route) else route
        if reply is None:
            reply = Reply(404, b"not found")
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.stream is None:
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        else:
            self.send_header("Connection", "close")
            self.end_headers()
            reply.stream(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


class LoopbackServer(ThreadingHTTPServer):
    """Serves `routes` (path -> Reply, or a callable taking the handler) in a thread."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up on a huge or slow body is what those tests expect

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), Handler)
        self.routes: dict[str, object] = {}
        self.hits: list[Hit] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def close(self) -> None:
        self.shutdown()
        self.server_close()
