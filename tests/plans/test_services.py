import datetime

import pytest
from django.core.exceptions import ValidationError

from boligsocial.core.models import AuditEntry
from boligsocial.directory.models import OrganisationKind
from boligsocial.plans import services
from boligsocial.plans.models import LevelRule, Membership, MembershipKind, Plan, PlanStatus, PlanVersion
from tests import factories

pytestmark = pytest.mark.django_db


def test_plan_create_gives_three_levels_the_catalogue_and_an_audit_row():
    plan = factories.plan()
    assert sorted(plan.level_rules.values_list("level", flat=True)) == ["green", "red", "yellow"]
    assert plan.incident_types.filter(code="shooting").exists()
    assert AuditEntry.objects.filter(action="plan.create", target_id=plan.pk).exists()


def test_validity_end_before_start_is_refused_in_danish_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=None,
            name="Baglæns",
            valid_from=datetime.date(2029, 1, 1),
            valid_until=datetime.date(2025, 1, 1),
            areas=[factories.area()],
        )
    assert "valid_until" in exc.value.message_dict
    assert "gyldigheden" in " ".join(exc.value.message_dict["valid_until"]).lower()
    assert not Plan.objects.filter(name="Baglæns").exists()


def test_phones_are_normalised_to_e164_and_shown_in_pairs():
    plan = factories.plan()
    membership = factories.member(plan=plan, phones=["72 99 40 76", "+45 2499 7225"])
    assert [p.number for p in membership.person.phones.all()] == ["+4572994076", "+4524997225"]
    assert membership.person.phones.first().display == "72 99 40 76"


def test_invalid_phone_names_the_field_and_saves_no_person():
    plan = factories.plan()
    with pytest.raises(ValidationError) as exc:
        factories.member(plan=plan, name="Forkert Nummer", phones=["12"])
    assert "phones" in exc.value.message_dict
    assert "telefonnummer" in exc.value.message_dict["phones"][0]
    assert not Membership.objects.filter(person__name="Forkert Nummer").exists()


def test_two_members_on_the_same_priority_are_refused():
    plan = factories.plan()
    factories.member(plan=plan, name="Første", contact_priority=1)
    with pytest.raises(ValidationError) as exc:
        factories.member(plan=plan, name="Anden", contact_priority=1)
    assert "prioritet" in " ".join(exc.value.messages).lower()


def test_substitute_must_stand_in_for_a_fixed_member_of_the_same_plan():
    plan, other = factories.plan(), factories.plan(name="Anden plan")
    stranger = factories.member(plan=other, name="Fremmed")
    with pytest.raises(ValidationError) as exc:
        factories.member(plan=plan, name="Suppleant", kind=MembershipKind.SUBSTITUTE, substitute_for=stranger)
    assert "substitute_for" in exc.value.message_dict
    with pytest.raises(ValidationError):
        factories.member(plan=plan, name="Uden", kind=MembershipKind.SUBSTITUTE)


def test_level_rule_with_negative_hours_is_refused():
    plan = factories.plan()
    rule = plan.level_rules.get(level="red")
    rule.deadline_kind, rule.deadline_value = "hours", -24
    with pytest.raises(ValidationError) as exc:
        services.plan_part_save(actor=None, plan=plan, part=rule)
    assert "deadline_value" in exc.value.message_dict
    assert LevelRule.objects.get(pk=rule.pk).deadline_value == 24


def _signed_plan():
    plan = factories.plan()
    police = factories.organisation(kind=OrganisationKind.POLICE, name="Østjyllands Politi")
    factories.member(plan=plan, name="Lars Brink", org=police, is_coordinator=True, contact_priority=1)
    services.plan_request_signatures(actor=None, plan=plan)
    services.signature_add(
        actor=None,
        plan=plan,
        organisation=police,
        signer_name="Cecilie Nørby",
        signed_on=datetime.date(2025, 3, 1),
    )
    plan.refresh_from_db()
    return plan, police


def test_signature_from_a_party_not_in_the_plan_is_refused():
    plan = factories.plan()
    factories.member(plan=plan, is_coordinator=True)
    services.plan_request_signatures(actor=None, plan=plan)
    outsider = factories.organisation(name="Udenforstående")
    with pytest.raises(ValidationError) as exc:
        services.signature_add(
            actor=None, plan=plan, organisation=outsider, signer_name="X", signed_on=datetime.date(2025, 1, 1)
        )
    assert "organisation" in exc.value.message_dict
    assert not plan.signatures.exists()


def test_all_parties_signed_makes_the_plan_signed_and_approval_follows():
    plan, _ = _signed_plan()
    assert plan.status == PlanStatus.SIGNED
    services.plan_approve(actor=None, plan=plan, approved_on=datetime.date(2025, 4, 1))
    assert plan.status == PlanStatus.APPROVED


def test_changing_a_signed_plan_makes_a_new_version_and_keeps_the_old_readable():
    plan, _ = _signed_plan()
    services.plan_update(actor=None, plan=plan, purpose="Ny formålsbeskrivelse")
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)
    old = PlanVersion.objects.get(plan=plan, number=1)
    assert old.status == PlanStatus.SIGNED
    assert old.snapshot["texts"]["purpose"] == ""
    assert "Cecilie Nørby" in " ".join(old.snapshot["signatures"])


def test_expired_is_derived_from_the_validity_end():
    plan = factories.plan()
    plan.valid_from, plan.valid_until = datetime.date(2015, 1, 1), datetime.date(2018, 12, 31)
    plan.save()
    assert plan.effective_status == PlanStatus.EXPIRED
