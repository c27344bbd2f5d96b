import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from boligsocial.accounts.middleware import LAST_SEEN_SESSION_KEY
from tests import factories

pytestmark = pytest.mark.django_db


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_SESSION_KEY] -= seconds
    session.save()


def test_the_session_lasts_30_minutes_without_activity_by_default():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_after_30_idle_minutes_the_next_request_goes_to_the_login_page_with_a_danish_note(client):
    client.force_login(factories.user())
    _age_session(client, 31 * 60)
    response = client.get("/plans/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "inaktiv" in client.get(response.url).text
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_and_moves_its_end(client):
    client.force_login(factories.user())
    _age_session(client, 29 * 60)
    before = Session.objects.get().expire_date
    assert client.get("/plans/").status_code == 200
    assert client.session[LAST_SEEN_SESSION_KEY] >= int(time.time()) - 5
    assert Session.objects.get().expire_date > before
    assert client.get("/plans/").status_code == 200


def test_requests_within_a_minute_do_not_write_the_session(client, django_assert_num_queries):
    client.force_login(factories.user())
    client.get("/plans/")
    with django_assert_num_queries(3):  # the session, the user and the plan list: no session write
        client.get("/plans/")


def test_the_idle_time_is_configurable(client, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(factories.user())
    _age_session(client, 4 * 60)
    assert client.get("/plans/").status_code == 200
    _age_session(client, 6 * 60)
    assert client.get("/plans/").status_code == 302
