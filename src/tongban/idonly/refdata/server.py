"""Serve the reference data app with a threaded wsgiref server (no platform database needed).

`tongban refdata --port 8100` (started by `tongban serve`), or `python -m tongban.idonly.refdata`.
"""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from tongban.idonly.refdata.app import RefDataApp


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass  # request lines would carry nothing useful; ID numbers travel in bodies, never URLs

    def address_string(self):
        return self.client_address[0]


def make(host: str = "127.0.0.1", port: int = 8100, *, app: RefDataApp | None = None,
         quiet: bool = True) -> ThreadingWSGIServer:
    return make_server(host, port, app or RefDataApp(), server_class=ThreadingWSGIServer,
                       handler_class=QuietHandler if quiet else WSGIRequestHandler)


def start_in_thread(app: RefDataApp | None = None, host: str = "127.0.0.1", port: int = 0):
    """A running server on a free loopback port (tests, benchmarks); call .shutdown() to stop."""
    server = make(host, port, app=app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


def url_of(server: ThreadingWSGIServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"
