"""The plan page reads a fixed number of queries however many parts the plan has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services
from boligsocial.plans.models import (
    AdHocResource,
    CommunicationRole,
    FallbackProcedure,
    MembershipKind,
    OutreachGroup,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _fill(plan, n):
    """Give the plan n more of every part."""
    for i in range(n):
        org = factories.organisation(kind=OrganisationKind.POLICE)
        fixed = factories.member(plan=plan, name=f"Fast {plan.pk}-{i}", org=org, phones=[f"2013{i:04d}"])
        factories.member(
            plan=plan, name=f"Suppleant {plan.pk}-{i}", kind=MembershipKind.SUBSTITUTE, substitute_for=fixed
        )
        for part in (
            AdHocResource(plan=plan, name=f"Ad hoc {i}", organisation=org),
            FallbackProcedure(
                plan=plan, position=i + 1, condition="Ingen svarer", instruction=f"Ring {i}", phone="114"
            ),
            OutreachGroup(plan=plan, name=f"Målgruppe {i}", contact_person=fixed.person, position=i + 1),
            CommunicationRole(plan=plan, audience="press", person=fixed.person, position=i + 1),
            CommunicationRole(plan=plan, audience="boards", organisation=org, position=i + 1),
        ):
            services.plan_part_save(actor=None, plan=plan, part=part)


def _queries(client, plan):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_plan_page_queries_do_not_grow_with_the_plan(client, editable, django_assert_max_num_queries):
    small, big = editable.plan, factories.plan(name="Stor plan")
    coordinator_person = small.memberships.get(is_coordinator=True).person
    services.membership_save(actor=None, plan=big, person=coordinator_person, is_coordinator=True)
    _fill(small, 1)
    _fill(big, 6)
    client.force_login(editable.coordinator)
    assert _queries(client, small) == _queries(client, big)
    with django_assert_max_num_queries(20):
        text = client.get(reverse("plans:detail", args=[big.pk])).text
    assert "Målgruppe 5" in text
