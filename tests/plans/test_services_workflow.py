"""Services behind the part, member and signature pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from boligsocial.core.models import AuditEntry
from boligsocial.plans import selectors, services
from boligsocial.plans.models import (
    AdHocResource,
    FallbackProcedure,
    IncidentType,
    PlanStatus,
    PlanVersion,
    Signature,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _awaiting(plan):
    services.plan_request_signatures(actor=None, plan=plan)
    return plan


def test_second_coordinator_is_refused_naming_the_current_one(editable):
    with pytest.raises(ValidationError) as exc:
        factories.member(plan=editable.plan, name="Ny Tovholder", is_coordinator=True)
    assert exc.value.message_dict["is_coordinator"] == [
        "Planen har allerede en tovholder: Maria Tovholder. Fjern den først."
    ]


def test_the_same_person_cannot_be_added_twice(editable):
    plan = editable.plan
    person = plan.memberships.get(is_coordinator=True).person
    with pytest.raises(ValidationError) as exc:
        services.membership_save(actor=None, plan=plan, person=person)
    assert exc.value.message_dict["person"] == ["Maria Tovholder er allerede medlem af denne plan."]
    assert plan.memberships.count() == 2


def test_a_member_keeps_their_own_priority_when_saved_again(editable):
    plan = editable.plan
    coordinator = plan.memberships.get(is_coordinator=True)
    services.membership_save(actor=None, plan=plan, membership=coordinator, role="Tovholder")
    coordinator.refresh_from_db()
    assert (coordinator.role, coordinator.contact_priority, coordinator.is_coordinator) == (
        "Tovholder",
        1,
        True,
    )


def test_a_party_signs_once_per_version(editable):
    plan = _awaiting(editable.plan)
    party = plan.memberships.first().person.organisation
    services.signature_add(
        actor=None, plan=plan, organisation=party, signer_name="A", signed_on=datetime.date(2025, 1, 2)
    )
    with pytest.raises(ValidationError) as exc:
        services.signature_add(
            actor=None, plan=plan, organisation=party, signer_name="B", signed_on=datetime.date(2025, 1, 3)
        )
    assert "organisation" in exc.value.message_dict
    assert Signature.objects.count() == 1


def test_changing_a_partly_signed_plan_starts_a_new_version(editable):
    plan = _awaiting(editable.plan)
    party = plan.memberships.first().person.organisation
    services.signature_add(
        actor=None, plan=plan, organisation=party, signer_name="A", signed_on=datetime.date(2025, 1, 2)
    )
    services.plan_part_save(actor=None, plan=plan, part=AdHocResource(plan=plan, name="Skolen"))
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    assert PlanVersion.objects.get(plan=plan).status == PlanStatus.AWAITING_SIGNATURES
    # The signature given to version 1 does not count for version 2.
    assert party in selectors.plan_missing_parties(plan=selectors.plan_reload(plan=plan))


def test_changing_a_plan_awaiting_its_first_signature_keeps_the_version(editable):
    plan = _awaiting(editable.plan)
    services.plan_part_save(actor=None, plan=plan, part=AdHocResource(plan=plan, name="Skolen"))
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, PlanStatus.AWAITING_SIGNATURES)
    assert not PlanVersion.objects.exists()


def test_deleting_a_part_of_a_signed_plan_keeps_it_in_the_old_version(editable, sign_all):
    plan = editable.plan
    fallback = services.plan_part_save(
        actor=None,
        plan=plan,
        part=FallbackProcedure(plan=plan, condition="Ingen svarer", instruction="Ring til vagtchefen", phone="114"),
    )
    sign_all(plan)
    services.plan_part_delete(actor=None, plan=plan, part=fallback)
    plan.refresh_from_db()
    assert plan.version == 2
    assert not plan.fallbacks.exists()
    assert PlanVersion.objects.get(plan=plan, number=1).snapshot["fallbacks"] == [
        "Ingen svarer: Ring til vagtchefen 114"
    ]
    assert AuditEntry.objects.filter(action="fallbackprocedure.delete", target_id=plan.pk).exists()


def test_a_part_of_another_plan_is_refused(editable):
    other = factories.plan(name="Anden plan")
    with pytest.raises(ValidationError):
        services.plan_part_save(actor=None, plan=editable.plan, part=AdHocResource(plan=other, name="X"))
    assert not AdHocResource.objects.exists()


def test_incident_types_are_part_of_the_version(editable, sign_all):
    plan = sign_all(editable.plan)
    services.plan_update(actor=None, plan=plan, incident_types=list(IncidentType.objects.filter(code="arson")))
    plan.refresh_from_db()
    assert [t.code for t in plan.incident_types.all()] == ["arson"]
    old = PlanVersion.objects.get(plan=plan, number=1)
    assert len(old.snapshot["incident_types"]) == IncidentType.objects.count()
    entry = AuditEntry.objects.filter(action="plan.update", target_id=plan.pk).get()
    assert entry.data == {"fields": ["incident_types"]}
