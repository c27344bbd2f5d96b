"""Activation -> every notification accepted by a loopback mail server and SMS gateway, against a raw baseline.

    .venv/bin/python bench/activation.py                        # 12 and 1,000 members, SQLite file, 2 workers
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/activation.py
    .venv/bin/python bench/activation.py --members 50 --workers 1 --json /tmp/result.json

For each plan size N: a fresh plan with N fixed members (an email address and a mobile phone each), activated
through `activations.flows.activation_activate`; `boligsocial db_worker` processes (started beforehand and
idle) deliver the outbox until the loopback servers have accepted every email and SMS. Then the same messages
(same addresses, texts, Message-IDs and userrefs) are sent straight with smtplib and httpx, first by one
sender, then by as many senders as there are workers: the raw baseline, measured in the same run against the
same servers. The database is fresh: a SQLite file in a temporary directory, or with DATABASE_URL a new
PostgreSQL database `bench_activation_<pid>` on that server, dropped at the end. Loopback traffic only; every
wait is bounded (--timeout), and N is capped at 5,000. docs/performance.md has the figures and what they mean.
"""

import argparse
import collections
import dataclasses
import itertools
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_MEMBERS = 5000
TOKEN = "loopback-token"  # noqa: S105 - the loopback gateway's, nothing real
# Child processes import this tree's code, also when it is not the one installed in the virtualenv.
PYTHONPATH = os.pathsep.join([str(REPO), str(REPO / "src")])


# --- results ------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Phase:
    """One way of getting the messages out, measured from its start to the last acceptance."""

    name: str
    messages: int
    wall: float
    latencies: list[float]
    peak_rss_kb: list[int]
    duplicates: int = 0
    notes: dict = dataclasses.field(default_factory=dict)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    @property
    def rate(self) -> float:
        return self.messages / self.wall if self.wall else float("nan")

    def summary(self) -> dict:
        return {
            "name": self.name,
            "messages": self.messages,
            "wall_s": round(self.wall, 3),
            "p50_s": round(self.quantile(0.50), 3),
            "p95_s": round(self.quantile(0.95), 3),
            "messages_per_s": round(self.rate, 1),
            "peak_rss_mb": [round(kb / 1024, 1) for kb in self.peak_rss_kb],
            "duplicates": self.duplicates,
            **self.notes,
        }


def print_case(members: int, phases: list[Phase], out=sys.stdout) -> None:
    product, raw_concurrent = phases[0], phases[-1]
    out.write(f"\n== {members} members: {product.messages} email and SMS messages (+ {members} in-app)\n")
    out.write(f"{'':28} {'wall s':>8} {'p50 s':>8} {'p95 s':>8} {'msg/s':>8}  peak RSS MB per process\n")
    for phase in phases:
        rss = ", ".join(f"{kb / 1024:.0f}" for kb in phase.peak_rss_kb) or "-"
        out.write(
            f"{phase.name:28} {phase.wall:8.3f} {phase.quantile(0.5):8.3f} {phase.quantile(0.95):8.3f} "
            f"{phase.rate:8.1f}  {rss}\n"
        )
    for key, value in product.notes.items():
        out.write(f"  {key}: {value}\n")
    out.write(
        f"  ratio product / raw concurrent: wall {product.wall / raw_concurrent.wall:.2f}x, "
        f"p50 {product.quantile(0.5) / raw_concurrent.quantile(0.5):.2f}x, "
        f"p95 {product.quantile(0.95) / raw_concurrent.quantile(0.95):.2f}x, "
        f"throughput {product.rate / raw_concurrent.rate:.2f}\n"
    )
    out.write(f"  duplicates accepted by the servers (product): {product.duplicates}\n")
    out.flush()


def peak_rss_kb(pid: int) -> int:
    """A running process's peak resident memory (Linux VmHWM), in kB; 0 where /proc is not there.
    (Not getrusage's ru_maxrss: Linux carries that over exec, so a child would report its parent's size.)"""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- the loopback servers, in their own process -------------------------------------------------------------


class Loopback:
    """Runs bench/loopback.py in a child process and collects what it accepted: (kind, key, monotonic time)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.loopback", "--token", TOKEN],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": PYTHONPATH},
        )
        ready = self.process.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"the loopback servers did not start: {ready!r}")
        self.smtp_port, self.http_port = int(ready[1]), int(ready[2])
        self.events: list[tuple[str, str, float]] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def sms_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def _read(self) -> None:
        for line in self.process.stdout:
            kind, key, at = line.rstrip("\n").split("\t")
            with self.changed:
                self.events.append((kind, key, float(at)))
                self.changed.notify_all()

    def mark(self) -> int:
        with self.changed:
            return len(self.events)

    def wait_for(self, keys: set[str], *, since: int, timeout: float) -> list[tuple[str, str, float]]:
        """Wait until every key was accepted after `since`; the events since then (TimeoutError if not).
        Says how far it got every 30 s on stderr, so a slow run is seen to be moving."""
        start = time.monotonic()
        deadline, report = start + timeout, start + 30
        seen: set[str] = set()
        position = since
        with self.changed:
            while True:
                seen.update(key for _kind, key, _at in self.events[position:] if key in keys)
                position = len(self.events)
                if len(seen) == len(keys):
                    return list(self.events[since:])
                now = time.monotonic()
                if now >= deadline:
                    raise TimeoutError(f"{len(keys - seen)} of {len(keys)} messages not accepted in {timeout} s")
                if now >= report:
                    sys.stderr.write(f"  ... {len(seen)} of {len(keys)} accepted after {now - start:.0f} s\n")
                    report = now + 30
                self.changed.wait(min(deadline - now, 1.0))

    def settle(self, seconds: float = 0.3) -> None:
        """Give stragglers (a duplicate would be one) time to arrive before a phase is counted."""
        time.sleep(seconds)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def latencies_from(events, keys: set[str], start: float) -> tuple[list[float], float, int]:
    """First acceptance of each key minus `start`; the last of them; how many acceptances were extra."""
    first: dict[str, float] = {}
    extra = 0
    for _kind, key, at in events:
        if key not in keys:
            continue
        if key in first:
            extra += 1
        else:
            first[key] = at
    return [at - start for at in first.values()], max(first.values()) - start, extra


# --- workers ------------------------------------------------------------------------------------------------


class WorkerProcesses:
    """`boligsocial db_worker` processes, the way production runs them; started idle, stopped with SIGTERM."""

    def __init__(self, count: int, *, interval: float, env: dict, logdir: Path) -> None:
        command = Path(sys.executable).with_name("boligsocial")
        self.processes = []
        self.logs = []
        for i in range(count):
            log = logdir / f"worker-{i}-{time.monotonic_ns()}.log"
            self.logs.append(log)
            self.processes.append(
                subprocess.Popen(  # noqa: S603
                    [str(command), "db_worker", "--interval", str(interval), "--no-startup-delay", "--no-reload"],
                    cwd=REPO,
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for process, log in zip(self.processes, self.logs, strict=True):
            while "Starting worker" not in log.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.05)

    def after_activation(self) -> None:
        pass  # they are polling already

    def diagnose(self) -> str:
        return "\n".join(
            f"worker {p.pid} exit code {p.poll()}, log ends:\n{log.read_text()[-1500:]}"
            for p, log in zip(self.processes, self.logs, strict=True)
        )

    def peak_rss_kb(self) -> list[int]:
        return [peak_rss_kb(p.pid) for p in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


class InlineWorker:
    """django_tasks_db's worker run in this thread once the activation is committed, until nothing is due: for
    the smoke test, whose database is pytest's and cannot be shared with another process or thread."""

    def wait_ready(self, timeout: float) -> None:
        pass

    def after_activation(self) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="bench-inline",
            excluded_queue_names=[],
        ).run()

    def peak_rss_kb(self) -> list[int]:
        return []

    def diagnose(self) -> str:
        return "inline worker"

    def stop(self) -> None:
        pass


# --- the product --------------------------------------------------------------------------------------------


def make_plan(members: int, *, tag: str):
    """A plan with `members` fixed members, each with an email address, a mobile phone and a user account (so
    the in-app inbox gets a message too, as members sign in to acknowledge); the first one activates. Built
    with bulk inserts: this is set-up, not what is measured."""
    import datetime

    from django.contrib.auth.hashers import make_password

    from boligsocial.accounts.models import User
    from boligsocial.activations.services import incident_create
    from boligsocial.directory.models import HousingArea, Organisation, Person, Phone, PhoneKind
    from boligsocial.plans import services as plan_services
    from boligsocial.plans.models import IncidentType, Membership, MembershipKind

    # Seeded by a migration; a test database flushed by earlier tests may have lost it.
    IncidentType.objects.get_or_create(code="shooting", defaults={"name": "Skyderi"})
    area = HousingArea.objects.create(name=f"Benchmarkparken {tag}", municipality="Varde")
    plan = plan_services.plan_create(
        actor=None,
        name=f"Benchmark {tag}",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
        areas=[area],
    )
    org = Organisation.objects.create(name=f"Benchmark kommune {tag}", kind="municipality")
    unusable = make_password(None)
    users = User.objects.bulk_create(User(username=f"bench-{tag}-{i}", password=unusable) for i in range(members))
    people = Person.objects.bulk_create(
        Person(name=f"Medlem {i}", organisation=org, email=f"medlem{i}.{tag}@bs.example", user=users[i])
        for i in range(members)
    )
    user = users[0]
    Phone.objects.bulk_create(
        Phone(person=p, number=f"+452099{i:04d}", kind=PhoneKind.MOBILE) for i, p in enumerate(people)
    )
    Membership.objects.bulk_create(
        Membership(plan=plan, person=p, kind=MembershipKind.FIXED, contact_priority=i + 1, is_coordinator=i == 0)
        for i, p in enumerate(people)
    )
    incident = incident_create(
        actor=user,
        plan=plan,
        incident_type=plan.incident_types.get(code="shooting"),
        area=area,
        occurred_at=datetime.datetime.now(datetime.UTC),
        description="Benchmark",
    )
    return plan, user, incident


def activate(user, incident):
    from boligsocial.activations.flows import activation_activate

    return activation_activate(
        actor=user,
        incident=incident,
        level="red",
        rationale="Benchmark",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def outgoing(activation) -> list[dict]:
    """The email and SMS rows an activation wrote, as the wire carries them: keys the servers report."""
    from boligsocial.activations.models import Seat
    from boligsocial.notifications.models import Channel, Notification
    from boligsocial.notifications.transports import Transport, message_id_for

    seats = Seat.objects.filter(activation=activation).values("pk")
    rows = Notification.objects.filter(
        source_type__model="seat", source_id__in=seats, channel__in=[Channel.EMAIL, Channel.SMS]
    ).order_by("pk")
    messages = []
    for n in rows:
        if n.channel == Channel.EMAIL:
            messages.append(
                {
                    "kind": "smtp",
                    "key": message_id_for(n),
                    "to": n.address,
                    "subject": n.subject,
                    "text": Transport.text(n),
                }
            )
        else:
            messages.append(
                {"kind": "sms", "key": n.idempotency_key, "to": n.address, "text": Transport.text(n, separator=" ")}
            )
    return messages


def measure_product(members: int, *, loopback: Loopback, workers, tag: str, timeout: float) -> tuple[Phase, list[dict]]:
    """Activate a fresh plan of `members` and wait until the servers accepted every email and SMS."""
    from boligsocial.notifications.models import State

    plan, user, incident = make_plan(members, tag=tag)
    since = loopback.mark()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    activation = activate(user, incident)
    committed = time.monotonic() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers.after_activation()
    messages = outgoing(activation)
    keys = {m["key"] for m in messages}
    try:
        loopback.wait_for(keys, since=since, timeout=timeout)
    except TimeoutError:
        states = collections.Counter(activation_rows(activation).values_list("state", flat=True))
        sys.stderr.write(f"outbox rows by state: {dict(states)}\n{workers.diagnose()}\n")
        raise
    # The servers have everything; the workers record the last outcomes a moment later.
    rows = activation_rows(activation)
    deadline = time.monotonic() + timeout
    while rows.exclude(state=State.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    recorded = time.monotonic() - start
    loopback.settle()
    latencies, wall, extra = latencies_from(loopback.events[since:], keys, start)
    notes = {
        "activation committed after s": round(committed, 3),
        "every row recorded sent after s": round(recorded, 3),
        "activating process peak RSS growth MB": round((rss_after - rss_before) / 1024, 1),
    }
    phase = Phase("product (outbox + workers)", len(keys), wall, latencies, workers.peak_rss_kb(), extra, notes)
    return phase, messages


def warm_up(*, loopback: Loopback, workers, timeout: float) -> None:
    """One small activation, delivered and not measured: a web process and long-running workers have their
    modules, URL patterns and connections loaded already, and a fresh process would count them."""
    measure_product(1, loopback=loopback, workers=workers, tag=f"warm-up-{time.monotonic_ns()}", timeout=timeout)


def activation_rows(activation):
    from boligsocial.activations.models import Seat
    from boligsocial.notifications.models import Notification

    return Notification.objects.filter(
        source_type__model="seat", source_id__in=Seat.objects.filter(activation=activation).values("pk")
    ).only("pk")


# --- the raw baseline ---------------------------------------------------------------------------------------


class RawSender:
    """Sends messages straight with smtplib and httpx: one SMTP connection and one HTTP client, reused.
    Everything that is not sending (imports, the HTTP client, the host name for EHLO) is done beforehand,
    as in a worker that has been running for a while."""

    def __init__(self, *, smtp_port: int, sms_url: str) -> None:
        import email.message
        import email.utils
        import smtplib
        import socket

        import httpx

        self.email, self.smtplib = email, smtplib
        self.smtp_port, self.sms_url = smtp_port, sms_url
        self.local_hostname = socket.getfqdn()
        self.client = httpx.Client(timeout=5)
        self.smtp = None

    def send(self, messages: Iterable[dict]) -> None:
        for m in messages:
            if m["kind"] == "smtp":
                if self.smtp is None:
                    self.smtp = self.smtplib.SMTP(
                        "127.0.0.1", self.smtp_port, local_hostname=self.local_hostname, timeout=5
                    )
                message = self.email.message.EmailMessage()
                message["Subject"] = m["subject"]
                message["From"] = "beredskab@bs.example"
                message["To"] = m["to"]
                message["Date"] = self.email.utils.formatdate(localtime=True)
                message["Message-ID"] = m["key"]
                message["Auto-Submitted"] = "auto-generated"
                message.set_content(m["text"])
                self.smtp.send_message(message)
            else:
                payload = {
                    "sender": "Beredskab",
                    "message": m["text"],
                    "recipients": [{"msisdn": int(m["to"].lstrip("+"))}],
                    "userref": m["key"],
                }
                response = self.client.post(f"{self.sms_url}/rest/mtsms", json=payload, auth=(TOKEN, ""))
                response.raise_for_status()

    def close(self) -> None:
        if self.smtp is not None:
            self.smtp.quit()
        self.client.close()


def share(messages: list[dict], *, index: int, count: int) -> list[dict]:
    """Sender `index` of `count`'s part: every count-th email and every count-th SMS, alternating, so each
    sender has both kinds (as each worker does), not one all the mail and another all the SMS."""
    kinds = [[m for m in messages if m["kind"] == kind][index::count] for kind in ("smtp", "sms")]
    return [m for pair in itertools.zip_longest(*kinds) for m in pair if m is not None]


def raw_sender_main(path: str, index: int, count: int, smtp_port: int, sms_url: str) -> None:
    """A baseline sender process: load its share of the messages, say ready, send on "go", report memory."""
    messages = share(json.loads(Path(path).read_text()), index=index, count=count)
    sender = RawSender(smtp_port=smtp_port, sms_url=sms_url)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    sender.send(messages)
    print(json.dumps({"peak_rss_kb": peak_rss_kb(os.getpid())}), flush=True)
    sender.close()


def measure_raw(
    messages: list[dict], *, senders: int, loopback: Loopback, workdir: Path, timeout: float, name: str
) -> Phase:
    """The baseline: `senders` processes (no Django) send the same messages, split round robin."""
    path = workdir / f"messages-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(messages))
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--raw-sender",
                str(path),
                str(i),
                str(senders),
                str(loopback.smtp_port),
                loopback.sms_url,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(senders)
    ]
    try:
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError("a baseline sender did not start")
        keys = {m["key"] for m in messages}
        since = loopback.mark()
        start = time.monotonic()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        loopback.wait_for(keys, since=since, timeout=timeout)
        rss = [json.loads(process.stdout.readline())["peak_rss_kb"] for process in processes]
        loopback.settle()
        latencies, wall, extra = latencies_from(loopback.events[since:], keys, start)
    finally:
        for process in processes:
            if process.poll() is None:
                process.stdin.close()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
    return Phase(name, len(keys), wall, latencies, rss, extra)


def measure_case(
    members: int, *, senders: int, loopback: Loopback, workers, workdir: Path, timeout: float, tag: str
) -> list[Phase]:
    """Product, then raw sequential, then raw with as many senders as workers; for one plan size."""
    product, messages = measure_product(members, loopback=loopback, workers=workers, tag=tag, timeout=timeout)
    sequential = measure_raw(
        messages, senders=1, loopback=loopback, workdir=workdir, timeout=timeout, name="raw sequential"
    )
    concurrent = measure_raw(
        messages, senders=senders, loopback=loopback, workdir=workdir, timeout=timeout, name=f"raw, {senders} senders"
    )
    return [product, sequential, concurrent]


# --- set-up -------------------------------------------------------------------------------------------------


def fresh_database(workdir: Path) -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for a new, empty database, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'bench.sqlite3'}", lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"bench_activation_{os.getpid()}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--raw-sender"]:
        path, index, count, smtp_port, sms_url = argv[1:6]
        raw_sender_main(path, int(index), int(count), int(smtp_port), sms_url)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[12, 1000], help="plan sizes (default: 12 1000)")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes and baseline senders (2)")
    parser.add_argument("--interval", type=float, default=0.1, help="db_worker --interval when idle (0.1 s)")
    parser.add_argument("--timeout", type=float, default=600, help="upper bound on each wait, seconds (600)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not all(1 <= n <= MAX_MEMBERS for n in args.members) or not 1 <= args.workers <= 16:
        parser.error(f"members 1..{MAX_MEMBERS}, workers 1..16")

    sys.path[:0] = [str(REPO), str(REPO / "src")]
    with tempfile.TemporaryDirectory(prefix="bench-activation-") as tmp:
        workdir = Path(tmp)
        database_url, drop = fresh_database(workdir)
        loopback = Loopback()
        try:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url,
                "PYTHONPATH": PYTHONPATH,
                "LOOPBACK_SMTP_PORT": str(loopback.smtp_port),
                "LOOPBACK_SMS_URL": loopback.sms_url,
                "LOOPBACK_SMS_TOKEN": TOKEN,
            }
            os.environ.update(env)
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            print(
                f"database: {connection.vendor} ({connection.settings_dict['NAME']}), workers: {args.workers}, "
                f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
                flush=True,
            )
            results = []
            workers = WorkerProcesses(args.workers, interval=args.interval, env=env, logdir=workdir)
            try:
                workers.wait_ready(args.timeout)
                warm_up(loopback=loopback, workers=workers, timeout=args.timeout)
                for members in args.members:
                    phases = measure_case(
                        members,
                        senders=args.workers,
                        loopback=loopback,
                        workers=workers,
                        workdir=workdir,
                        timeout=args.timeout,
                        tag=f"{members}-{time.monotonic_ns()}",
                    )
                    print_case(members, phases)
                    results.append({"members": members, "phases": [p.summary() for p in phases]})
            finally:
                workers.stop()
            if args.json:
                args.json.write_text(json.dumps({"vendor": connection.vendor, "results": results}, indent=2))
            connection.close()
        finally:
            loopback.close()
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
