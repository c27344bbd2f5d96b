import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from boligsocial.accounts.models import ApiToken
from boligsocial.accounts.services import api_token_create, api_token_revoke
from boligsocial.core.models import AuditEntry
from tests import factories

from .conftest import details

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_plan():
    login = factories.user(username="medlem")
    plan = factories.plan(name="Synlig plan")
    factories.plan(name="Hemmelig plan")
    factories.member(plan=plan, login=login)
    return login, plan


def test_valid_token_acts_as_its_user(member_plan):
    login, plan = member_plan
    token, raw = api_token_create(actor=None, user=login, name="integration")
    response = Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert [p["name"] for p in response.json()] == ["Synlig plan"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_hash_of_the_token_is_stored(member_plan):
    login, _ = member_plan
    token, raw = api_token_create(actor=None, user=login, name="integration")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
    assert len(stored["token_hash"]) == 64
    assert raw.startswith(stored["prefix"])


def test_missing_token_is_401_in_danish_with_bearer_challenge():
    response = Client().get("/api/v1/plans")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Log ind, eller send et API-token" in details(response)[None]


def test_unknown_token_is_401():
    response = Client().get("/api/v1/plans", headers={"Authorization": "Bearer bs_gaet-et-token"})
    assert response.status_code == 401
    assert "ugyldigt" in details(response)[None]


def test_revoked_token_is_401_and_revoking_is_audited(member_plan):
    login, _ = member_plan
    token, raw = api_token_create(actor=None, user=login, name="integration")
    api_token_revoke(actor=None, token=token)
    response = Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert "tilbagekaldt" in details(response)[None]
    assert AuditEntry.objects.filter(action="api_token.revoke", target_id=token.pk).exists()


def test_token_of_a_deactivated_user_is_401(member_plan):
    login, _ = member_plan
    _, raw = api_token_create(actor=None, user=login, name="integration")
    login.is_active = False
    login.save()
    assert Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(member_plan, django_assert_num_queries):
    login, _ = member_plan
    token, raw = api_token_create(actor=None, user=login, name="integration")
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    client.get("/api/v1/organisations", headers=headers)
    with django_assert_num_queries(2):  # the token with its user, the organisations; no write
        client.get("/api/v1/organisations", headers=headers)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - datetime.timedelta(minutes=5))
    with django_assert_num_queries(3):
        client.get("/api/v1/organisations", headers=headers)


def test_session_works_for_reads_and_needs_csrf_for_writes(member_plan):
    login, plan = member_plan
    coordinator = factories.user()
    factories.member(plan=plan, name="Tovholder", login=coordinator, is_coordinator=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.get("/api/v1/plans").status_code == 200
    url = f"/api/v1/plans/{plan.pk}"
    refused = client.patch(url, {"purpose": "Tryghed"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in details(refused)[None]
    client.get("/accounts/login/")  # sets the CSRF cookie, as a page would
    csrf = client.cookies["csrftoken"].value
    accepted = client.patch(url, {"purpose": "Tryghed"}, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200
    assert accepted.json()["purpose"] == "Tryghed"


def test_write_without_any_credentials_is_401_not_a_csrf_error():
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/organisations", {"name": "X", "kind": "police"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_command_creates_lists_and_revokes_a_token():
    login = factories.user(username="integration-bruger")
    out = io.StringIO()
    call_command("api_token", "create", "integration-bruger", "Varde kommune", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("bs_")
    assert "vises kun nu" in out.getvalue()
    assert Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    listing = io.StringIO()
    call_command("api_token", "list", "integration-bruger", stdout=listing)
    assert "Varde kommune" in listing.getvalue()
    assert raw not in listing.getvalue()

    call_command("api_token", "revoke", "integration-bruger", "Varde kommune", stdout=io.StringIO())
    assert Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert ApiToken.objects.get(user=login).revoked_at is not None


def test_command_refuses_unknown_user_and_duplicate_name():
    factories.user(username="bruger")
    with pytest.raises(CommandError, match="Der findes ingen bruger"):
        call_command("api_token", "create", "ingen", "x", stdout=io.StringIO())
    call_command("api_token", "create", "bruger", "x", stdout=io.StringIO())
    with pytest.raises(CommandError, match="allerede et aktivt API-token"):
        call_command("api_token", "create", "bruger", "x", stdout=io.StringIO())
    with pytest.raises(CommandError, match="intet aktivt API-token"):
        call_command("api_token", "revoke", "bruger", "y", stdout=io.StringIO())


def test_admin_action_revokes_tokens(client):
    admin = factories.user(username="superadmin", is_staff=True, is_superuser=True)
    token, raw = api_token_create(actor=None, user=factories.user(), name="integration")
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=admin).exists()
    assert Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_revoking_a_token_in_use_takes_effect_on_the_next_call(member_plan):
    login, plan = member_plan
    token, raw = api_token_create(actor=None, user=login, name="integration")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 200
    api_token_revoke(actor=None, token=ApiToken.objects.get(pk=token.pk))
    response = client.get(f"/api/v1/plans/{plan.pk}")
    assert response.status_code == 401
    assert "tilbagekaldt" in details(response)[None]


def test_a_token_acts_only_as_its_own_user(member_plan):
    login, plan = member_plan
    other = factories.user(username="anden")
    _, raw = api_token_create(actor=None, user=other, name="integration")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/plans").json() == []
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 404
