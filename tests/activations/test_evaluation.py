import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from boligsocial.activations import flows, services
from boligsocial.activations.models import Evaluation, TimelineEntry
from boligsocial.core.models import AuditEntry
from boligsocial.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")

ANSWERS = {
    "worked": "partly",
    "channels_right": "no",
    "worked_note": "Mødet blev holdt inden for 24 timer.",
    "channels_note": "SMS nåede frem, men beboerne fik først brevet dagen efter.",
    "changes": "Beboerbrevet skal kunne sendes samme aften.",
    "notes": "",
}


def activate(crisis, *, level="red"):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level=level,
        rationale="Skyderi, akut",
        police_consulted=True,
        police_contact="Vagtchefen",
    )


def closed(crisis, **kwargs):
    activation = activate(crisis, **kwargs)
    return flows.activation_close(actor=crisis.police_user, activation=activation, summary="Roligt igen")


def make_overdue(evaluation):
    Evaluation.objects.filter(pk=evaluation.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    evaluation.refresh_from_db()
    return evaluation


def test_closing_requests_an_evaluation_from_the_coordinator_and_notifies_them(crisis):
    activation = closed(crisis)
    evaluation = Evaluation.objects.get(activation=activation)
    assert evaluation.state == "requested"
    assert evaluation.requested_from == crisis.coordinator.person
    assert evaluation.due_at == services.evaluation_due(plan=crisis.plan, closed_at=activation.closed_at)
    assert evaluation.due_at > activation.closed_at + datetime.timedelta(days=13)
    sent = Notification.objects.filter(
        source_type=ContentType.objects.get_for_model(Evaluation), source_id=evaluation.pk
    )
    assert {n.recipient_id for n in sent} == {crisis.coordinator.person.pk}
    assert {n.channel for n in sent} == {"email", "sms", "inapp"}
    message = sent.first()
    assert "Evaluering ønsket" in message.subject and "Skyderi" in message.subject
    assert "fortrolig" not in message.subject + message.body
    assert message.link.endswith(reverse("activations:evaluation", args=[activation.pk]))
    row = activation.timeline.get(kind="evaluation_requested")
    assert "Louise Tovholder" in row.text and row.actor == crisis.police_user
    assert AuditEntry.objects.filter(action="evaluation.request").count() == 1


def test_an_open_activation_has_no_evaluation_and_closing_twice_requests_one(crisis):
    activation = activate(crisis)
    assert not Evaluation.objects.exists()
    flows.activation_close(actor=crisis.police_user, activation=activation, summary="Slut")
    with pytest.raises(ValidationError):
        flows.activation_close(actor=crisis.police_user, activation=activation, summary="Slut igen")
    assert Evaluation.objects.count() == 1
    assert services.evaluation_request(actor=None, activation=activation) == Evaluation.objects.get()


def test_without_a_coordinator_the_member_who_closed_is_asked(crisis):
    crisis.coordinator.is_coordinator = False
    crisis.coordinator.save()
    activation = closed(crisis)
    assert activation.evaluation.requested_from == crisis.police.person


@pytest.mark.parametrize(
    ("closed_at", "due"),
    [
        # An ordinary fortnight: ten working days.
        (datetime.datetime(2026, 11, 2, 10, 0, tzinfo=CPH), datetime.datetime(2026, 11, 16, 23, 59, tzinfo=CPH)),
        # Easter: Maundy Thursday, Good Friday and Easter Monday do not count.
        (datetime.datetime(2026, 4, 1, 14, 0, tzinfo=CPH), datetime.datetime(2026, 4, 20, 23, 59, tzinfo=CPH)),
        # Christmas and New Year, with the plan's default closed days 24 and 31 December.
        (datetime.datetime(2026, 12, 18, 9, 0, tzinfo=CPH), datetime.datetime(2027, 1, 7, 23, 59, tzinfo=CPH)),
    ],
)
def test_due_is_the_end_of_the_tenth_working_day_after_closing(crisis, closed_at, due):
    assert services.evaluation_due(plan=crisis.plan, closed_at=closed_at) == due


def test_submitting_marks_it_done_and_adds_a_timeline_row(crisis):
    activation = closed(crisis)
    evaluation = services.evaluation_submit(actor=crisis.coordinator_user, evaluation=activation.evaluation, **ANSWERS)
    evaluation.refresh_from_db()
    assert evaluation.state == "done" and evaluation.submitted_by == crisis.coordinator_user
    assert evaluation.channels_note.startswith("SMS nåede frem")
    row = TimelineEntry.objects.filter(activation=activation).last()
    assert row.kind == "evaluation_done" and row.actor == crisis.coordinator_user
    assert "Delvist" in row.text and "Nej" in row.text
    with pytest.raises(ValidationError, match="allerede"):
        services.evaluation_submit(actor=crisis.coordinator_user, evaluation=evaluation, **ANSWERS)


def test_any_fixed_member_may_submit_but_not_a_substitute_or_stranger(crisis):
    activation = closed(crisis)
    for outsider in (crisis.substitute_user, factories.user()):
        with pytest.raises(PermissionDenied):
            services.evaluation_submit(actor=outsider, evaluation=activation.evaluation, **ANSWERS)
    assert Evaluation.objects.get().state == "requested"
    services.evaluation_submit(actor=crisis.police_user, evaluation=activation.evaluation, **ANSWERS)
    assert Evaluation.objects.get().state == "done"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"worked": ""}, "worked"),
        ({"channels_right": "maybe"}, "channels_right"),
        ({"changes": "Beboeren med cpr 010190-1234 flyttede"}, "changes"),
        ({"notes": "Se 0101901234"}, "notes"),
    ],
)
def test_bad_answers_name_the_field_and_save_nothing(crisis, change, field):
    activation = closed(crisis)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_submit(actor=crisis.coordinator_user, evaluation=activation.evaluation, **ANSWERS | change)
    assert field in exc.value.message_dict
    assert Evaluation.objects.get().state == "requested"
    assert not TimelineEntry.objects.filter(kind="evaluation_done").exists()


def test_evaluation_overdue_only_while_not_done(crisis):
    evaluation = closed(crisis).evaluation
    assert not evaluation.is_overdue
    make_overdue(evaluation)
    assert evaluation.is_overdue
    services.evaluation_submit(actor=crisis.coordinator_user, evaluation=evaluation, **ANSWERS)
    evaluation.refresh_from_db()
    assert not evaluation.is_overdue


# --- Pages ---------------------------------------------------------------------------------------------


def test_coordinator_fills_in_the_evaluation_on_its_page(client, crisis):
    activation = closed(crisis)
    client.force_login(crisis.coordinator_user)
    url = reverse("activations:evaluation", args=[activation.pk])
    page = client.get(url)
    assert "Blev de rigtige informationskanaler brugt?" in page.text
    assert "Indsend evalueringen" in page.text
    response = client.post(url, ANSWERS, follow=True)
    assert "Tak" in response.text
    assert "Beboerbrevet skal kunne sendes samme aften." in response.text
    assert Evaluation.objects.get().state == "done"


def test_the_page_shows_danish_errors(client, crisis):
    activation = closed(crisis)
    client.force_login(crisis.coordinator_user)
    response = client.post(reverse("activations:evaluation", args=[activation.pk]), ANSWERS | {"notes": "010190-1234"})
    assert response.status_code == 200
    assert "ud til at indeholde et CPR-nummer" in response.text
    assert Evaluation.objects.get().state == "requested"


def test_a_reader_who_is_not_a_fixed_member_reads_but_cannot_submit(client, crisis):
    activation = closed(crisis)
    client.force_login(crisis.substitute_user)
    url = reverse("activations:evaluation", args=[activation.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Indsend evalueringen" not in page.text
    assert client.post(url, ANSWERS).status_code == 403
    assert Evaluation.objects.get().state == "requested"


def test_a_stranger_gets_404(client, crisis):
    activation = closed(crisis)
    client.force_login(factories.user())
    assert client.get(reverse("activations:evaluation", args=[activation.pk])).status_code == 404
    assert client.get(reverse("activations:plan_evaluations", args=[crisis.plan.pk])).status_code == 404


def test_overdue_is_flagged_on_the_activation_list_and_page(client, crisis):
    activation = closed(crisis)
    make_overdue(activation.evaluation)
    client.force_login(crisis.coordinator_user)
    assert "Evaluering overskredet" in client.get(reverse("activations:list")).text
    assert "Evaluering overskredet" in client.get(reverse("activations:detail", args=[activation.pk])).text
    assert "Evaluering overskredet" in client.get(reverse("activations:evaluation", args=[activation.pk])).text


def test_evaluations_are_listed_per_plan_from_the_plan_page(client, crisis, django_assert_max_num_queries):
    done = closed(crisis)
    services.evaluation_submit(actor=crisis.coordinator_user, evaluation=done.evaluation, **ANSWERS)
    late = closed(crisis, level="yellow")
    make_overdue(late.evaluation)
    for _ in range(3):
        closed(crisis)
    other_plan = factories.plan(name="Anden plan")
    other_user = factories.user()
    factories.member(plan=other_plan, name="Anden Tovholder", login=other_user, is_coordinator=True)
    client.force_login(crisis.coordinator_user)
    plan_page = client.get(reverse("plans:detail", args=[crisis.plan.pk]))
    url = reverse("activations:plan_evaluations", args=[crisis.plan.pk])
    assert url in plan_page.text
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.text.count(reverse("activations:evaluation", args=[late.pk])) == 1
    assert page.text.count("Overskredet") == 1
    assert "Færdig" in page.text and "Delvist" in page.text
    rows = page.context["evaluations"]
    assert len(rows) == 5 and rows[-1].state == "done"
