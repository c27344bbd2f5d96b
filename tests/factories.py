"""Small builders for test data: real rows through the real services."""

import datetime
import itertools

from django.utils.text import slugify

from boligsocial.access.selectors import confidentiality_hash
from boligsocial.access.services import pledge_accept
from boligsocial.accounts.models import User
from boligsocial.directory.models import Department, HousingArea, Organisation, OrganisationKind
from boligsocial.plans import selectors, services
from boligsocial.plans.models import CommunicationRole, FallbackProcedure, Plan

_seq = itertools.count(1)


def organisation(*, kind: str = OrganisationKind.MUNICIPALITY, name: str | None = None) -> Organisation:
    return Organisation.objects.create(
        name=name or f"Organisation {next(_seq)}",
        kind=kind,
        is_public_authority=kind in (OrganisationKind.POLICE, OrganisationKind.MUNICIPALITY),
    )


def area(*, name: str | None = None) -> HousingArea:
    housing = organisation(kind=OrganisationKind.HOUSING)
    created = HousingArea.objects.create(name=name or f"Område {next(_seq)}", municipality="Varde")
    Department.objects.create(area=created, housing_organisation=housing, code=str(next(_seq)), name=f"Afd. {created}")
    return created


def user(*, username: str | None = None, **extra) -> User:
    return User.objects.create_user(username=username or f"user{next(_seq)}", password="x-test-password-1", **extra)


def plan(*, name: str = "Testplan", actor=None) -> Plan:
    return services.plan_create(
        actor=actor,
        name=name,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
        areas=[area()],
    )


def member(
    *,
    plan: Plan,
    name: str = "Test Person",
    org: Organisation | None = None,
    login: User | None = None,
    phones=("20 99 55 35",),
    **membership,
):
    person = services.person_create(
        actor=None, name=name, organisation=org or organisation(), email="a@bs.example", phones=list(phones)
    )
    if login is not None:
        person.user = login
        person.save(update_fields=["user"])
    return services.membership_save(actor=None, plan=plan, person=person, **membership)


def pledge(*, user: User, plan: Plan) -> None:
    """`user` accepts the plan's current confidentiality statement, as on the plan's confidentiality page."""
    pledge_accept(actor=user, plan=plan, text_hash=confidentiality_hash(plan.confidentiality_text))


def sign(plan: Plan, *, on: datetime.date = datetime.date(2025, 3, 1)) -> Plan:
    """Send the plan for signatures and let every party sign it."""
    services.plan_request_signatures(actor=None, plan=plan)
    for party in selectors.plan_signing_parties(plan=selectors.plan_reload(plan=plan)):
        services.signature_add(
            actor=None, plan=plan, organisation=party, signer_name=f"Leder af {party.name}", signed_on=on
        )
    plan.refresh_from_db()
    return plan


# Shaped like the Randers plan 2025-2029; the people and numbers are made up.
RANDERS_MEMBERS = (  # role, name, organisation, phone; the list order is the contact priority
    ("Chef for bystrategisk udvikling", "Louise Dahl", "Bysekretariatet", "42 99 86 00"),
    ("Politikommissær", "Lene Bach", "Østjyllands Politi", "25 58 11 49"),
    ("SSP-konsulent", "Karsten Holm", "Randers Ungdomsskole", "40 86 11 08"),
    ("Centerleder, Børne- og ungecenter", "Mette Skov", "Randers Kommune", "30 35 22 84"),
    ("Afdelingsleder, psykiatri og socialt udsatte", "Gitte Lund", "Randers Kommune", "40 35 99 73"),
    ("Inspektør", "Peter Juul", "RandersBolig", "70 26 11 79"),
    ("Lokalinspektør", "Jørgen Vinther", "Lejerbo", "30 84 15 22"),
)
RANDERS_PRESS = (  # organisation, name, title, phone, speaks for the group
    ("Randers Kommune", "Jens Holt", "Direktør for Udvikling, Miljø og Teknik", "29 99 69 59", False),
    ("Østjyllands Politi", "Camilla Nørby", "Vicepolitiinspektør", "22 99 77 72", True),
    ("Lejerbo", "Pia Storm", "Forretningsfører", "38 99 14 66", False),
    ("RandersBolig", "Kenneth Aagaard", "Direktør", "50 99 47 78", False),
)


def randers_plan() -> Plan:
    """7 fixed members, a police substitute, fallback 114, press contacts; yellow 3 working days, red 24 h."""
    kinds = {
        "Bysekretariatet": OrganisationKind.SECRETARIAT,
        "Østjyllands Politi": OrganisationKind.POLICE,
        "Randers Ungdomsskole": OrganisationKind.YOUTH_SCHOOL,
        "Randers Kommune": OrganisationKind.MUNICIPALITY,
        "RandersBolig": OrganisationKind.HOUSING,
        "Lejerbo": OrganisationKind.HOUSING,
    }
    orgs = {name: organisation(kind=kind, name=name) for name, kind in kinds.items()}
    created = services.plan_create(
        actor=None,
        name="Boligsocial beredskabsplan Randers 2025-2029",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2029, 12, 31),
        areas=[area(name="Gl. Jennumparken"), area(name="Vangdalen"), area(name="Sjællandsgadekvarteret")],
        purpose="At sikre en koordineret indsats og ansvarsfordeling ved tilspidsede og akutte situationer.",
        organisation_text="Alle medlemmer kan samle beredskabet. Bysekretariatet inviterer til mødet.",
        powers_text="Parterne følger politiets anvisninger. Politiet kontaktes før aktivering.",
        communication_text="Politi og kommune koordinerer kommunikationen til pressen.",
        prevention_text="Et årligt statusmøde gennemgår og evaluerer årets indsatser.",
        confidentiality_text="Politi og kommune kan dele oplysninger inden for retsplejelovens § 115.",
    )
    for level, kind, value in (("yellow", "working_days", 3), ("red", "hours", 24)):
        rule = created.level_rules.get(level=level)
        rule.deadline_kind, rule.deadline_value = kind, value
        services.plan_part_save(actor=None, plan=created, part=rule)
    memberships = {}
    for priority, (role, name, org, phone) in enumerate(RANDERS_MEMBERS, start=1):
        memberships[name] = _randers_member(created, name, orgs[org], phone, role=role, priority=priority)
    police = memberships["Lene Bach"]
    _randers_member(created, "Allan Krog", police.person.organisation, "22 70 33 16", substitute_for=police, priority=8)
    fallback = FallbackProcedure(
        plan=created,
        condition="Hvis hverken Lene Bach eller Allan Krog kan kontaktes",
        instruction="Ring til Østjyllands Politis vagtchef",
        phone="114",
    )
    services.plan_part_save(actor=None, plan=created, part=fallback)
    for position, (org, name, title, phone, speaks) in enumerate(RANDERS_PRESS, start=1):
        person = services.person_create(actor=None, name=name, title=title, organisation=orgs[org], phones=[phone])
        role = CommunicationRole(
            plan=created, audience="press", person=person, is_spokesperson=speaks, position=position
        )
        services.plan_part_save(actor=None, plan=created, part=role)
    return created


def _randers_member(plan: Plan, name: str, org: Organisation, phone: str, *, priority: int, **membership):
    email = f"{slugify(name.replace('ø', 'oe')).replace('-', '.')}@bs.example"
    person = services.person_create(actor=None, name=name, organisation=org, email=email, phones=[phone])
    kind = "substitute" if membership.get("substitute_for") else "fixed"
    return services.membership_save(
        actor=None,
        plan=plan,
        person=person,
        kind=kind,
        contact_priority=priority,
        is_coordinator=priority == 1,
        **membership,
    )
