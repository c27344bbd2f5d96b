"""SMS against an HTTP server on loopback speaking GatewayAPI's /rest/mtsms, delivered by the real worker."""

import pytest

from boligsocial.notifications import services
from boligsocial.notifications.models import Channel, ErrorCode, State

pytestmark = pytest.mark.django_db(transaction=True)


def _enqueue(person, source, **extra):
    return services.notification_enqueue(
        recipient=person,
        channel=Channel.SMS,
        subject="Beredskab aktiveret",
        body="Beredskab RØD: skyderi, Vestparken.",
        link="https://beredskab.example/k/abc",
        source=source,
        **extra,
    )


def test_accepted_with_the_documented_request_shape(gateway, person, source, run_worker):
    notification = _enqueue(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.provider_message_id == "421332671"
    [payload] = gateway.accepted
    assert payload == {
        "sender": "Beredskab",
        "message": "Beredskab RØD: skyderi, Vestparken. https://beredskab.example/k/abc",
        "recipients": [{"msisdn": 4520995535}],
        "userref": notification.idempotency_key,
    }


def test_500_then_200_is_delivered_once(gateway, person, source, run_worker, make_due):
    gateway.script.extend(["500", "429"])
    notification = _enqueue(person, source)

    run_worker()
    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert notification.last_error_code == ErrorCode.UNAVAILABLE
    assert "500" in notification.last_error

    make_due()
    run_worker()
    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert "429" in notification.last_error

    make_due()
    run_worker()
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 3
    assert len(gateway.requests) == 3
    assert len(gateway.accepted) == 1
    make_due()
    assert run_worker() == 0
    assert len(gateway.accepted) == 1


def test_invalid_number_fails_permanently_with_the_gateways_reason_and_is_not_retried(
    gateway, person, source, run_worker, make_due
):
    gateway.invalid.add(4520995535)
    notification = _enqueue(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.FAILED_PERMANENT
    assert notification.last_error_code == ErrorCode.INVALID_ADDRESS
    assert "Invalid recipient: 4520995535" in notification.last_error
    make_due()
    assert run_worker() == 0
    assert len(gateway.requests) == 1


def test_wrong_token_fails_permanently_as_misconfigured(gateway, person, source, run_worker, settings):
    settings.SMS_GATEWAY_TOKEN = "not-the-token"
    notification = _enqueue(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.FAILED_PERMANENT
    assert notification.last_error_code == ErrorCode.MISCONFIGURED
    assert "401" in notification.last_error


def test_timeout_is_retried_and_then_delivered_once(gateway, person, source, run_worker, make_due, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    gateway.slow_seconds = 1
    gateway.script.append("slow")
    notification = _enqueue(person, source)

    run_worker()
    notification.refresh_from_db()
    assert notification.state == State.FAILED_RETRYING
    assert notification.last_error_code == ErrorCode.TIMEOUT

    make_due()
    run_worker()
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert len(gateway.accepted) == 1


def test_a_resend_after_an_unknown_outcome_carries_the_same_userref(
    gateway, person, source, run_worker, make_due, settings
):
    """The at-least-once window: the gateway took the message but the answer never came back. The retry is
    sent, and the provider (and its delivery reports) can tell it is the same message by its userref."""
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    gateway.slow_seconds = 1
    gateway.script.append("slow_accept")
    notification = _enqueue(person, source)

    run_worker()
    make_due()
    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert [p["userref"] for p in gateway.accepted] == [notification.idempotency_key] * 2


def test_gateway_not_configured_fails_at_once(person, source, run_worker, settings):
    settings.SMS_GATEWAY_TOKEN = ""
    notification = _enqueue(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.FAILED_PERMANENT
    assert notification.last_error_code == ErrorCode.MISCONFIGURED
