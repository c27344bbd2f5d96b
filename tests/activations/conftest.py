import datetime
import importlib

import pytest

from boligsocial.activations import services
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services as plan_services
from boligsocial.plans.models import FallbackProcedure, IncidentType, MembershipKind
from tests import factories

# The loopback mail server and SMS gateway and the real task worker, for the fault tests.
from tests.notifications.conftest import gateway, run_worker, smtp_server  # noqa: F401


def seed_incident_types() -> None:
    """The incident-type catalogue a data migration seeds. Transactional tests need it again: the flush after
    such a test empties every table. (Not serialized_rollback: on SQLite it leaves the tables empty for the
    browser tests that follow, whose connection never holds the serialized copy.)"""
    seeded = importlib.import_module("boligsocial.plans.migrations.0002_incident_types").INCIDENT_TYPES
    for code, name in seeded:
        IncidentType.objects.get_or_create(code=code, defaults={"name": name})


class Crisis:
    """A Randers-like plan: coordinator, police member with a substitute, a member without any channel."""

    def __init__(self):
        seed_incident_types()
        self.plan = factories.plan(name="Beredskabsplan Randers")
        red = self.plan.level_rules.get(level="red")
        red.deadline_kind, red.deadline_value, red.acknowledge_wait_minutes = "hours", 24, 10
        red.save()
        yellow = self.plan.level_rules.get(level="yellow")
        yellow.deadline_kind, yellow.deadline_value, yellow.acknowledge_wait_minutes = "working_days", 3, 240
        yellow.save()
        FallbackProcedure.objects.create(
            plan=self.plan,
            condition="Hvis ingen af politiets kontakter svarer",
            instruction="Ring til vagtchefen",
            phone="114",
        )
        police = factories.organisation(kind=OrganisationKind.POLICE, name="Østjyllands Politi")
        self.coordinator_user = factories.user(username="tovholder")
        self.coordinator = factories.member(
            plan=self.plan,
            name="Louise Tovholder",
            login=self.coordinator_user,
            is_coordinator=True,
            contact_priority=2,
            role="Chef for bystrategisk udvikling",
        )
        self.police_user = factories.user(username="politi")
        self.police = factories.member(
            plan=self.plan,
            name="Lasse Politi",
            org=police,
            login=self.police_user,
            contact_priority=1,
            phones=["25 99 32 49"],
            role="Politikommissær",
        )
        self.substitute_user = factories.user(username="suppleant")
        self.substitute = factories.member(
            plan=self.plan,
            name="Allan Suppleant",
            org=police,
            login=self.substitute_user,
            kind=MembershipKind.SUBSTITUTE,
            substitute_for=self.police,
            phones=["22 99 12 26"],
        )
        self.silent = factories.member(plan=self.plan, name="Uden Kanal", phones=[], contact_priority=3)
        self.silent.person.email = ""
        self.silent.person.save()
        self.area = self.plan.areas.get()

    def incident(self, *, actor=None, occurred_at=None):
        return services.incident_create(
            actor=actor or self.police_user,
            plan=self.plan,
            incident_type=self.plan.incident_types.get(code="shooting"),
            area=self.area,
            occurred_at=occurred_at or datetime.datetime(2026, 4, 1, 13, 30, tzinfo=datetime.UTC),
            description="Skud affyret ved blok 22, en person såret (fortrolig detalje)",
        )


@pytest.fixture
def crisis(db):
    return Crisis()


@pytest.fixture
def plan_update():
    return plan_services.plan_update


# The loopback mail server, the GatewayAPI-speaking SMS server and the real task worker, for the end-to-end
# delivery tests of activations (tests/activations/test_delivery.py).
from tests.notifications.conftest import make_due  # noqa: E402, F401
