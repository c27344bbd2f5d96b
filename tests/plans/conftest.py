import datetime
from dataclasses import dataclass

import pytest

from boligsocial.accounts.models import User
from boligsocial.plans import selectors, services
from boligsocial.plans.models import Plan
from tests import factories


@dataclass
class EditablePlan:
    plan: Plan
    coordinator: User
    member: User
    outsider: User


@pytest.fixture
def editable():
    """A draft plan with a coordinator and a plain member who both can sign in, and a user outside it."""
    plan = factories.plan()
    coordinator, member = factories.user(username="tovholder"), factories.user(username="medlem")
    factories.member(plan=plan, name="Maria Tovholder", login=coordinator, is_coordinator=True, contact_priority=1)
    factories.member(plan=plan, name="Almindeligt Medlem", login=member, contact_priority=2)
    return EditablePlan(plan=plan, coordinator=coordinator, member=member, outsider=factories.user())


@pytest.fixture
def sign_all():
    """Send a draft plan for signatures and sign it for every party; the plan is then signed."""

    def sign(plan: Plan, *, on: datetime.date = datetime.date(2025, 3, 1)) -> Plan:
        services.plan_request_signatures(actor=None, plan=plan)
        for org in selectors.plan_signing_parties(plan=selectors.plan_reload(plan=plan)):
            services.signature_add(actor=None, plan=plan, organisation=org, signer_name="Direktør", signed_on=on)
        plan.refresh_from_db()
        return plan

    return sign
