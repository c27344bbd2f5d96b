"""A running activation in a Randers-like plan, with target groups, communication roles and two staff members
who have logins but are not members of the plan."""

import pytest

from boligsocial.activations import flows
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services as plan_services
from boligsocial.plans.models import Audience, CommunicationRole, OutreachGroup
from tests import factories
from tests.activations.conftest import Crisis


class Outreach(Crisis):
    def __init__(self):
        super().__init__()
        secretariat = factories.organisation(kind=OrganisationKind.SECRETARIAT, name="Bysekretariatet")
        self.groups = [
            self._group("Varmemestre", "Telefon", 1),
            self._group("Fædregruppe", "Mødes i beboerhuset", 2),
            self._group("Unge i Blok 22", "Sociale medier", 3),
        ]
        for audience, person, speaks, description in (
            (Audience.PRESS, self.police.person, True, "Politiet udtaler sig til medierne."),
            (Audience.RESIDENTS, self.coordinator.person, False, "Informerer beboerne."),
        ):
            role = CommunicationRole(
                plan=self.plan, audience=audience, person=person, is_spokesperson=speaks, description=description
            )
            plan_services.plan_part_save(actor=None, plan=self.plan, part=role)
        self.staff_user = factories.user(username="medarbejder")
        self.staff = plan_services.person_create(
            actor=None,
            name="Oskar Medarbejder",
            organisation=secretariat,
            email="om@bs.example",
            phones=["30 99 86 09"],
        )
        self.staff.user = self.staff_user
        self.staff.save(update_fields=["user"])
        self.other_staff_user = factories.user(username="medarbejder2")
        self.other_staff = plan_services.person_create(
            actor=None, name="Freja Kollega", organisation=secretariat, email="fk@bs.example", phones=[]
        )
        self.other_staff.user = self.other_staff_user
        self.other_staff.save(update_fields=["user"])
        self.activation = flows.activation_activate(
            actor=self.police_user,
            incident=self.incident(),
            level="red",
            rationale="Skyderi ved blok 22",
            police_consulted=True,
            police_contact="Vagtchefen",
        )

    def _group(self, name, channel, position):
        group = OutreachGroup(plan=self.plan, name=name, channel=channel, position=position)
        return plan_services.plan_part_save(actor=None, plan=self.plan, part=group)


@pytest.fixture
def outreach(db):
    return Outreach()
