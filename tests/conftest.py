import pytest
from django.test import Client

from boligsocial.accounts.middleware import PENDING_SESSION_KEY


@pytest.fixture(autouse=True)
def _danish(settings):
    settings.LANGUAGE_CODE = "da"


@pytest.fixture(autouse=True)
def _force_login_is_a_finished_sign_in(monkeypatch):
    """`force_login` stands for a finished sign-in, second factor included, as it skips the password too.

    Tests of the sign-in itself (tests/accounts) log in through the pages, where the second factor is asked for.
    """
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        if session.pop(PENDING_SESSION_KEY, None) is not None:
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
