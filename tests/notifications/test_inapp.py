"""The in-app channel: a delivered message lands in the recipient's inbox page, and only theirs."""

import pytest
from django.urls import reverse

from boligsocial.notifications import services
from boligsocial.notifications.models import Channel, ErrorCode, Notification, State
from tests import factories


def _inapp(person, source, *, link="", round=0):
    return services.notification_enqueue(
        recipient=person,
        channel=Channel.INAPP,
        subject="Beredskab aktiveret: rød",
        body="Rød, skyderi, Vestparken.",
        link=link,
        source=source,
        round=round,
    )


def _delivered(person, source, **extra):
    notification = _inapp(person, source, **extra)
    assert services.notification_deliver(notification_id=notification.pk) == State.SENT
    notification.refresh_from_db()
    return notification


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_to_the_inbox(client, person, source, run_worker):
    notification = _inapp(person, source)

    run_worker()

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.provider_message_id == f"inapp:{notification.pk}"
    client.force_login(person.user)
    page = client.get(reverse("notifications:inbox")).text
    assert "Beredskab aktiveret: rød" in page
    assert "1 ulæst besked" in page


@pytest.mark.django_db
def test_inbox_shows_only_the_users_own_delivered_messages_in_danish(
    client, person, source, django_assert_max_num_queries
):
    for round in range(10):
        _delivered(person, source, round=round)
    _inapp(person, source, round=99)  # queued, not yet delivered
    other = factories.user()
    stranger = services.notification_enqueue(
        recipient=factories.member(plan=source, name="Anden", login=other).person,
        channel=Channel.INAPP,
        subject="Til en anden",
        body="Hemmeligt",
        source=source,
    )
    services.notification_deliver(notification_id=stranger.pk)

    client.force_login(person.user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:inbox"))

    page = response.text
    assert page.count("Beredskab aktiveret: rød") == 10
    assert "Til en anden" not in page
    assert "10 ulæste beskeder" in page
    assert "Markér alle som læst" in page
    assert "Indbakke" in page


@pytest.mark.django_db
def test_open_marks_read_and_follows_a_link_to_this_site(client, person, source):
    notification = _delivered(person, source, link="https://beredskab.example/plans/")
    client.force_login(person.user)

    response = client.post(
        reverse("notifications:open", args=[notification.pk]), HTTP_HOST="beredskab.example", secure=True
    )

    assert response.status_code == 302
    assert response["Location"] == "https://beredskab.example/plans/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "ulæst" not in client.get(reverse("notifications:inbox")).text


@pytest.mark.django_db
def test_a_link_to_another_site_is_not_followed(client, person, source):
    notification = _delivered(person, source, link="https://evil.example/phish")
    client.force_login(person.user)

    response = client.post(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:inbox")


@pytest.mark.django_db
def test_someone_elses_message_is_not_found(client, person, source):
    notification = _delivered(person, source)
    client.force_login(factories.user())

    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_mark_all_read(client, person, source):
    for round in range(3):
        _delivered(person, source, round=round)
    client.force_login(person.user)

    client.post(reverse("notifications:mark_all_read"))

    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_inbox_needs_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_a_person_whose_account_was_removed_fails_permanently(person, source):
    notification = _inapp(person, source)
    person.user = None
    person.save(update_fields=["user"])

    assert services.notification_deliver(notification_id=notification.pk) == State.FAILED_PERMANENT
    notification.refresh_from_db()
    assert notification.last_error_code == ErrorCode.INVALID_ADDRESS
