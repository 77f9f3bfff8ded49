"""A webhook receiver for sos-serial's transaction.posted events: checks each delivery's signature.

Run it with the webhook's secret in the environment, then register its URL (see docs/integrators.md):

    ACME_WEBHOOK_SECRET=... python -m sos_serial_acme.webhook_receiver 8123
"""
import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIGNATURE_HEADER = "X-Sos-Signature"


def signature_is_valid(raw_body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` is ``sha256=`` + the HMAC-SHA256 of the raw body under the webhook's secret."""
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    # A comparison in constant time: how long it takes tells nothing about the right signature.
    return header is not None and hmac.compare_digest(header, expected)


def make_server(port: int, secret: str, on_event=print) -> ThreadingHTTPServer:
    """A server answering 204 to each correctly signed delivery (after ``on_event(event)``), 401 otherwise."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not signature_is_valid(raw, self.headers.get(SIGNATURE_HEADER), secret):
                self.send_response(401)
            else:
                # Delivery is at least once: the event's id tells a repeat apart.
                on_event(json.loads(raw))
                self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


if __name__ == "__main__":
    make_server(int(sys.argv[1]) if len(sys.argv) > 1 else 8123, os.environ["ACME_WEBHOOK_SECRET"]).serve_forever()
