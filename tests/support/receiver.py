"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records what it is sent."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """A webhook receiver: answers each request with the next of ``answers`` (then 200), records it."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.received = []  # (headers, raw body)
        self.hold = threading.Event()  # set: requests are answered; clear: they wait
        self.hold.set()
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), raw))
                receiver.arrived.set()
                receiver.hold.wait(30)
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bodies(self) -> list[dict]:
        return [json.loads(raw) for _, raw in self.received]

    def close(self):
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()
