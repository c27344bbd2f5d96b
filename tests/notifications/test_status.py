"""The delivery-status fragment another page (the activation) includes and polls with htmx."""

import datetime
import zoneinfo

import pytest
from django.test import RequestFactory

from boligsocial.notifications import selectors, services
from boligsocial.notifications.models import Channel, State
from boligsocial.notifications.views import render_source_status
from boligsocial.plans import services as plan_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    org = factories.organisation(name="Varde Kommune")
    return [
        plan_services.person_create(
            actor=None,
            name=f"Person {i}",
            organisation=org,
            email=f"p{i}@bs.example",
            phones=[f"+452013550{i}"],
        )
        for i in range(4)
    ]


def _enqueue(person, source, channel):
    return services.notification_enqueue(
        recipient=person, channel=channel, subject="Beredskab aktiveret", body="Rød", source=source
    )


@pytest.fixture
def situation(people, source, settings):
    """Person 0: email sent. Person 1: SMS failed for good. Person 2: SMS retrying. Person 3: queued."""
    settings.SMS_GATEWAY_TOKEN = ""
    services.notification_deliver(notification_id=_enqueue(people[0], source, Channel.EMAIL).pk)
    services.notification_deliver(notification_id=_enqueue(people[1], source, Channel.SMS).pk)
    settings.SMS_GATEWAY_TOKEN = "token"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    services.notification_deliver(notification_id=_enqueue(people[2], source, Channel.SMS).pk)
    _enqueue(people[3], source, Channel.EMAIL)
    return people


def test_selector_groups_by_person_and_knows_who_is_unreachable(situation, source, django_assert_num_queries):
    with django_assert_num_queries(1):
        statuses = selectors.notification_status_for_source(source=source)

    assert [s.person.name for s in statuses] == ["Person 0", "Person 1", "Person 2", "Person 3"]
    assert [s.notifications[0].state for s in statuses] == [
        State.SENT,
        State.FAILED_PERMANENT,
        State.FAILED_RETRYING,
        State.QUEUED,
    ]
    assert [s.unreachable for s in statuses] == [False, True, False, False]
    assert selectors.notifications_unreachable_recipients(source=source) == [situation[1]]


def test_fragment_shows_each_state_and_reason_in_danish_and_polls(situation, source, django_assert_max_num_queries):
    acknowledged = datetime.datetime(2026, 4, 1, 14, 5, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen"))
    request = RequestFactory().get("/activations/1/notifications/")

    with django_assert_max_num_queries(2):
        response = render_source_status(
            request,
            source=source,
            poll_url="/activations/1/notifications/",
            acknowledgements={situation[0].pk: acknowledged},
        )

    page = response.content.decode()
    assert 'hx-get="/activations/1/notifications/"' in page
    assert 'hx-trigger="every 5s"' in page
    assert "Underretninger" in page
    assert "Kvitteret 14:05" in page
    assert "Sendt" in page
    assert "Fejlet" in page and "Kanalen er ikke sat op" in page
    assert "Kan ikke nås" in page
    assert "Fejlet, prøver igen" in page and "Udbyderen kan ikke nås" in page and "1 forsøg" in page
    assert "I kø" in page
    assert "20 13 55 01" in page  # phone numbers in pairs


def test_fragment_without_poll_url_does_not_poll_and_says_when_nothing_was_sent(source):
    response = render_source_status(RequestFactory().get("/"), source=source)
    page = response.content.decode()
    assert "hx-get" not in page
    assert "Der er ikke sendt nogen underretninger endnu." in page


def test_outbox_stats_for_monitoring(situation):
    stats = selectors.outbox_stats()
    assert stats["pending"] == 2
    assert stats["failed"] == 1
    assert stats["oldest_pending_at"] is not None
