import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boligsocial.accounts.services import api_token_create
from tests import factories

from .conftest import log_in

pytestmark = pytest.mark.django_db


def fail(client: Client, user, times: int, **extra) -> None:
    """Wrong passwords; the fifth locks at once, with the lockout page."""
    for attempt in range(1, times + 1):
        response = log_in(client, user, password="forkert-kodeord", **extra)
        if attempt < 5:
            assert response.status_code == 200
            assert "Indtast venligst korrekt brugernavn og adgangskode" in response.text
        else:
            assert response.status_code == 429


def test_five_failures_lock_the_username_from_that_address_for_15_minutes_in_danish(client):
    user = factories.user(username="medlem")
    fail(client, user, 5)
    locked = log_in(client, user)  # the right password does not help now
    assert locked.status_code == 429
    assert "Login er midlertidigt spærret" in locked.text
    assert "login spærret i 15 minutter" in locked.text
    assert "_auth_user_id" not in client.session


def test_four_failures_and_a_success_start_the_count_again(client):
    user = factories.user(username="medlem")
    fail(client, user, 4)
    assert log_in(client, user).status_code == 302
    client.post(reverse("accounts:logout"))
    fail(client, user, 4)
    assert log_in(client, user).status_code == 302


def test_the_lock_is_per_username_and_address(client):
    user, other = factories.user(username="medlem"), factories.user(username="kollega")
    fail(client, user, 5)
    assert log_in(Client(), other).status_code == 302, "another username from the same address"
    assert log_in(Client(), user, REMOTE_ADDR="192.0.2.7").status_code == 302, "the same username elsewhere"
    assert log_in(Client(), user).status_code == 429


def test_the_lock_ends_after_the_cool_off(client):
    user = factories.user(username="medlem")
    fail(client, user, 5)
    assert log_in(client, user).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert log_in(client, user).status_code == 302


def test_the_lock_applies_to_the_admin_login_too(client):
    factories.user(username="admin", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "admin", "password": "forkert-kodeord"})
    response = client.post(reverse("admin:login"), {"username": "admin", "password": "x-test-password-1"})
    assert response.status_code == 429


def test_api_tokens_are_not_affected_by_the_lock_or_by_wrong_tokens(client):
    user = factories.user(username="integration")
    _, raw = api_token_create(actor=None, user=user, name="integration")
    fail(client, user, 5)
    assert log_in(client, user).status_code == 429
    failures = AccessAttempt.objects.get().failures_since_start
    api = Client()
    for _ in range(10):
        assert api.get("/api/v1/plans", headers={"Authorization": "Bearer bs_gaet-et-token"}).status_code == 401
    assert api.get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == failures, "token calls are not login attempts"
