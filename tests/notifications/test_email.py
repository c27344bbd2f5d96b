"""Email against a real SMTP server on loopback (aiosmtpd), delivered by the real task worker."""

import datetime
import zoneinfo

import icalendar
import pytest
from django_tasks_db.models import DBTaskResult

from boligsocial.notifications import services
from boligsocial.notifications.models import Channel, ErrorCode, Notification, State
from boligsocial.notifications.transports import message_id_for

pytestmark = pytest.mark.django_db(transaction=True)


def _enqueue(person, source, **extra):
    return services.notification_enqueue(
        recipient=person,
        channel=Channel.EMAIL,
        subject="Beredskab aktiveret: rød",
        body="Rød, skyderi, Vestparken.",
        link="https://beredskab.example/k/abc",
        source=source,
        **extra,
    )


def test_delivered_with_the_link_and_a_message_id_from_the_idempotency_key(smtp_server, person, source, run_worker):
    smtp_server.start()
    notification = _enqueue(person, source)

    assert run_worker() == 1

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    [message] = smtp_server.messages
    assert message["To"] == "maria@bs.example"
    assert message["Subject"] == "Beredskab aktiveret: rød"
    assert message["Message-ID"].strip() == message_id_for(notification) == notification.provider_message_id
    assert message["Message-ID"].endswith("@bs.example>")
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "Rød, skyderi, Vestparken." in body
    assert "https://beredskab.example/k/abc" in body


def test_server_down_then_up_is_delivered_once(smtp_server, person, source, run_worker, make_due):
    notification = _enqueue(person, source)

    run_worker()  # nothing listens on the port: connection refused

    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert notification.last_error_code == ErrorCode.UNAVAILABLE
    assert notification.attempts == 1
    assert notification.next_attempt_at > notification.updated_at
    # The retry is a real task waiting for its time, not a loop in the worker.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert run_worker() == 0

    make_due()
    run_worker()  # still down: a second failure, a longer wait
    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert notification.attempts == 2

    smtp_server.start()
    make_due()
    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 3
    assert len(smtp_server.messages) == 1
    # Nothing left to do, and running again sends nothing more.
    make_due()
    assert run_worker() == 0
    assert len(smtp_server.messages) == 1


def test_unknown_recipient_fails_permanently_and_is_not_retried(smtp_server, person, source, run_worker, make_due):
    smtp_server.handler.refuse.add("maria@bs.example")
    smtp_server.start()
    notification = _enqueue(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.FAILED_PERMANENT
    assert notification.last_error_code == ErrorCode.INVALID_ADDRESS
    assert "550" in notification.last_error
    make_due()
    assert run_worker() == 0
    assert smtp_server.messages == []


def test_gives_up_after_the_maximum_attempts(smtp_server, person, source, run_worker, make_due, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = _enqueue(person, source)

    for _ in range(5):
        run_worker()
        make_due()

    notification.refresh_from_db()
    assert notification.state == State.FAILED_PERMANENT
    assert notification.last_error_code == ErrorCode.GAVE_UP
    assert notification.attempts == 3
    assert Notification.objects.count() == 1


def _invitation(method: str = "REQUEST") -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//boligsocial//test//DA")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", "meeting-test@bs.example")
    event.add("dtstamp", datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC))
    event.add("dtstart", datetime.datetime(2026, 4, 2, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen")))
    event.add("summary", "Beredskabsmøde: rød – Vestparken")
    event.add("location", "Rådhuset, mødelokale 2")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def test_a_calendar_arrives_as_a_text_calendar_attachment_that_parses(smtp_server, person, source, run_worker):
    smtp_server.start()
    notification = _enqueue(person, source, calendar=_invitation())

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.SENT
    [message] = smtp_server.messages
    assert "Rød, skyderi, Vestparken." in message.get_body(preferencelist=("plain",)).get_content()
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invitation.ics"
    parsed = icalendar.Calendar.from_ical(part.get_content())
    assert parsed["method"] == "REQUEST"
    [event] = parsed.events
    assert str(event["uid"]) == "meeting-test@bs.example"
    assert str(event["summary"]) == "Beredskabsmøde: rød – Vestparken"
    assert event.start == datetime.datetime(2026, 4, 2, 8, 0, tzinfo=datetime.UTC)
    assert [tz.tz_name for tz in parsed.timezones] == ["Europe/Copenhagen"]


def test_a_cancellation_carries_its_method_and_other_channels_drop_the_calendar(
    smtp_server, person, source, run_worker
):
    smtp_server.start()
    _enqueue(person, source, calendar=_invitation("CANCEL"))
    sms = services.notification_enqueue(
        recipient=person, channel=Channel.SMS, subject="x", body="x", source=source, calendar=_invitation()
    )

    assert sms.calendar == ""
    run_worker()
    [message] = smtp_server.messages
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"


def test_a_message_without_calendar_has_no_attachment(smtp_server, person, source, run_worker):
    smtp_server.start()
    _enqueue(person, source)
    run_worker()
    [message] = smtp_server.messages
    assert list(message.iter_attachments()) == []
