"""The generic add / edit / delete pages for a plan's simple parts, and the incident-type page."""

import pytest
from django.urls import reverse

from boligsocial.plans.models import (
    AdHocResource,
    CommunicationRole,
    FallbackProcedure,
    IncidentType,
    LevelRule,
    OutreachGroup,
    PlanStatus,
    PlanVersion,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _add(plan, kind):
    return reverse("plans:part_add", args=[plan.pk, kind])


def _edit(plan, kind, part):
    return reverse("plans:part_edit", args=[plan.pk, kind, part.pk])


def _delete(plan, kind, part):
    return reverse("plans:part_delete", args=[plan.pk, kind, part.pk])


def test_coordinator_edits_a_level_rule(client, editable):
    plan = editable.plan
    rule = plan.level_rules.get(level="yellow")
    client.force_login(editable.coordinator)
    data = {
        "description": "Uro i området",
        "examples": "Hærværk, chikane",
        "deadline_kind": "working_days",
        "deadline_value": "3",
        "acknowledge_wait_minutes": "120",
    }
    response = client.post(_edit(plan, "levels", rule), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/{plan.pk}/#purpose")
    rule.refresh_from_db()
    assert (rule.description, rule.deadline_kind, rule.deadline_value, rule.acknowledge_wait_minutes) == (
        "Uro i området",
        "working_days",
        3,
        120,
    )
    page = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert "inden for 3 arbejdsdage" in page


def test_level_rule_with_negative_hours_is_refused_in_danish_and_not_saved(client, editable):
    plan = editable.plan
    rule = plan.level_rules.get(level="red")
    client.force_login(editable.coordinator)
    data = {
        "description": "Skud",
        "deadline_kind": "hours",
        "deadline_value": "-24",
        "acknowledge_wait_minutes": "240",
    }
    response = client.post(_edit(plan, "levels", rule), data)
    assert response.status_code == 200
    assert "Antal timer eller arbejdsdage skal være 1 eller flere." in response.context["form"].errors["deadline_value"]
    assert "Antal timer eller arbejdsdage skal være 1 eller flere." in response.text
    rule.refresh_from_db()
    assert (rule.description, rule.deadline_value) == ("", 24)


def test_level_rule_with_negative_acknowledgement_wait_is_refused(client, editable):
    plan = editable.plan
    rule = plan.level_rules.get(level="green")
    client.force_login(editable.coordinator)
    data = {"deadline_kind": "none", "acknowledge_wait_minutes": "-5"}
    response = client.post(_edit(plan, "levels", rule), data)
    assert "acknowledge_wait_minutes" in response.context["form"].errors
    assert "skal være større end eller lig 1" in response.text
    assert LevelRule.objects.get(pk=rule.pk).acknowledge_wait_minutes == 240


def test_levels_are_a_fixed_set_that_cannot_be_added_or_deleted(client, editable):
    plan = editable.plan
    client.force_login(editable.coordinator)
    assert client.get(_add(plan, "levels")).status_code == 404
    rule = plan.level_rules.first()
    assert client.post(_delete(plan, "levels", rule)).status_code == 404
    assert plan.level_rules.count() == 3


def test_unknown_kind_is_not_found(client, editable):
    client.force_login(editable.coordinator)
    assert client.get(_add(editable.plan, "nonsense")).status_code == 404


def test_fallbacks_are_added_last_in_order_with_a_short_number(client, editable):
    plan = editable.plan
    client.force_login(editable.coordinator)
    first = {
        "position": "1",
        "condition": "Hvis politiets kontakter ikke svarer",
        "instruction": "Ring til vagtchefen",
        "phone": "114",
    }
    assert client.post(_add(plan, "fallbacks"), first).status_code == 302
    form = client.get(_add(plan, "fallbacks")).context["form"]
    assert form.initial["position"] == 2
    second = {"position": "2", "condition": "Hvis ingen svarer", "instruction": "Ring 112", "phone": "112"}
    client.post(_add(plan, "fallbacks"), second)
    assert list(plan.fallbacks.values_list("phone", flat=True)) == ["114", "112"]
    text = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert text.index("Ring til vagtchefen") < text.index("Ring 112")


def test_fallback_with_a_bad_phone_names_the_field(client, editable):
    plan = editable.plan
    client.force_login(editable.coordinator)
    data = {"position": "1", "condition": "Hvis ingen svarer", "instruction": "Ring", "phone": "abc"}
    response = client.post(_add(plan, "fallbacks"), data)
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert "telefonnummer" in response.text
    assert not FallbackProcedure.objects.exists()


def test_outreach_group_with_contact_person_from_the_directory(client, editable):
    plan = editable.plan
    caretaker = factories.member(plan=factories.plan(name="Anden"), name="Ib Vicevært").person
    client.force_login(editable.coordinator)
    form = client.get(_add(plan, "outreach")).context["form"]
    assert f"Ib Vicevært ({caretaker.organisation.name})" in str(form["contact_person"])
    data = {"name": "Viceværter", "contact_person": caretaker.pk, "channel": "", "position": "1"}
    assert client.post(_add(plan, "outreach"), data).status_code == 302
    group = OutreachGroup.objects.get(plan=plan)
    assert group.contact_person == caretaker
    assert "Viceværter – Ib Vicevært" in client.get(reverse("plans:detail", args=[plan.pk])).text


def test_communication_role_needs_a_person_or_an_organisation(client, editable):
    plan = editable.plan
    client.force_login(editable.coordinator)
    data = {"audience": "press", "position": "1", "is_spokesperson": "on"}
    response = client.post(_add(plan, "communication"), data)
    assert "Vælg en person eller en organisation." in response.context["form"].errors["person"]
    assert not CommunicationRole.objects.exists()
    police = factories.organisation(name="Sydøstjyllands Politi")
    data["organisation"] = police.pk
    assert client.post(_add(plan, "communication"), data).status_code == 302
    role = CommunicationRole.objects.get(plan=plan)
    assert (role.audience, role.organisation, role.is_spokesperson) == ("press", police, True)


def test_adhoc_resource_is_added_edited_and_deleted_after_confirmation(client, editable):
    plan = editable.plan
    client.force_login(editable.coordinator)
    client.post(_add(plan, "adhoc"), {"name": "Brandvæsenet", "description": "Ved brand"})
    resource = AdHocResource.objects.get(plan=plan)
    client.post(_edit(plan, "adhoc", resource), {"name": "Sydvestjysk Brandvæsen", "description": ""})
    resource.refresh_from_db()
    assert resource.name == "Sydvestjysk Brandvæsen"

    confirm = client.get(_delete(plan, "adhoc", resource))
    assert confirm.status_code == 200
    assert "Slet ad hoc-deltager: Sydvestjysk Brandvæsen?" in confirm.text
    assert AdHocResource.objects.filter(pk=resource.pk).exists()

    response = client.post(_delete(plan, "adhoc", resource))
    assert response.status_code == 302
    assert not AdHocResource.objects.filter(pk=resource.pk).exists()


def test_part_of_another_plan_is_not_found(client, editable):
    other = factories.plan(name="Anden plan")
    foreign = AdHocResource.objects.create(plan=other, name="Fremmed")
    client.force_login(editable.coordinator)
    assert client.get(_edit(editable.plan, "adhoc", foreign)).status_code == 404
    assert client.post(_delete(editable.plan, "adhoc", foreign)).status_code == 404
    assert AdHocResource.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("outsider", 404), ("coordinator", 302)], ids=lambda v: str(v)
)
def test_only_the_coordinator_or_an_admin_may_post(client, editable, who, status):
    plan = editable.plan
    resource = AdHocResource.objects.create(plan=plan, name="Skolen")
    client.force_login(getattr(editable, who))
    assert client.post(_add(plan, "adhoc"), {"name": "Ny"}).status_code == status
    assert client.post(_edit(plan, "adhoc", resource), {"name": "Ændret"}).status_code == status
    assert client.post(_delete(plan, "adhoc", resource)).status_code == status
    changed = status == 302
    assert AdHocResource.objects.filter(name="Ny").exists() is changed
    assert AdHocResource.objects.filter(pk=resource.pk).exists() is not changed


def test_admin_who_is_not_a_member_may_edit(client, editable):
    admin = factories.user(is_staff=True)
    client.force_login(admin)
    assert client.post(_add(editable.plan, "adhoc"), {"name": "Daginstitutioner"}).status_code == 302


def test_editing_a_signed_plan_makes_a_new_version(client, editable, sign_all):
    plan = editable.plan
    sign_all(plan)
    assert plan.status == PlanStatus.SIGNED
    rule = plan.level_rules.get(level="red")
    client.force_login(editable.coordinator)
    page = client.get(_edit(plan, "levels", rule))
    assert "Planen er underskrevet" in page.text
    data = {
        "description": "Ny tekst",
        "deadline_kind": "hours",
        "deadline_value": "24",
        "acknowledge_wait_minutes": "60",
    }
    client.post(_edit(plan, "levels", rule), data)
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    old = PlanVersion.objects.get(plan=plan, number=1)
    assert old.status == PlanStatus.SIGNED
    assert old.snapshot["levels"]["red"]["description"] == ""


def test_incident_types_are_chosen_from_the_catalogue(client, editable):
    plan = editable.plan
    shooting = IncidentType.objects.get(code="shooting")
    arson = IncidentType.objects.get(code="arson")
    client.force_login(editable.coordinator)
    url = reverse("plans:incident_types", args=[plan.pk])
    form = client.get(url).context["form"]
    assert set(form.initial["incident_types"]) == set(IncidentType.objects.all())
    assert client.post(url, {"incident_types": [shooting.pk, arson.pk]}).status_code == 302
    assert set(plan.incident_types.all()) == {shooting, arson}
    client.force_login(editable.member)
    assert client.post(url, {"incident_types": []}).status_code == 403
    assert plan.incident_types.count() == 2


def test_plan_page_links_every_editing_page_only_for_editors(client, editable):
    plan = editable.plan
    AdHocResource.objects.create(plan=plan, name="Skolen")
    links = [
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:member_add", args=[plan.pk]),
        reverse("plans:signatures", args=[plan.pk]),
        reverse("plans:incident_types", args=[plan.pk]),
        _edit(plan, "levels", plan.level_rules.first()),
        _edit(plan, "adhoc", plan.adhoc_resources.get()),
        *(_add(plan, kind) for kind in ("fallbacks", "outreach", "communication", "adhoc")),
    ]
    client.force_login(editable.coordinator)
    text = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert [link for link in links if link not in text] == []
    client.force_login(editable.member)
    text = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert [link for link in links if link in text] == []
