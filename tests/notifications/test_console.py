"""The console channel: the demo's stand-in for SMS, configured per channel in NOTIFICATION_TRANSPORTS."""

import importlib
import logging

import pytest

from boligsocial.notifications import services
from boligsocial.notifications.models import Channel, State

pytestmark = pytest.mark.django_db


def test_demo_settings_write_sms_to_the_log(person, source, settings, caplog):
    demo = importlib.import_module("boligsocial.settings.development")
    settings.NOTIFICATION_TRANSPORTS = demo.NOTIFICATION_TRANSPORTS
    notification = services.notification_enqueue(
        recipient=person,
        channel=Channel.SMS,
        subject="Beredskab aktiveret",
        body="Beredskab RØD: skyderi, Vestparken.",
        link="https://beredskab.example/k/abc",
        source=source,
    )

    with caplog.at_level(logging.INFO, logger="boligsocial.notifications.transports"):
        assert services.notification_deliver(notification_id=notification.pk) == State.SENT

    notification.refresh_from_db()
    assert notification.provider_message_id == f"console:{notification.pk}"
    assert "+4520995535" in caplog.text
    assert "Beredskab RØD: skyderi, Vestparken. https://beredskab.example/k/abc" in caplog.text
