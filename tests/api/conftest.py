"""API test helpers: a client that sends a bearer token, and a plan with a coordinator, a member and a
stranger, each with their own token."""

from dataclasses import dataclass

import pytest
from django.test import Client

from boligsocial.accounts.services import api_token_create
from tests import factories


def token_client(user) -> Client:
    """A test client that acts as `user` through a fresh API token."""
    _, raw = api_token_create(actor=None, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def details(response) -> dict:
    """The error body as {field: message}, for assertions."""
    return {item["field"]: item["message"] for item in response.json()["detail"]}


@dataclass
class Group:
    plan: object
    coordinator: Client
    member: Client
    stranger: Client
    admin: Client
    coordinator_membership: object
    member_membership: object


@pytest.fixture
def group(db) -> Group:
    plan = factories.plan(name="Boulevardbebyggelserne")
    coordinator, member = factories.user(username="tovholder"), factories.user(username="medlem")
    coordinator_membership = factories.member(
        plan=plan, name="Maria Tovholder", login=coordinator, is_coordinator=True, contact_priority=1
    )
    member_membership = factories.member(
        plan=plan, name="Lasse Politi", login=member, role="Politiet", contact_priority=2
    )
    return Group(
        plan=plan,
        coordinator=token_client(coordinator),
        member=token_client(member),
        stranger=token_client(factories.user(username="fremmed")),
        admin=token_client(factories.user(username="admin", is_staff=True)),
        coordinator_membership=coordinator_membership,
        member_membership=member_membership,
    )
