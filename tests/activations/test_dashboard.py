import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boligsocial.activations import flows, selectors, services
from boligsocial.activations.models import Activation, Evaluation
from boligsocial.meetings.models import Action
from tests import factories

pytestmark = pytest.mark.django_db


def activate(crisis, *, level="red", actor=None):
    return flows.activation_activate(
        actor=actor or crisis.police_user,
        incident=crisis.incident(),
        level=level,
        rationale="Uro",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def past_deadline(activation):
    Activation.objects.filter(pk=activation.pk).update(meeting_deadline=timezone.now() - datetime.timedelta(hours=2))


def other_plan_with_activation():
    """A plan the crisis users are not members of, with its own running activation."""
    plan = factories.plan(name="Fremmed plan")
    user = factories.user(username="fremmed")
    factories.member(plan=plan, name="Fremmed Tovholder", login=user, is_coordinator=True)
    from boligsocial.activations import services as activation_services

    incident = activation_services.incident_create(
        actor=user,
        plan=plan,
        incident_type=plan.incident_types.get(code="shooting"),
        area=plan.areas.get(),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        description="Hemmelig hændelse i fremmed plan",
    )
    return flows.activation_activate(
        actor=user, incident=incident, level="red", rationale="Fremmed", police_consulted=True, police_contact="X"
    )


def test_root_shows_the_dashboard_to_a_signed_in_user_and_login_to_others(client, crisis):
    response = client.get("/")
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(crisis.coordinator_user)
    page = client.get("/")
    assert page.status_code == 200 and "Overblik" in page.text
    assert reverse("plans:list") in page.text
    assert client.get(reverse("plans:list")).status_code == 200


def test_active_activations_red_first_with_countdown_and_unacknowledged_members(client, crisis):
    yellow = activate(crisis, level="yellow")
    red = activate(crisis, level="red")
    flows.seat_acknowledge(seat=red.seats.get(person=crisis.police.person), person=crisis.police.person)
    client.force_login(crisis.coordinator_user)
    page = client.get("/").text
    red_at, yellow_at = (
        page.index(reverse("activations:detail", args=[red.pk])),
        page.index(reverse("activations:detail", args=[yellow.pk])),
    )
    assert red_at < yellow_at, "red before yellow"
    assert "Aktive aktiveringer" in page
    assert "om 23 timer" in page or "om 1 dag" in page  # countdown to the 24-hour deadline
    live = page[red_at:yellow_at]
    assert "Uden Kanal" in live and "Kan ikke nås" in live
    assert "Louise Tovholder" in live and "Afventer" in live
    assert "Lasse Politi" not in live, "acknowledged members are not listed"


def test_overdue_meetings_and_overdue_evaluations_are_flagged(client, crisis):
    late = activate(crisis)
    past_deadline(late)
    held = activate(crisis)
    past_deadline(held)
    Activation.objects.filter(pk=held.pk).update(meeting_held_at=timezone.now() - datetime.timedelta(hours=3))
    closed = flows.activation_close(actor=crisis.police_user, activation=activate(crisis), summary="Slut")
    Evaluation.objects.filter(activation=closed).update(due_at=timezone.now() - datetime.timedelta(days=1))
    board = selectors.dashboard_for_user(user=crisis.coordinator_user)
    assert [a.pk for a in board.overdue_meetings] == [late.pk]
    assert [e.activation_id for e in board.overdue_evaluations] == [closed.pk]
    client.force_login(crisis.coordinator_user)
    page = client.get("/").text
    assert page.count("Møde overskredet") == 1
    assert "Overskredne møder" in page and "intet møde holdt inden fristen" in page
    assert "Evaluering overskredet" in page
    assert reverse("activations:evaluation", args=[closed.pk]) in page


def test_a_done_evaluation_leaves_the_dashboard(crisis):
    closed = flows.activation_close(actor=crisis.police_user, activation=activate(crisis), summary="Slut")
    assert len(selectors.dashboard_for_user(user=crisis.coordinator_user).open_evaluations) == 1
    services.evaluation_submit(
        actor=crisis.coordinator_user, evaluation=closed.evaluation, worked="yes", channels_right="yes"
    )
    assert selectors.dashboard_for_user(user=crisis.coordinator_user).open_evaluations == []


def test_only_the_users_own_plans_are_shown(client, crisis):
    mine = activate(crisis)
    theirs = other_plan_with_activation()
    client.force_login(crisis.coordinator_user)
    page = client.get("/").text
    assert reverse("activations:detail", args=[mine.pk]) in page
    assert reverse("activations:detail", args=[theirs.pk]) not in page
    client.force_login(factories.user(username="udenfor"))
    page = client.get("/").text
    assert "Ingen aktive aktiveringer i dine planer." in page
    assert reverse("activations:detail", args=[mine.pk]) not in page
    client.force_login(factories.user(username="admin", is_staff=True))
    page = client.get("/").text
    assert reverse("activations:detail", args=[theirs.pk]) in page
    assert reverse("activations:detail", args=[mine.pk]) in page


def test_closed_activations_are_not_active(crisis):
    flows.activation_close(actor=crisis.police_user, activation=activate(crisis), summary="Slut")
    assert selectors.dashboard_for_user(user=crisis.coordinator_user).active == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_activations(client, crisis, django_assert_max_num_queries):
    activate(crisis)
    closed = flows.activation_close(actor=crisis.police_user, activation=activate(crisis), summary="Slut")
    Evaluation.objects.filter(activation=closed).update(due_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(crisis.coordinator_user)
    few_page, few_live = _queries(client, "/"), _queries(client, reverse("activations:dashboard_live"))
    for level in ("red", "yellow", "red", "yellow", "red"):
        past_deadline(activate(crisis, level=level))
    for _ in range(3):
        flows.activation_close(actor=crisis.police_user, activation=activate(crisis), summary="Slut")
    assert len(selectors.dashboard_for_user(user=crisis.coordinator_user).active) == 6
    assert _queries(client, "/") == few_page
    assert _queries(client, reverse("activations:dashboard_live")) == few_live
    with django_assert_max_num_queries(10):
        client.get("/")


def test_the_live_part_polls_itself(client, crisis):
    activation = activate(crisis)
    client.force_login(crisis.coordinator_user)
    live_url = reverse("activations:dashboard_live")
    page = client.get("/").text
    assert f'hx-get="{live_url}"' in page and 'hx-trigger="every 20s"' in page
    fragment = client.get(live_url)
    assert "<html" not in fragment.text
    assert 'hx-trigger="every 20s"' in fragment.text, "the fragment replaces itself and keeps polling"
    assert reverse("activations:detail", args=[activation.pk]) in fragment.text
    client.logout()
    assert client.get(live_url).status_code == 302


def test_overdue_actions_are_on_the_dashboard(client, crisis):
    from boligsocial.meetings import services as meeting_services

    activation = activate(crisis)
    meeting_services.action_create(
        actor=crisis.coordinator_user,
        title="Ring til afdelingsbestyrelsen",
        deadline=timezone.now() + datetime.timedelta(hours=1),
        activation=activation,
        owner_member=crisis.coordinator.person,
    )
    Action.objects.update(deadline=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(crisis.coordinator_user)
    page = client.get("/").text
    assert "Handlinger over fristen" in page and "Ring til afdelingsbestyrelsen" in page
    client.force_login(factories.user())
    assert "Ring til afdelingsbestyrelsen" not in client.get("/").text
