import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from boligsocial.accounts import selectors, services
from boligsocial.accounts.services import api_token_create
from boligsocial.core.models import AuditEntry
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services as plan_services
from tests import factories

from .conftest import code, log_in, person_user, totp_device

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")


def test_who_must_use_two_factor_sign_in():
    assert selectors.user_requires_two_factor(user=person_user(kind=OrganisationKind.POLICE))
    assert selectors.user_requires_two_factor(user=person_user(kind=OrganisationKind.MUNICIPALITY))
    assert not selectors.user_requires_two_factor(user=person_user(kind=OrganisationKind.HOUSING))
    assert not selectors.user_requires_two_factor(user=person_user(kind=OrganisationKind.SECRETARIAT))
    assert not selectors.user_requires_two_factor(user=factories.user())
    assert selectors.user_requires_two_factor(user=factories.user(is_staff=True))
    assert selectors.user_requires_two_factor(user=factories.user(is_superuser=True))


def test_authority_member_without_authenticator_is_sent_to_set_up_before_any_page(client, police_user):
    plan = factories.plan()
    response = log_in(client, police_user, next=f"/plans/{plan.pk}/")
    assert response.status_code == 302
    for path in ("/plans/", f"/plans/{plan.pk}/", "/notifications/", "/activations/", "/accounts/security/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(SETUP + "?next="), path
    # A half-signed-in user may not pick the code page either, nor post anywhere.
    assert client.get(VERIFY).url.startswith(SETUP)
    assert client.post(f"/plans/{plan.pk}/edit/", {}).url == SETUP
    # htmx requests get told where to go instead of a page swapped into a fragment.
    fragment = client.get("/notifications/", headers={"HX-Request": "true"})
    assert fragment.status_code == 204 and fragment["HX-Redirect"].startswith(SETUP)
    # Logging out and switching language still work.
    assert client.post(reverse("set_language"), {"language": "da", "next": "/"}).status_code == 302
    assert client.post(reverse("accounts:logout")).url == reverse("accounts:login")
    assert client.get("/plans/").url.startswith(reverse("accounts:login"))


def test_set_up_shows_qr_code_and_key_and_a_right_code_turns_it_on(client, police_user):
    log_in(client, police_user)
    page = client.get(SETUP + "?next=/activations/")
    assert page.status_code == 200
    text = page.text
    assert "Opsæt totrinsbekræftelse" in text and "offentlig myndighed" in text
    assert "<svg" in text and 'class="segno"' in text
    device = TOTPDevice.objects.get(user=police_user)
    assert not device.confirmed
    assert selectors.totp_secret_text(device=device) in text
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=police_user).count() == 1, "reloading shows the same key"

    wrong = client.post(SETUP, {"token": "000000", "next": "/activations/"})
    assert "Koden er ikke korrekt" in wrong.text
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    done = client.post(SETUP, {"token": code(device), "next": "/activations/"})
    assert done.status_code == 200
    assert "Reservekoder" in done.text and "de vises kun nu" in done.text
    shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", done.text)
    assert len(shown) == 10
    assert 'href="/activations/"' in done.text
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=police_user).count() == 10
    assert client.get("/plans/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.enable", target_id=police_user.pk).exists()


def test_member_with_authenticator_gives_a_code_after_the_password(client, police_user):
    device = totp_device(police_user)
    plan = factories.plan()
    response = log_in(client, police_user, next=f"/plans/{plan.pk}/")
    assert response.url == f"/plans/{plan.pk}/"
    to_code = client.get(response.url)
    assert to_code.url == VERIFY + f"?next=%2Fplans%2F{plan.pk}%2F"
    # Setting up a new authenticator needs the current one: a stolen password alone must not be enough.
    assert client.get(SETUP).url.startswith(VERIFY)
    assert client.post(SETUP, {"token": "123456"}).url.startswith(VERIFY)
    page = client.get(to_code.url)
    assert "Totrinsbekræftelse" in page.text and "reservekoder" in page.text

    assert "Koden er ikke korrekt" in client.post(VERIFY, {"token": "000000"}).text
    device.throttle_reset()
    session_before = client.session.session_key
    done = client.post(VERIFY, {"token": code(device)[:3] + " " + code(device)[3:], "next": f"/plans/{plan.pk}/"})
    assert done.url == f"/plans/{plan.pk}/"
    assert client.session.session_key != session_before, "a new session id once fully signed in"
    assert client.get("/plans/").status_code == 200
    assert client.get(VERIFY).url == "/plans/", "nothing left to verify"


def test_a_code_is_accepted_only_once(client, police_user):
    device = totp_device(police_user)
    log_in(client, police_user)
    used = code(device)
    assert client.post(VERIFY, {"token": used}).status_code == 302
    other = Client()
    log_in(other, police_user)
    assert "Koden er ikke korrekt" in other.post(VERIFY, {"token": used}).text


def test_wrong_codes_are_throttled(client, police_user):
    device = totp_device(police_user)
    log_in(client, police_user)
    for _ in range(3):
        client.post(VERIFY, {"token": "000000"})
    refused = client.post(VERIFY, {"token": code(device)})
    assert refused.status_code == 200
    assert "For mange forkerte koder" in refused.text
    assert client.get("/plans/").url.startswith(VERIFY)


def test_a_backup_code_signs_in_once_when_the_phone_is_lost(client, police_user):
    totp_device(police_user)
    codes = services.backup_codes_replace(actor=None, user=police_user)
    log_in(client, police_user)
    done = client.post(VERIFY, {"token": codes[0].upper()}, follow=True)
    assert done.status_code == 200
    assert "Du loggede ind med en reservekode. Du har 9 tilbage" in done.text
    assert selectors.backup_codes_left(user=police_user) == 9

    again = Client()
    log_in(again, police_user)
    assert "Koden er ikke korrekt" in again.post(VERIFY, {"token": codes[0]}).text
    # A wrong code holds the next try back for a second (throttling); a person takes longer than that.
    StaticDevice.objects.filter(user=police_user).update(throttling_failure_timestamp=None)
    assert again.post(VERIFY, {"token": codes[1]}).status_code == 302


def test_new_backup_codes_replace_the_old_ones(client, police_user):
    device = totp_device(police_user)
    old = services.backup_codes_replace(actor=None, user=police_user)
    log_in(client, police_user)
    client.post(VERIFY, {"token": code(device)})
    page = client.post(reverse("accounts:backup_codes_new"))
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert selectors.backup_codes_left(user=police_user) == 10
    with pytest.raises(Exception, match="ikke korrekt"):
        services.two_factor_verify(user=police_user, token=old[0])


def test_optional_member_signs_in_with_the_password_and_may_turn_two_factor_on_and_off(client, housing_user):
    log_in(client, housing_user)
    assert client.get("/plans/").status_code == 200
    security = client.get(reverse("accounts:security")).text
    assert "Totrinsbekræftelse er slået fra" in security
    assert "efter 30 minutter uden aktivitet" in security

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=housing_user)
    client.post(SETUP, {"token": code(device)})
    assert "Totrinsbekræftelse er slået til" in client.get(reverse("accounts:security")).text

    later = Client()
    log_in(later, housing_user)
    assert later.get("/plans/").url.startswith(VERIFY), "once on, it is asked for at every sign-in"

    off = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "Totrinsbekræftelse er slået fra." in off.text
    assert not TOTPDevice.objects.filter(user=housing_user).exists()
    assert AuditEntry.objects.filter(action="two_factor.disable", target_id=housing_user.pk).exists()


def test_a_member_who_must_use_two_factor_cannot_turn_it_off(client, police_user):
    device = totp_device(police_user)
    log_in(client, police_user)
    client.post(VERIFY, {"token": code(device)})
    page = client.get(reverse("accounts:security")).text
    assert "Slå totrinsbekræftelse fra" not in page
    refused = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "Totrinsbekræftelse er påkrævet" in refused.text
    assert TOTPDevice.objects.filter(user=police_user).exists()


def test_the_admin_login_also_asks_for_the_second_factor(client):
    admin = factories.user(username="admin", is_staff=True, is_superuser=True)
    response = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "admin", "password": "x-test-password-1", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").url.startswith(SETUP)
    device = services.totp_enrolment_start(user=admin)
    client.post(SETUP, {"token": code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_api_refuses_a_half_signed_in_session_but_not_a_token(client, police_user):
    plan_services.membership_save(actor=None, plan=factories.plan(name="Synlig"), person=police_user.person)
    log_in(client, police_user)
    refused = client.get("/api/v1/plans")
    assert refused.status_code == 401
    assert "totrinsbekræftelse" in refused.json()["detail"][0]["message"]
    _, raw = api_token_create(actor=None, user=police_user, name="integration")
    answered = client.get("/api/v1/plans", headers={"Authorization": f"Bearer {raw}"})
    assert answered.status_code == 200
    assert [p["name"] for p in answered.json()] == ["Synlig"]


def test_next_outside_the_site_is_ignored(client, police_user):
    device = totp_device(police_user)
    log_in(client, police_user)
    done = client.post(VERIFY, {"token": code(device), "next": "https://angriber.example/"})
    assert done.url == reverse("plans:list")
