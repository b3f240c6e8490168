import hashlib
import hmac
import http.server
import json
import threading

import pytest

SECRET = "receiver-secret-0123456789"


class Receiver:
    """A real HTTP receiver on the loopback address that checks each delivery's
    signature as docs/webhooks.md tells receivers to; `status` is what it answers."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 204
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = (
                    "sha256="
                    + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                )
                receiver.received.append(
                    {
                        "verified": hmac.compare_digest(
                            expected, self.headers["X-CCPOR-Signature"]
                        ),
                        "delivery": self.headers["X-CCPOR-Delivery"],
                        "body": json.loads(body),
                    }
                )
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def send_at_once(monkeypatch):
    """Deliveries queued on commit are sent in this process at once (the real
    worker's own test sends them through Redis)."""
    from webhooks import sender, tasks

    monkeypatch.setattr(
        tasks.send_delivery, "delay", lambda pk: sender.send_delivery(pk)
    )
