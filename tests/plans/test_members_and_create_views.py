"""Adding members (new or from the directory) and creating plans, through the pages."""

import pytest
from django.urls import reverse

from boligsocial.directory.models import Person
from boligsocial.plans.models import Membership, Plan
from tests import factories

pytestmark = pytest.mark.django_db


def _member_data(**overrides):
    data = {
        "name": "",
        "title": "",
        "organisation": "",
        "email": "",
        "phones": "",
        "kind": "fixed",
        "role": "",
    }
    data.update(overrides)
    return data


def test_member_is_added_from_the_directory(client, editable):
    plan = editable.plan
    existing = factories.member(plan=factories.plan(name="Anden plan"), name="Kendt Person").person
    client.force_login(editable.coordinator)
    url = reverse("plans:member_add", args=[plan.pk])
    form = client.get(url).context["form"]
    offered = {p.name for p in form.fields["person"].queryset}
    assert "Kendt Person" in offered
    assert "Maria Tovholder" not in offered  # already a member
    response = client.post(url, _member_data(person=existing.pk, role="Politikontakt", contact_priority="3"))
    assert response.status_code == 302
    membership = plan.memberships.get(person=existing)
    assert (membership.role, membership.contact_priority) == ("Politikontakt", 3)
    assert Person.objects.filter(name="Kendt Person").count() == 1


def test_choosing_a_person_and_typing_a_new_one_is_refused(client, editable):
    plan = editable.plan
    existing = factories.member(plan=factories.plan(name="Anden plan"), name="Kendt Person").person
    client.force_login(editable.coordinator)
    response = client.post(
        reverse("plans:member_add", args=[plan.pk]), _member_data(person=existing.pk, name="Ny Person")
    )
    assert response.status_code == 200
    assert (
        "Vælg en eksisterende person eller udfyld en ny persons oplysninger – ikke begge dele."
        in (response.context["form"].errors["person"])
    )
    assert not plan.memberships.filter(person=existing).exists()
    assert not Person.objects.filter(name="Ny Person").exists()


def test_new_person_still_needs_name_and_organisation(client, editable):
    client.force_login(editable.coordinator)
    response = client.post(reverse("plans:member_add", args=[editable.plan.pk]), _member_data())
    errors = response.context["form"].errors
    assert errors["name"] == ["Dette felt er påkrævet."]
    assert errors["organisation"] == ["Dette felt er påkrævet."]


def test_two_members_on_the_same_priority_names_the_field_and_saves_nothing(client, editable):
    plan = editable.plan
    org = factories.organisation()
    client.force_login(editable.coordinator)
    data = _member_data(name="Ny Person", organisation=org.pk, phones="20 13 55 37", contact_priority="1")
    response = client.post(reverse("plans:member_add", args=[plan.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["contact_priority"] == [
        "Maria Tovholder har allerede prioritet 1 på kontaktlisten."
    ]
    assert not Person.objects.filter(name="Ny Person").exists()
    assert plan.memberships.count() == 2


def test_substitute_for_someone_not_a_member_names_the_field(client, editable):
    plan = editable.plan
    stranger = factories.member(plan=factories.plan(name="Anden plan"), name="Fremmed")
    client.force_login(editable.coordinator)
    data = _member_data(
        name="Suppleant",
        organisation=factories.organisation().pk,
        kind="substitute",
        substitute_for=stranger.pk,
    )
    response = client.post(reverse("plans:member_add", args=[plan.pk]), data)
    assert response.context["form"].errors["substitute_for"] == ["Vælg et fast medlem af denne plan."]
    assert "Vælg et fast medlem af denne plan." in response.text
    assert not Person.objects.filter(name="Suppleant").exists()


def test_substitute_needs_the_member_they_stand_in_for(client, editable):
    client.force_login(editable.coordinator)
    data = _member_data(name="Suppleant", organisation=factories.organisation().pk, kind="substitute")
    response = client.post(reverse("plans:member_add", args=[editable.plan.pk]), data)
    assert "Vælg det medlem, suppleanten træder ind for." in response.context["form"].errors["substitute_for"]
    assert not Membership.objects.filter(person__name="Suppleant").exists()


def test_admin_creates_a_plan(client):
    area = factories.area(name="Lerpøtparken")
    admin = factories.user(is_staff=True)
    client.force_login(admin)
    assert 'href="/plans/new/"' in client.get(reverse("plans:list")).text
    data = {
        "name": "Beredskabsplan Varde",
        "areas": [area.pk],
        "valid_from": "2025-01-01",
        "valid_until": "2029-12-31",
        "preventive_meetings_per_year": "2",
    }
    response = client.post(reverse("plans:create"), data)
    plan = Plan.objects.get(name="Beredskabsplan Varde")
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert list(plan.areas.all()) == [area]
    assert plan.level_rules.count() == 3


def test_new_plan_with_validity_ending_before_it_starts_is_refused(client):
    admin = factories.user(is_superuser=True)
    client.force_login(admin)
    data = {
        "name": "Baglæns",
        "areas": [factories.area().pk],
        "valid_from": "2029-01-01",
        "valid_until": "2025-01-01",
        "preventive_meetings_per_year": "2",
    }
    response = client.post(reverse("plans:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"] == [
        "Gyldigheden skal slutte samme dag som eller efter, den begynder."
    ]
    assert not Plan.objects.filter(name="Baglæns").exists()


def test_only_administrators_create_plans(client, editable):
    client.force_login(editable.coordinator)
    assert client.get(reverse("plans:create")).status_code == 403
    assert 'href="/plans/new/"' not in client.get(reverse("plans:list")).text
    response = client.post(reverse("plans:create"), {"name": "Min egen plan"})
    assert response.status_code == 403
    assert not Plan.objects.filter(name="Min egen plan").exists()


def test_member_is_removed_only_after_confirmation(client, editable):
    plan = editable.plan
    membership = plan.memberships.get(person__name="Almindeligt Medlem")
    url = reverse("plans:member_remove", args=[plan.pk, membership.pk])
    client.force_login(editable.coordinator)
    edit_page = client.get(reverse("plans:member_edit", args=[plan.pk, membership.pk])).text
    assert f'href="{url}"' in edit_page
    confirm = client.get(url)
    assert "Fjern Almindeligt Medlem fra planen?" in confirm.text
    assert plan.memberships.filter(pk=membership.pk).exists()
    client.force_login(editable.member)
    assert client.post(url).status_code == 403
    client.force_login(editable.coordinator)
    assert client.post(url).status_code == 302
    assert not plan.memberships.filter(pk=membership.pk).exists()
