"""Loopback stand-ins for the mail server and the SMS gateway, recording what they accepted and when.

`python -m bench.loopback` runs both in their own process (so they do not share an interpreter with what is
measured), prints `ready <smtp port> <http port>`, then one line per accepted message:
`<smtp|sms>\t<Message-ID or userref>\t<time.monotonic()>`. CLOCK_MONOTONIC is one clock for every process on
the machine, so the parent can compare these times with its own. The SMS side speaks GatewayAPI's
`POST /rest/mtsms` (the shape `notifications.transports.SmsTransport` sends), keeps connections alive, and
answers 401 to a wrong token. Only the standard library and aiosmtpd: no Django here.
"""

import argparse
import base64
import email
import email.policy
import itertools
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

TOKEN = "loopback-token"  # noqa: S105 - a stand-in gateway's, nothing real

Record = Callable[[str, str, float], None]


class SmtpHandler:
    """Accepts every message and reports its Message-ID."""

    def __init__(self, record: Record) -> None:
        self.record = record

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.compat32)
        self.record("smtp", str(message.get("Message-ID", "")).strip(), time.monotonic())
        return "250 Message accepted for delivery"


def start_smtp(record: Record, port: int = 0) -> Controller:
    """Start the SMTP server on 127.0.0.1 in a thread (port 0: any free port; see .port)."""
    controller = Controller(SmtpHandler(record), hostname="127.0.0.1", port=port or _free_port())
    controller.start()
    return controller


def start_gateway(record: Record, token: str = TOKEN) -> ThreadingHTTPServer:
    """Start a GatewayAPI-shaped HTTP server on 127.0.0.1 in a thread; its port is .server_address[1]."""
    ids = itertools.count(421332671)
    expected = "Basic " + base64.b64encode(f"{token}:".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real gateway and httpx do
        # The headers and the body go out in two writes; with Nagle's algorithm the second waits for the
        # client's delayed ACK, 40 ms a request on Linux loopback, which would be measured as the gateway.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            if self.path.split("?")[0] != "/rest/mtsms":
                self._answer(404, {"message": "Not found"})
            elif self.headers.get("Authorization") != expected:
                self._answer(401, {"message": "Unauthorized"})
            else:
                try:
                    payload = json.loads(body)
                except ValueError:
                    self._answer(422, {"message": "Invalid json request body"})
                    return
                record("sms", str(payload.get("userref", "")), time.monotonic())
                self._answer(200, {"ids": [next(ids)], "usage": {"countries": {"DK": 1}}})

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    lock = threading.Lock()

    def record(kind: str, key: str, at: float) -> None:
        with lock:
            sys.stdout.write(f"{kind}\t{key}\t{at!r}\n")
            sys.stdout.flush()

    smtp = start_smtp(record)
    gateway = start_gateway(record, token=args.token)
    record_line = f"ready {smtp.port} {gateway.server_address[1]}\n"
    with lock:
        sys.stdout.write(record_line)
        sys.stdout.flush()
    try:
        # Runs until the parent closes stdin (or dies).
        sys.stdin.read()
    finally:
        smtp.stop()
        gateway.shutdown()


if __name__ == "__main__":
    main()
