import re

import pytest
from django.urls import reverse

from boligsocial.plans.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_plan():
    login = factories.user(username="tovholder")
    plan = factories.plan()
    factories.member(plan=plan, name="Maria Tovholder", login=login, is_coordinator=True, contact_priority=1)
    return plan, login


def test_plan_list_shows_only_plans_the_user_is_member_of(client, django_assert_max_num_queries):
    plan = factories.plan(name="Synlig plan")
    factories.plan(name="Hemmelig plan")
    login = factories.user()
    factories.member(plan=plan, login=login)
    client.force_login(login)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("plans:list"))
    assert "Synlig plan" in response.text
    assert "Hemmelig plan" not in response.text


def test_plan_of_another_group_is_not_found(client):
    other = factories.plan(name="Fremmed plan")
    client.force_login(factories.user())
    assert client.get(reverse("plans:detail", args=[other.pk])).status_code == 404


def test_member_cannot_edit_but_coordinator_can(client, coordinator_plan):
    plan, coordinator = coordinator_plan
    member_login = factories.user()
    factories.member(plan=plan, name="Almindeligt Medlem", login=member_login)
    client.force_login(member_login)
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 403
    client.force_login(coordinator)
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 200


def test_coordinator_edits_a_member_phone(client, coordinator_plan):
    plan, coordinator = coordinator_plan
    membership = plan.memberships.get()
    client.force_login(coordinator)
    url = reverse("plans:member_edit", args=[plan.pk, membership.pk])
    data = {
        "name": "Maria Tovholder",
        "organisation": membership.person.organisation_id,
        "phones": "20 13 55 36",
        "kind": "fixed",
        "role": "Boligsocial leder",
        "is_coordinator": "on",
        "contact_priority": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert membership.person.phones.get().number == "+4520135536"


def test_bad_phone_in_form_shows_danish_error_and_changes_nothing(client, coordinator_plan):
    plan, coordinator = coordinator_plan
    membership = plan.memberships.get()
    client.force_login(coordinator)
    url = reverse("plans:member_edit", args=[plan.pk, membership.pk])
    data = {
        "name": "Nyt Navn",
        "organisation": membership.person.organisation_id,
        "phones": "abc",
        "kind": "fixed",
        "role": "Boligsocial leder",
        "is_coordinator": "on",
        "contact_priority": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "er ikke et telefonnummer" in response.text
    assert Membership.objects.get(pk=membership.pk).person.name == "Maria Tovholder"


def test_plan_page_shows_sections_in_template_order(client, coordinator_plan):
    plan, coordinator = coordinator_plan
    client.force_login(coordinator)
    text = client.get(reverse("plans:detail", args=[plan.pk])).text
    headings = [
        "Formål",
        "Deltagere",
        "Organisering",
        "Kompetencer",
        "omverdenen",
        "Forebyggelse",
        "Tavshedspligt",
        "Underskrifter",
        "Kontaktliste",
    ]
    # Look only at the section headings: the page's buttons may use the same words.
    sections = " | ".join(re.findall(r"<h2>(.*?)</h2>", text))
    positions = [sections.index(h) for h in headings]
    assert positions == sorted(positions)
