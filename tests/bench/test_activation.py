"""bench/activation.py is measured, not tested (docs/performance.md); this keeps it from rotting: three members,
the loopback servers and the raw senders as in a real run, the worker inline in the test's database."""

import io

import pytest

from bench import activation as bench
from boligsocial.notifications.models import State

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loopback(settings):
    servers = bench.Loopback()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = servers.smtp_port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "beredskab@bs.example"
    settings.SMS_GATEWAY_URL = servers.sms_url
    settings.SMS_GATEWAY_TOKEN = bench.TOKEN
    yield servers
    servers.close()


def test_the_benchmark_runs_for_three_members_and_reports_every_figure(loopback, tmp_path):
    # Bounded by the timeouts (each wait at most 8 s), not timed: it is measured, not timed in tests.
    phases = bench.measure_case(
        3, senders=2, loopback=loopback, workers=bench.InlineWorker(), workdir=tmp_path, timeout=8, tag="smoke"
    )

    product, sequential, concurrent = phases
    assert [p.name for p in phases] == ["product (outbox + workers)", "raw sequential", "raw, 2 senders"]
    for phase in phases:
        assert phase.messages == 6  # an email and an SMS for each member
        assert len(phase.latencies) == 6 and phase.duplicates == 0
        assert 0 < phase.wall < 10 and phase.rate > 0
    assert all(kb > 0 for kb in sequential.peak_rss_kb + concurrent.peak_rss_kb)
    assert product.notes["every row recorded sent after s"] >= product.notes["activation committed after s"]

    out = io.StringIO()
    bench.print_case(3, phases, out)
    report = out.getvalue()
    assert "3 members: 6 email and SMS messages (+ 3 in-app)" in report
    assert "ratio product / raw concurrent" in report and "p95" in report


def test_the_product_phase_waits_for_every_row_to_be_recorded(loopback):
    from boligsocial.notifications.models import Notification

    bench.measure_product(2, loopback=loopback, workers=bench.InlineWorker(), tag="rows", timeout=8)
    assert set(Notification.objects.values_list("state", flat=True)) == {State.SENT}
    assert Notification.objects.count() == 6  # email, SMS and in-app for each of two members
