"""The signature workflow page: send for signatures, record each party's signature, record the approval."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from boligsocial.directory.models import OrganisationKind
from boligsocial.plans.models import PlanStatus, Signature
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, plan):
    return reverse(f"plans:{name}", args=[plan.pk])


def _sign(client, plan, org, *, on="2025-03-01", name="Hanne Direktør"):
    data = {"organisation": org.pk, "signer_name": name, "signer_title": "Direktør", "signed_on": on}
    return client.post(_url("signature_add", plan), data)


def test_whole_workflow_from_draft_to_approved(client, editable):
    plan = editable.plan
    police, municipality = (m.person.organisation for m in plan.memberships.order_by("contact_priority"))
    client.force_login(editable.coordinator)

    page = client.get(_url("signatures", plan))
    assert "Send til underskrift" in page.text
    assert client.post(_url("signatures_request", plan)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_SIGNATURES

    page = client.get(_url("signatures", plan))
    assert f"Mangler stadig: {police.name}, {municipality.name}" in page.text
    # A date input only shows an ISO value.
    assert f'name="signed_on" value="{timezone.localdate().isoformat()}"' in page.text
    assert _sign(client, plan, police).status_code == 302
    page = client.get(_url("signatures", plan))
    assert f"Mangler stadig: {municipality.name}" in page.text
    assert f'<option value="{police.pk}"' not in page.text

    _sign(client, plan, municipality, on="2025-03-05")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SIGNED

    response = client.post(_url("approve", plan), {"approved_on": "2025-04-01"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.lbf_approved_on) == (PlanStatus.APPROVED, datetime.date(2025, 4, 1))
    assert "Godkendt af Landsbyggefonden den 1. april 2025." in client.get(_url("signatures", plan)).text


def test_signature_from_a_party_not_in_the_plan_is_refused_in_danish(client, editable):
    plan = editable.plan
    outsider = factories.organisation(kind=OrganisationKind.OTHER, name="Udenforstående Forening")
    client.force_login(editable.coordinator)
    client.post(_url("signatures_request", plan))
    response = _sign(client, plan, outsider)
    assert response.status_code == 200
    assert response.context["signature_form"].errors["organisation"] == [
        "Udenforstående Forening er ikke part i denne plan."
    ]
    assert "Udenforstående Forening er ikke part i denne plan." in response.text
    assert not Signature.objects.exists()


def test_signing_when_not_awaiting_signatures_is_refused(client, editable):
    plan = editable.plan
    party = plan.memberships.first().person.organisation
    client.force_login(editable.coordinator)
    response = _sign(client, plan, party)
    assert response.status_code == 200
    assert "Planen afventer ikke underskrifter." in response.text
    assert not Signature.objects.exists()


def test_the_same_party_cannot_sign_twice(client, editable):
    plan = editable.plan
    party = plan.memberships.first().person.organisation
    client.force_login(editable.coordinator)
    client.post(_url("signatures_request", plan))
    _sign(client, plan, party)
    response = _sign(client, plan, party, name="En Anden")
    assert f"{party.name} har allerede underskrevet denne version af planen." in response.text
    assert Signature.objects.count() == 1


def test_signature_in_the_future_names_the_date(client, editable):
    plan = editable.plan
    party = plan.memberships.first().person.organisation
    client.force_login(editable.coordinator)
    client.post(_url("signatures_request", plan))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _sign(client, plan, party, on=tomorrow)
    assert "En underskrift kan ikke dateres frem i tiden." in response.context["signature_form"].errors["signed_on"]
    assert not Signature.objects.exists()


def test_sending_a_plan_without_coordinator_is_refused(client):
    plan = factories.plan()
    factories.member(plan=plan)
    client.force_login(factories.user(is_staff=True))
    response = client.post(_url("signatures_request", plan))
    assert response.status_code == 200
    assert "Planen skal have en tovholder, før den kan underskrives." in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_approval_before_the_last_signature_or_in_the_future_is_refused(client, editable, sign_all):
    plan = sign_all(editable.plan, on=datetime.date(2025, 3, 1))
    client.force_login(editable.coordinator)
    response = client.post(_url("approve", plan), {"approved_on": "2025-02-01"})
    assert response.context["approve_form"].errors["approved_on"] == [
        "Godkendelsen kan ikke dateres før den sidste underskrift (1. marts 2025)."
    ]
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(_url("approve", plan), {"approved_on": future})
    assert "Godkendelsen kan ikke dateres frem i tiden." in response.text
    plan.refresh_from_db()
    assert (plan.status, plan.lbf_approved_on) == (PlanStatus.SIGNED, None)


def test_approving_a_plan_that_is_not_signed_is_refused(client, editable):
    client.force_login(editable.coordinator)
    response = client.post(_url("approve", editable.plan), {"approved_on": "2025-04-01"})
    assert "Kun en underskrevet plan kan godkendes." in response.text
    editable.plan.refresh_from_db()
    assert editable.plan.lbf_approved_on is None


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_only_the_coordinator_or_an_admin_runs_the_workflow(client, editable, who, status):
    plan = editable.plan
    client.force_login(getattr(editable, who))
    assert client.get(_url("signatures", plan)).status_code == status
    assert client.post(_url("signatures_request", plan)).status_code == status
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_workflow_pages_refuse_get_for_actions(client, editable):
    client.force_login(editable.coordinator)
    assert client.get(_url("signatures_request", editable.plan)).status_code == 405
