"""Sign-in helpers: people in a public authority or not, the real login page, and codes an app would show."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services as plan_services
from tests import factories

PASSWORD = "x-test-password-1"  # what tests.factories.user() sets


def person_user(*, kind: str = OrganisationKind.POLICE, **extra):
    """A login linked to a directory person in an organisation of `kind` (police and municipality: authority)."""
    user = factories.user(**extra)
    person = plan_services.person_create(
        actor=None, name=f"Person {user.username}", organisation=factories.organisation(kind=kind)
    )
    person.user = user
    person.save(update_fields=["user"])
    return user


def totp_device(user) -> TOTPDevice:
    """A confirmed authenticator, as after set-up."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code(device: TOTPDevice) -> str:
    """The six digits the app shows now, with the device's own settings (django_otp.oath, as the device checks)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(client: Client, user, *, password: str = PASSWORD, next: str | None = None, **extra):
    """Post the login page as a browser would; returns the response (302 on success)."""
    url = reverse("accounts:login") + (f"?next={next}" if next else "")
    data = {"username": user.username, "password": password}
    if next:
        data["next"] = next
    return client.post(url, data, **extra)


@pytest.fixture
def police_user(db):
    return person_user(kind=OrganisationKind.POLICE, username="politi")


@pytest.fixture
def housing_user(db):
    return person_user(kind=OrganisationKind.HOUSING, username="boligorganisation")
