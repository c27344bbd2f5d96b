import datetime

import pytest
from django.urls import reverse

from boligsocial.plans import selectors, services
from boligsocial.plans.forms import MemberForm
from boligsocial.plans.models import PlanStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_randers():
    plan = factories.sign(factories.randers_plan())
    coordinator = factories.user(username="tovholder")
    person = plan.memberships.get(is_coordinator=True).person
    person.user = coordinator
    person.save(update_fields=["user"])
    factories.pledge(user=coordinator, plan=plan)
    return plan, coordinator


def _post_data(membership, **changes) -> dict:
    data = {**MemberForm.initial_for(membership), **changes}
    return {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}


def test_editing_a_signed_plan_shows_what_changed_on_the_versions_pages(
    client, signed_randers, django_assert_max_num_queries
):
    plan, coordinator = signed_randers
    assert plan.status == PlanStatus.SIGNED
    police = plan.memberships.get(person__name="Lene Bach")
    client.force_login(coordinator)
    url = reverse("plans:member_edit", args=[plan.pk, police.pk])
    assert client.post(url, _post_data(police, phones="72 99 40 76")).status_code == 302
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (2, PlanStatus.DRAFT)

    detail = client.get(reverse("plans:detail", args=[plan.pk])).text
    assert reverse("plans:versions", args=[plan.pk]) in detail

    with django_assert_max_num_queries(25):
        listing = client.get(reverse("plans:versions", args=[plan.pk]))
    assert listing.status_code == 200
    assert "Version 1" in listing.text
    assert "Underskrevet" in listing.text
    assert "1 ændring i version 2" in listing.text

    page = client.get(reverse("plans:version_detail", args=[plan.pk, 1])).text
    assert "Ændringer i version 2 (den gældende version)" in page
    assert "Deltager Lene Bach – Telefonnumre" in page
    before, after = page.index("25 58 11 49"), page.index("72 99 40 76")
    assert before < after
    # The old version is shown as it was, signatures included.
    assert "Leder af Østjyllands Politi" in page
    assert page.count("25 58 11 49") == 2  # in the change and in the old participants table


def test_version_pages_for_the_current_and_unknown_versions(client, signed_randers):
    plan, coordinator = signed_randers
    services.plan_update(actor=None, plan=plan, purpose="Et nyt formål.")
    client.force_login(coordinator)
    current = client.get(reverse("plans:version_detail", args=[plan.pk, 2]))
    assert current.status_code == 302
    assert current["Location"] == reverse("plans:detail", args=[plan.pk])
    assert client.get(reverse("plans:version_detail", args=[plan.pk, 7])).status_code == 404
    page = client.get(reverse("plans:version_detail", args=[plan.pk, 1])).text
    assert "Formål" in page and "Et nyt formål." in page


def test_versions_of_another_group_are_not_found(client, signed_randers):
    plan, _ = signed_randers
    services.plan_update(actor=None, plan=plan, purpose="Et nyt formål.")
    client.force_login(factories.user())
    assert client.get(reverse("plans:versions", args=[plan.pk])).status_code == 404
    assert client.get(reverse("plans:version_detail", args=[plan.pk, 1])).status_code == 404


def test_three_versions_each_show_the_change_to_the_next(client, signed_randers):
    plan, coordinator = signed_randers
    services.plan_update(actor=None, plan=plan, name="Randers 2025-2029, revideret")
    factories.sign(plan, on=datetime.date(2025, 6, 1))
    services.plan_update(actor=None, plan=plan, valid_until=datetime.date(2030, 12, 31))
    client.force_login(coordinator)
    text = client.get(reverse("plans:versions", args=[plan.pk])).text
    assert "1 ændring i version 2" in text and "1 ændring i version 3" in text
    second = client.get(reverse("plans:version_detail", args=[plan.pk, 2])).text
    assert "31. december 2029" in second and "31. december 2030" in second
    first = client.get(reverse("plans:version_detail", args=[plan.pk, 1])).text
    assert "Ændringer i version 2</h2>" in first
    assert "Randers 2025-2029, revideret" in first


# snapshot_changes on its own: readable Danish lines, in the plan's order.


def _snapshot(plan):
    return selectors.plan_snapshot(plan=selectors.plan_reload(plan=plan))


def test_changes_name_members_levels_and_texts_in_danish():
    plan = factories.randers_plan()
    before = _snapshot(plan)
    services.plan_update(actor=None, plan=plan, purpose="Nyt formål")
    rule = plan.level_rules.get(level="yellow")
    rule.deadline_value = 2
    services.plan_part_save(actor=None, plan=plan, part=rule)
    services.membership_remove(actor=None, plan=plan, membership=plan.memberships.get(person__name="Peter Juul"))
    factories.member(plan=plan, name="Ny Inspektør", role="Inspektør", phones=["86 42 10 99"])
    lines = [str(c) for c in selectors.snapshot_changes(before=before, after=_snapshot(plan))]
    assert lines == [
        "Ændret: Formål: At sikre en koordineret indsats og ansvarsfordeling ved tilspidsede og akutte "
        "situationer. → Nyt formål",
        "Ændret: Beredskabsniveau Gul – Mødefrist: inden for 3 arbejdsdage → inden for 2 arbejdsdage",
        "Tilføjet: Deltager Ny Inspektør: Inspektør, "
        + plan.memberships.get(person__name="Ny Inspektør").person.organisation.name
        + ", 86 42 10 99, a@bs.example",
        "Fjernet: Deltager Peter Juul: Inspektør, RandersBolig, 70 26 11 79, peter.juul@bs.example",
    ]


def test_signatures_alone_are_not_a_change_and_unknown_parts_still_show():
    plan = factories.randers_plan()
    before = _snapshot(plan)
    factories.sign(plan)
    after = _snapshot(plan)
    assert after["signatures"] and not before["signatures"]
    assert selectors.snapshot_changes(before=before, after=after) == []
    changes = selectors.snapshot_changes(before={**before, "meetings": ["Statusmøde"]}, after=after)
    assert [(c.kind, c.subject, c.before) for c in changes] == [("removed", "meetings", "Statusmøde")]


def test_person_and_membership_changes_in_one_request_make_one_new_version(signed_randers):
    plan, _ = signed_randers
    police = plan.memberships.get(person__name="Lene Bach")
    services.person_update(actor=None, person=police.person, phones=["72 99 40 76"])
    # `plan` still says signed, version 1: the service must not start version 2 a second time.
    services.membership_save(actor=None, plan=plan, membership=police, role="Politiinspektør")
    plan.refresh_from_db()
    assert plan.version == 2
    assert list(plan.versions.values_list("number", flat=True)) == [1]
