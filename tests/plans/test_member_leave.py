"""A member leaves and names a successor: the successor takes the same place, the coordinator is told, and a
signed plan gets a new version that shows the change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from boligsocial.core.models import AuditEntry
from boligsocial.directory.models import Person
from boligsocial.notifications.models import Notification
from boligsocial.plans import selectors, services
from boligsocial.plans.models import CommunicationRole, Membership, PlanStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def randers():
    """The signed Randers-shaped plan; the coordinator (Louise Dahl) and the police member can sign in."""
    plan = factories.sign(factories.randers_plan())
    logins = {}
    for name, username in (("Louise Dahl", "tovholder"), ("Lene Bach", "politi"), ("Peter Juul", "bolig")):
        person = Person.objects.get(name=name)
        person.user = logins[username] = factories.user(username=username)
        person.save(update_fields=["user"])
        factories.pledge(user=logins[username], plan=plan)
    return plan, logins


def _successor(name="Ny Betjent", org_of="Lene Bach"):
    return services.person_create(
        actor=None,
        name=name,
        organisation=Person.objects.get(name=org_of).organisation,
        email="ny.betjent@bs.example",
        phones=["22 99 01 02"],
    )


def test_the_successor_takes_the_place_and_the_substitutes_follow(randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    substitute = plan.memberships.get(person__name="Allan Krog")
    assert substitute.substitute_for == police
    successor = _successor()

    replacement = services.member_leave(
        actor=logins["tovholder"], membership=police, successor=successor, left_on=TODAY()
    )

    assert (replacement.person, replacement.kind, replacement.role, replacement.contact_priority) == (
        successor,
        "fixed",
        "Politikommissær",
        2,
    )
    assert not plan.memberships.filter(person__name="Lene Bach").exists()
    substitute.refresh_from_db()
    assert substitute.substitute_for == replacement
    # The plan was signed: the change made version 2, to be signed again, and the version history names it.
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    changes = [str(c) for c in selectors.plan_version_history(plan=selectors.plan_reload(plan=plan))[0]["changes"]]
    assert any(c.startswith("Fjernet: Deltager Lene Bach") for c in changes), changes
    assert any(c.startswith("Tilføjet: Deltager Ny Betjent") for c in changes), changes
    entry = AuditEntry.objects.get(action="membership.leave")
    assert entry.data == {
        "left_on": TODAY().isoformat(),
        "leaver": police.person_id,
        "successor": successor.pk,
        "membership": replacement.pk,
    }
    assert "Lene Bach" in entry.summary and "Ny Betjent" in entry.summary


def test_the_coordinator_and_the_successor_are_told_through_the_outbox(randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    successor = _successor()

    services.member_leave(actor=logins["politi"], membership=police, successor=successor, left_on=TODAY())

    to_coordinator = Notification.objects.filter(recipient__name="Louise Dahl")
    assert {n.channel for n in to_coordinator} == {"email", "sms", "inapp"}
    message = to_coordinator.first()
    assert message.subject == f"Lene Bach har forladt {plan.name}"
    assert "Ny Betjent" in message.body and message.link.endswith(reverse("plans:detail", args=[plan.pk]))
    to_successor = Notification.objects.filter(recipient=successor, channel="email").get()
    assert "efterfølger" in to_successor.body and "tavshedspligt" in to_successor.body
    assert not Notification.objects.filter(recipient__name="Lene Bach").exists()


def test_a_leaving_coordinator_hands_over_the_coordination(randers):
    plan, logins = randers
    coordinator = plan.memberships.get(is_coordinator=True)
    successor = _successor(name="Ny Tovholder", org_of="Louise Dahl")

    replacement = services.member_leave(
        actor=logins["tovholder"], membership=coordinator, successor=successor, left_on=TODAY()
    )

    assert replacement.is_coordinator and replacement.contact_priority == 1
    # The successor is the coordinator now: one message, to them, not two.
    assert set(Notification.objects.values_list("recipient__name", flat=True)) == {"Ny Tovholder"}


def test_the_leavers_press_role_in_the_plan_passes_to_the_successor(randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    role = CommunicationRole(plan=plan, audience="press", person=police.person, position=9)
    services.plan_part_save(actor=None, plan=plan, part=role)
    successor = _successor()

    services.member_leave(actor=logins["tovholder"], membership=police, successor=successor, left_on=TODAY())

    role.refresh_from_db()
    assert role.person == successor


@pytest.mark.parametrize(
    "case, field, message",
    [
        ("self", "successor", "en anden end det medlem, der forlader"),
        ("substitute", "successor", "Allan Krog er allerede suppleant for dette medlem"),
        ("member", "successor", "Karsten Holm er allerede medlem af denne plan"),
        ("future", "left_on", "på eller efter den dag"),
    ],
)
def test_bad_successors_and_dates_are_refused_in_danish_and_nothing_changes(randers, case, field, message):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    successor = {
        "self": police.person,
        "substitute": Person.objects.get(name="Allan Krog"),
        "member": Person.objects.get(name="Karsten Holm"),
        "future": _successor(),
    }[case]
    left_on = TODAY() + datetime.timedelta(days=30 if case == "future" else 0)

    with pytest.raises(ValidationError) as exc:
        services.member_leave(actor=logins["tovholder"], membership=police, successor=successor, left_on=left_on)

    assert message in exc.value.message_dict[field][0]
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, PlanStatus.SIGNED)
    assert plan.memberships.filter(person__name="Lene Bach", contact_priority=2).exists()
    assert not Notification.objects.exists() and not AuditEntry.objects.filter(action="membership.leave").exists()


def test_the_coordinator_records_a_departure_from_the_member_page(client, randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    client.force_login(logins["tovholder"])
    edit = client.get(reverse("plans:member_edit", args=[plan.pk, police.pk])).text
    url = reverse("plans:member_leave", args=[plan.pk, police.pk])
    assert url in edit and "Forlader gruppen: udpeg en efterfølger" in edit

    page = client.get(url)
    assert "Lene Bach forlader gruppen" in page.text
    response = client.post(
        url,
        {
            "left_on": TODAY().isoformat(),
            "name": "Ny Betjent",
            "organisation": police.person.organisation_id,
            "phones": "22 99 01 02",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("plans:detail", args=[plan.pk])
    assert "Ny Betjent har overtaget" in response.text
    assert plan.memberships.get(contact_priority=2).person.name == "Ny Betjent"


def test_a_member_records_their_own_departure_and_no_longer_sees_the_plan(client, randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    colleague = _successor()
    outsider = _successor(name="Fra Kommunen", org_of="Mette Skov")
    client.force_login(logins["politi"])
    detail = client.get(reverse("plans:detail", args=[plan.pk])).text
    url = reverse("plans:member_leave", args=[plan.pk, police.pk])
    assert url in detail and "Jeg forlader gruppen" in detail

    page = client.get(url)
    # A member choosing their successor sees their own organisation's people, not the whole directory.
    offered = set(page.context["form"].fields["successor"].queryset)
    assert offered == {colleague, Person.objects.get(name="Camilla Nørby")}  # the police's press contact
    assert outsider.name not in page.text
    response = client.post(url, {"left_on": TODAY().isoformat(), "successor": colleague.pk})

    assert response.status_code == 302 and response.url == reverse("plans:list")
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert plan.memberships.filter(person=colleague, role="Politikommissær").exists()


def test_only_the_member_or_the_plans_editors_may_record_a_departure(client, randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    url = reverse("plans:member_leave", args=[plan.pk, police.pk])
    client.force_login(logins["bolig"])
    assert client.get(url).status_code == 403
    client.force_login(factories.user())
    assert client.get(url).status_code == 404
    assert Membership.objects.filter(pk=police.pk).exists()


def test_a_form_without_a_successor_names_the_missing_fields(client, randers):
    plan, logins = randers
    police = plan.memberships.get(person__name="Lene Bach")
    client.force_login(logins["tovholder"])
    response = client.post(reverse("plans:member_leave", args=[plan.pk, police.pk]), {"left_on": TODAY().isoformat()})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "organisation"}
    assert "efterfølgerens navn" in response.text
