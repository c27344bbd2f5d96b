"""A red activation in a Randers-like plan, with staff, an ad hoc pool and people around the group."""

import datetime

import pytest
from django.utils import timezone

from boligsocial.activations import flows
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services as plan_services
from boligsocial.plans.models import AdHocResource, OutreachGroup
from tests import factories
from tests.activations.conftest import Crisis


class Group(Crisis):
    """Crisis (coordinator, police member with a substitute, a member without channels) plus a housing-social
    secretariat with a staff person, a fire service in the ad hoc pool, and an activation at red."""

    def __init__(self):
        super().__init__()
        self.secretariat = factories.organisation(kind=OrganisationKind.SECRETARIAT, name="Bysekretariatet")
        self.staff = plan_services.person_create(
            actor=None,
            name="Sofie Medarbejder",
            organisation=self.secretariat,
            email="sofie@bs.example",
            phones=["20 99 44 10"],
        )
        OutreachGroup.objects.create(plan=self.plan, name="Unge i blok 22", contact_person=self.staff)
        self.fire = factories.organisation(kind=OrganisationKind.FIRE_SERVICE, name="Sydøstjyllands Brandvæsen")
        self.fire_pool = AdHocResource.objects.create(plan=self.plan, name="Brandvæsenet", organisation=self.fire)
        self.fire_officer = plan_services.person_create(
            actor=None, name="Bo Brand", organisation=self.fire, email="bo@bs.example", phones=["20 99 44 11"]
        )
        self.stranger = plan_services.person_create(
            actor=None, name="Ukendt Person", organisation=factories.organisation(), email="u@bs.example"
        )
        self.outsider_user = factories.user(username="udenforstaaende")
        self.activation = flows.activation_activate(
            actor=self.police_user,
            incident=self.incident(occurred_at=timezone.now() - datetime.timedelta(hours=1)),
            level="red",
            rationale="Skyderi, uro i området",
            police_consulted=True,
            police_contact="Vagtchefen",
        )


@pytest.fixture
def group(db) -> Group:
    return Group()


def soon(hours: float = 2) -> datetime.datetime:
    """A time in the near future, on the minute (as a form sends it)."""
    return (timezone.now() + datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)
