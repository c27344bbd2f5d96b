import base64
import io
import re
from pathlib import Path

import phonenumbers
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from boligsocial.accounts.models import User
from boligsocial.core.models import AuditEntry
from boligsocial.demo import data
from boligsocial.directory.models import Department, HousingArea, Organisation, Person, Phone
from boligsocial.plans import services
from boligsocial.plans.models import (
    Audience,
    DeadlineKind,
    Membership,
    MembershipKind,
    Plan,
    PlanStatus,
)
from tests import factories

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str) -> None:
    """Log in through the pages as a visitor would, with the printed demo password and, where asked, the code
    an authenticator app with the printed demo secret shows."""
    response = client.post(reverse("accounts:login"), {"username": username, "password": data.PASSWORD})
    assert response.status_code == 302, f"{username}: the login page refused the demo password"
    response = client.get(response.url)
    if response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor_verify")):
        code = f"{totp(bytes.fromhex(data.TOTP_KEY)):06d}"
        response = client.post(reverse("accounts:two_factor_verify"), {"token": code})
        assert response.status_code == 302, f"{username}: the demo two-factor code was refused"
    assert client.get(reverse("plans:list")).status_code == 200, username


# The phone numbers printed in the source plans (000_*.txt Varde, 001_*.txt Randers). The demo must not use
# any of them; 114, the police's public number, is the one number it shares with the sources on purpose.
SOURCE_NUMBERS = {
    "72584076", "24877225", "20135535", "21315073", "20424632",  # Varde
    "40867408", "25583249", "22701226", "30359684", "40356073", "42148600", "70260079", "30840522",
    "29136959", "22697772", "38121466", "50814778",  # Randers
}  # fmt: skip
# The people named in the source plans; every demo person is invented.
SOURCE_NAMES = [
    "Torben Kloster", "Toke Knudsmark", "Gitte Eskesen", "Heidi Nielsen", "Maria Ladegaard-Pedersen",
    "Claus Hansen", "Lasse Bonde", "Allan Aarslev", "Morten Strange", "Gine Nørager", "Louise Hou Kragh",
    "Peter Pedersen", "Jørgen Lajer", "Jens Heslop", "Camilla Nielsen", "Pia Hesselvig", "Kenneth Hansen",
]  # fmt: skip
# CI and every work tree have the project's shared/ folder beside the repository.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _plan(name: str) -> Plan:
    return Plan.objects.get(name=name)


def test_varde_plan_mirrors_the_source():
    load_demo()
    plan = _plan("Boulevardbebyggelserne i Varde")
    assert sorted(a.name for a in plan.areas.all()) == ["Isbjerg Parken", "Lerpøtparken", "Vestparken"]
    fixed = plan.memberships.filter(kind=MembershipKind.FIXED)
    assert fixed.count() == 5
    assert not plan.memberships.filter(kind=MembershipKind.SUBSTITUTE).exists()
    coordinator = plan.memberships.get(is_coordinator=True)
    assert coordinator.role == "Boligsocial leder"
    assert coordinator.person.organisation.kind == "secretariat"
    # The source's contact-list order: police, housing director, coordinator, youth school, municipality.
    contact_orgs = [m.person.organisation.name for m in fixed.order_by("contact_priority")]
    assert contact_orgs == [
        "Syd- og Sønderjyllands Politi",
        "Varde Bolig Administration",
        "Det Boligsociale Sekretariat, Boulevardbebyggelserne",
        "Varde Ungdomsskole",
        "Varde Kommune",
    ]
    assert [g.name for g in plan.outreach_groups.all()][:5] == [
        "Varmemestre",
        "Fædregruppe",
        "Kvindegruppe",
        "Frivillige i helhedsplanen",
        "Unge i Blok 22",
    ]
    press = plan.communication_roles.filter(audience=Audience.PRESS)
    assert [(r.organisation.name, r.is_spokesperson) for r in press] == [("Syd- og Sønderjyllands Politi", True)]
    assert plan.preventive_meetings_per_year == 2
    assert not plan.fallbacks.exists()
    assert "Skolerne" in [r.name for r in plan.adhoc_resources.all()]
    rules = {r.level: r for r in plan.level_rules.all()}
    assert (rules["red"].deadline_kind, rules["red"].deadline_value) == (DeadlineKind.ASAP, 24)
    assert rules["green"].deadline_kind == DeadlineKind.NONE
    assert (rules["red"].acknowledge_wait_minutes, rules["yellow"].acknowledge_wait_minutes) == (10, 240)
    assert plan.status == PlanStatus.APPROVED and plan.lbf_approved_on is not None
    assert plan.signatures.count() == 5


def test_randers_plan_mirrors_the_source():
    load_demo()
    plan = _plan("Randers 2025-2029")
    assert sorted(a.name for a in plan.areas.all()) == [
        "Centrale Randers",
        "Gl. Jennumparken",
        "Glarbjergvej, Hermann Stillingsvej og Energivej",
        "Sjællandsgadekvarteret",
        "Vangdalen",
    ]
    assert (plan.valid_from.year, plan.valid_until.year) == (2025, 2029)
    assert plan.memberships.filter(kind=MembershipKind.FIXED).count() == 7
    substitute = plan.memberships.get(kind=MembershipKind.SUBSTITUTE)
    assert substitute.person.organisation.name == "Østjyllands Politi"
    assert substitute.substitute_for.person.organisation.name == "Østjyllands Politi"
    assert substitute.substitute_for.kind == MembershipKind.FIXED
    coordinator = plan.memberships.get(is_coordinator=True)
    assert coordinator.role.startswith("Chef for bystrategisk udvikling")
    fallback = plan.fallbacks.get()
    assert fallback.phone == "114"
    assert "Østjyllands Politis vagtchef" in fallback.instruction
    rules = {r.level: r for r in plan.level_rules.all()}
    assert (rules["yellow"].deadline_kind, rules["yellow"].deadline_value) == (DeadlineKind.WORKING_DAYS, 3)
    assert (rules["red"].deadline_kind, rules["red"].deadline_value) == (DeadlineKind.HOURS, 24)
    assert rules["green"].deadline_kind == DeadlineKind.NONE
    assert (rules["red"].acknowledge_wait_minutes, rules["yellow"].acknowledge_wait_minutes) == (10, 240)
    assert "narkotika" in rules["yellow"].examples and "skyderi" in rules["red"].examples
    press = plan.communication_roles.filter(audience=Audience.PRESS).select_related("person__organisation")
    assert sorted(r.person.organisation.name for r in press) == sorted(
        ["Lejerbo", "RandersBolig", "Randers Kommune", "Østjyllands Politi"]
    )
    assert {r.person.organisation.name for r in press if r.is_spokesperson} == {
        "Randers Kommune",
        "Østjyllands Politi",
    }
    assert plan.status == PlanStatus.APPROVED
    assert {s.organisation.name for s in plan.signatures.all()} == {
        "Randers Ungdomsskole",
        "Østjyllands Politi",
        "Randers Kommune",
        "Bysekretariatet, Randers",
        "RandersBolig",
        "Lejerbo",
    }
    assert Department.objects.filter(area__name__startswith="Glarbjergvej").count() == 2


def test_demo_is_built_through_the_services_by_the_admin():
    load_demo()
    admin = User.objects.get(username="admin")
    actions = set(AuditEntry.objects.filter(actor=admin).values_list("action", flat=True))
    expected = {
        "person.create",
        "plan.create",
        "levelrule.update",
        "membership.create",
        "fallbackprocedure.create",
    }
    expected |= {"outreachgroup.create", "communicationrole.create", "signature.create", "plan.approve"}
    assert expected <= actions


def test_running_twice_keeps_the_data_and_restores_the_printed_passwords(client):
    load_demo()
    counts = [m.objects.count() for m in (Plan, Membership, Person, Phone, User, Organisation, HousingArea)]
    plan_ids = set(Plan.objects.values_list("pk", flat=True))
    police = User.objects.get(username="politi")
    police.set_password("changed-in-the-demo")
    police.save()
    TOTPDevice.objects.filter(user=police).update(throttling_failure_count=7)
    output = load_demo()
    assert "already present" in output
    log_in(client, "politi")
    assert [m.objects.count() for m in (Plan, Membership, Person, Phone, User, Organisation, HousingArea)] == counts
    assert set(Plan.objects.values_list("pk", flat=True)) == plan_ids


def test_reset_rebuilds_the_demo_and_drops_changes_made_to_it():
    load_demo()
    counts = [m.objects.count() for m in (Plan, Membership, Person, Phone, User, Organisation, HousingArea)]
    plan = _plan("Randers 2025-2029")
    services.plan_update(actor=None, plan=plan, purpose="Ændret i demoen")
    output = load_demo("--reset")
    assert "Demo data loaded" in output
    assert [m.objects.count() for m in (Plan, Membership, Person, Phone, User, Organisation, HousingArea)] == counts
    rebuilt = _plan("Randers 2025-2029")
    assert rebuilt.pk != plan.pk and rebuilt.version == 1 and rebuilt.purpose != "Ændret i demoen"


def test_reset_refuses_when_a_demo_person_is_used_elsewhere_and_keeps_everything():
    load_demo()
    other = factories.plan(name="Egen plan")
    services.membership_save(actor=None, plan=other, person=Person.objects.get(name="Lise Munk Ravn"))
    with pytest.raises(CommandError, match="outside the demo"):
        load_demo("--reset")
    assert Plan.objects.filter(name__in=[p.name for p in data.PLANS]).count() == 2
    assert User.objects.filter(username="admin").exists()


def test_existing_organisations_and_areas_are_reused():
    police = factories.organisation(kind="police", name="Østjyllands Politi")
    load_demo()
    assert Organisation.objects.filter(name="Østjyllands Politi").get() == police
    assert HousingArea.objects.filter(name="Vangdalen").count() == 1


def test_every_demo_phone_is_valid_and_fictitious():
    load_demo()
    numbers = list(Phone.objects.values_list("number", flat=True))
    assert len(numbers) == len(data.PEOPLE)
    for number in numbers:
        parsed = phonenumbers.parse(number, None)
        assert parsed.country_code == 45 and phonenumbers.is_valid_number(parsed), number
        assert str(parsed.national_number) not in SOURCE_NUMBERS, number
    assert len(set(numbers)) == len(numbers)
    # The only non-personal number is the police's public 114.
    assert list(Plan.objects.values_list("fallbacks__phone", flat=True).exclude(fallbacks=None)) == ["114"]


def test_every_demo_person_is_invented_and_unreachable():
    load_demo()
    people = list(Person.objects.all())
    surnames = {name.split()[-1] for name in SOURCE_NAMES}
    for person in people:
        assert person.name not in SOURCE_NAMES
        assert not surnames & set(person.name.split()), person.name
        assert person.email.endswith(".example"), person.email
    assert {u.email.rsplit(".", 1)[-1] for u in User.objects.all()} == {"example"}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source plans are not on this machine")
def test_the_list_of_source_numbers_is_complete():
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[01]_*.txt")))
    found = {re.sub(r"\s", "", m) for m in re.findall(r"(?<!\d)\d{2}\s?\d{2}\s?\d{2}\s?\d{2}(?!\d)", text)}
    assert found == SOURCE_NUMBERS


def test_every_login_works_and_passes_the_password_validators(client):
    output = load_demo()
    for login in data.LOGINS:
        assert re.search(rf"^\s+.+?\s{re.escape(login.username)}\s+{data.PASSWORD}\b", output, re.M)
        user = User.objects.get(username=login.username)
        validate_password(data.PASSWORD, user)
        log_in(Client(), login.username)
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists() == data.login_needs_two_factor(login)
        if login.person:
            assert user.person.name == data.PEOPLE[login.person].name
    roles = " ".join(login.role for login in data.LOGINS)
    for role in ("coordinator", "police", "municipal", "housing-organisation", "staff", "admin"):
        assert role in roles


def test_logins_see_what_their_role_allows(client):
    load_demo()
    randers, varde = _plan("Randers 2025-2029"), _plan("Boulevardbebyggelserne i Varde")
    expectations = {
        # username: (Randers detail, Varde detail, Randers edit)
        "tovholder": (200, 404, 200),
        "politi": (200, 404, 403),
        "kommune": (200, 404, 403),
        "boligorganisation": (200, 404, 403),
        "medarbejder": (404, 404, 404),
        "tovholder-varde": (404, 200, 404),
        "admin": (200, 200, 200),
    }
    # Each login first meets the plan's confidentiality statement, then the plan.
    client.force_login(User.objects.get(username="politi"))
    response = client.get(reverse("plans:detail", args=[randers.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:pledge", args=[randers.pk]))
    for username, expected in expectations.items():
        user = User.objects.get(username=username)
        for plan in (randers, varde):
            factories.pledge(user=user, plan=plan)
        client.force_login(user)
        got = (
            client.get(reverse("plans:detail", args=[randers.pk])).status_code,
            client.get(reverse("plans:detail", args=[varde.pk])).status_code,
            client.get(reverse("plans:edit", args=[randers.pk])).status_code,
        )
        assert got == expected, username
    staff = User.objects.get(username="medarbejder")
    assert not staff.is_staff and staff.person.organisation.kind == "secretariat"
    assert not staff.person.memberships.exists()


def test_coordinator_reads_the_randers_plan_in_danish(client, django_assert_max_num_queries):
    load_demo()
    plan = _plan("Randers 2025-2029")
    log_in(client, "tovholder")
    factories.pledge(user=User.objects.get(username="tovholder"), plan=plan)
    with django_assert_max_num_queries(21):  # 20, and the confidentiality-pledge check
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    text = response.content.decode()
    for expected in (
        "inden for 3 arbejdsdage",
        "inden for 24 timer",
        "Ring til Østjyllands Politis vagtchef",
        "Gl. Jennumparken",
        "Suppleant for Helle Brandt Sørensen",
        "30 99 86 06",
    ):
        assert expected in text, expected


def test_varde_coordinator_reads_the_varde_plan_in_danish(client):
    load_demo()
    plan = _plan("Boulevardbebyggelserne i Varde")
    log_in(client, "tovholder-varde")
    factories.pledge(user=User.objects.get(username="tovholder-varde"), plan=plan)
    text = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    for expected in (
        "hurtigst muligt (senest inden for 24 timer)",
        "Unge i Blok 22",
        "Syd- og Sønderjyllands Politi udtaler sig til medierne",
        "Beredskabet mødes 2 gange årligt",
        "Isbjerg Parken",
    ):
        assert expected in text, expected


def test_the_demo_prints_its_authenticator_key_and_the_current_code():
    output = load_demo()
    secret = base64.b32encode(bytes.fromhex(data.TOTP_KEY)).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in output
    for login in data.LOGINS:
        marked = re.search(rf"\s{re.escape(login.username)}\s+{data.PASSWORD}\s+(code|-)(?:\s|$)", output, re.M).group(
            1
        )
        assert (marked == "code") == data.login_needs_two_factor(login), login.username
    assert {u.username for u in User.objects.filter(totpdevice__confirmed=True)} == {"politi", "kommune", "admin"}
    code = load_demo("--code").strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code == f"{totp(bytes.fromhex(data.TOTP_KEY)):06d}"
