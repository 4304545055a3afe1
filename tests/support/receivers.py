"""Real alert receivers on 127.0.0.1: a JSON webhook (optionally failing or silent at first) and SMTP."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller


class WebhookReceiver(http.server.ThreadingHTTPServer):
    """Records every JSON body POSTed; answers `fail_first` requests with 500, or sleeps `stall` seconds.
    Like a real idempotent receiver, a POST whose Idempotency-Key it has already accepted is answered
    200 and dropped (counted in `repeats`). With `redirect_to`, every POST is answered 307 to that URL."""

    daemon_threads = True

    def __init__(self, fail_first: int = 0, stall: float = 0.0, redirect_to: str | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _WebhookHandler)
        self.received: list[dict[str, Any]] = []
        self.keys: set[str] = set()
        self.repeats = 0
        self.requests = 0
        self.fail_first = fail_first
        self.stall = stall
        self.redirect_to = redirect_to
        self.url = f"json://127.0.0.1:{self.server_address[1]}/hook"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request: object, client_address: object) -> None:
        """A client giving up on a stalled answer is expected."""

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _WebhookHandler(http.server.BaseHTTPRequestHandler):
    server: WebhookReceiver

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        if self.server.stall:
            time.sleep(self.server.stall)
        key = self.headers.get("Idempotency-Key")
        if self.server.redirect_to:
            self.send_response(307)
            self.send_header("Location", self.server.redirect_to)
        elif self.server.requests <= self.server.fail_first:
            self.send_response(500)
        elif key and key in self.server.keys:
            self.server.repeats += 1
            self.send_response(200)
        else:
            if key:
                self.server.keys.add(key)
            self.server.received.append(json.loads(body))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


class SmtpReceiver:
    """An SMTP server (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.messages: list[bytes] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.url = f"mailto://127.0.0.1:{self.port}?from=alerts@cloudintel.test&to=analyst@example.test&mode=insecure"

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"

    def stop(self) -> None:
        self.controller.stop()
