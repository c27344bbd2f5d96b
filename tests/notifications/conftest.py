"""Loopback servers that stand in for the mail server and the SMS gateway, and the real task worker.

Nothing here patches the code under test: email goes over SMTP to aiosmtpd on 127.0.0.1, SMS over HTTP to
a small server that speaks GatewayAPI's /rest/mtsms, and deliveries run through django_tasks_db's worker.
"""

import base64
import collections
import dataclasses
import email
import email.policy
import itertools
import json
import logging
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from boligsocial.plans import services as plan_services
from tests import factories

# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def run_worker():
    """Run django_tasks_db's worker until no task is due (the code of `boligsocial db_worker --batch`)."""

    def run(max_tasks: int | None = None) -> int:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=f"test-{uuid.uuid4().hex[:8]}",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run


@pytest.fixture
def make_due():
    """Let the clock run past every scheduled retry: tasks waiting for run_after become due now."""

    def due() -> int:
        now = timezone.now()
        return (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=now)
            .exclude(run_after=get_date_max())
            .update(run_after=now)
        )

    return due


@pytest.fixture
def person():
    """A person with an email address, one mobile phone and a user account."""
    login = factories.user(username=f"medlem{uuid.uuid4().hex[:6]}")
    created = plan_services.person_create(
        actor=None,
        name="Maria Hansen",
        organisation=factories.organisation(),
        email="maria@bs.example",
        phones=["20 99 55 35"],
    )
    created.user = login
    created.save(update_fields=["user"])
    return created


@pytest.fixture
def source():
    """Something notifications are about (the activation, in the product); a plan will do here."""
    return factories.plan(name="Kildeplan")


# --- SMTP ---------------------------------------------------------------------------------------------------


class RecordingHandler:
    """Accepts every message; refuses recipients listed in `refuse` with 550."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@dataclasses.dataclass
class SmtpServer:
    port: int
    handler: RecordingHandler
    controller: Controller | None = None

    @property
    def messages(self) -> list[email.message.Message]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (not started: call .start(); a stopped server is a server down)."""
    server = SmtpServer(port=free_port(), handler=RecordingHandler())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "beredskab@bs.example"
    settings.NOTIFICATION_EMAIL_TIMEOUT = 5
    yield server
    server.stop()


# --- GatewayAPI ---------------------------------------------------------------------------------------------


class Gateway:
    """The state of the fake GatewayAPI: what it will answer next, and what it received and accepted."""

    token = "test-token"

    def __init__(self) -> None:
        self.script: collections.deque[str] = collections.deque()
        self.invalid: set[int] = set()
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Event()
        self.slow_seconds = 0.0
        self._ids = itertools.count(421332671)
        self._lock = threading.Lock()

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict]:
        if handler.path.split("?")[0] != "/rest/mtsms":
            return 404, {"incident_uuid": str(uuid.uuid4()), "message": "Not found"}
        expected = "Basic " + base64.b64encode(f"{self.token}:".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            return 401, {"incident_uuid": str(uuid.uuid4()), "message": "Unauthorized"}
        try:
            payload = json.loads(handler.rfile.read(int(handler.headers.get("Content-Length", 0))))
        except ValueError:
            return 422, {"incident_uuid": str(uuid.uuid4()), "message": "Invalid json request body"}
        with self._lock:
            self.requests.append(payload)
            action = self.script.popleft() if self.script else "ok"
        self.arrived.set()
        self.hold.wait(10)
        if action == "500":
            return 500, {"incident_uuid": str(uuid.uuid4()), "message": "Internal server error"}
        if action == "429":
            return 429, {"incident_uuid": str(uuid.uuid4()), "message": "Too many requests"}
        if action == "slow":
            # Answers after the client gave up, and without accepting the message.
            time.sleep(self.slow_seconds)
            return 503, {"incident_uuid": str(uuid.uuid4()), "message": "Service unavailable"}
        if action == "slow_accept":
            # Accepts the message but answers after the client gave up: the outcome is unknown to the sender.
            with self._lock:
                self.accepted.append(payload)
            time.sleep(self.slow_seconds)
            return 200, {"ids": [next(self._ids)], "usage": {"countries": {"DK": 1}}}
        bad = [r["msisdn"] for r in payload.get("recipients", []) if r.get("msisdn") in self.invalid]
        if bad:
            return 400, {
                "incident_uuid": str(uuid.uuid4()),
                "message": "Invalid recipient: %1",
                "variables": [str(bad[0])],
            }
        with self._lock:
            self.accepted.append(payload)
        return 200, {
            "ids": [next(self._ids)],
            "usage": {"countries": {"DK": 1}, "currency": "DKK", "total_cost": 0.25},
        }


@pytest.fixture
def gateway(settings):
    """A GatewayAPI-speaking HTTP server on loopback, with the SMS settings pointing at it."""
    state = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status, body = state.answer(self)
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and went away

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SMS_GATEWAY_TOKEN = state.token
    settings.SMS_SENDER = "Beredskab"
    settings.SMS_GATEWAY_TIMEOUT = 2
    yield state
    state.hold.set()
    server.shutdown()
    server.server_close()
