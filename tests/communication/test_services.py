import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from boligsocial.activations import flows
from boligsocial.activations.models import TimelineEntry
from boligsocial.communication import selectors, services
from boligsocial.communication.models import CommunicationEntry, OutreachReport, OutreachTask
from boligsocial.core.models import AuditEntry
from boligsocial.notifications.models import Notification
from boligsocial.plans.models import OutreachGroup
from tests import factories

pytestmark = pytest.mark.django_db

# Fictitious: a real date, shaped like a CPR number.
CPR = "010190-1234"


def _entry(outreach, *, actor=None, **fields):
    data = {
        "audience": "residents",
        "channel": "letter",
        "sender": "Louise Tovholder",
        "text": "Kære beboer. Politiet er til stede i området.",
    } | fields
    return services.communication_entry_create(
        actor=actor or outreach.coordinator_user, activation=outreach.activation, **data
    )


def _timeline_kinds(activation):
    return list(TimelineEntry.objects.filter(activation=activation).values_list("kind", flat=True))


# --- The police statement and the confirmation ---------------------------------------------------------


@pytest.mark.parametrize("audience", ["residents", "partners"])
def test_publishing_before_the_police_statement_is_refused_without_confirmation(outreach, audience):
    before = _timeline_kinds(outreach.activation)
    with pytest.raises(ValidationError) as refused:
        _entry(outreach, audience=audience)
    message = refused.value.message_dict["confirm_without_police_statement"][0]
    assert message.startswith("Der er endnu ingen udtalelse fra politiet. Vil du alligevel")
    assert not CommunicationEntry.objects.exists()
    assert _timeline_kinds(outreach.activation) == before


def test_confirmation_is_recorded_on_the_entry_and_the_timeline(outreach):
    entry = _entry(outreach, confirm_without_police_statement=True)
    assert entry.confirmed_without_police_statement is True
    rows = TimelineEntry.objects.filter(activation=outreach.activation).order_by("-id")[:2]
    confirmed, recorded = rows[1], rows[0]
    assert confirmed.kind == "published_before_police_statement"
    assert confirmed.text == "Bekræftede at sende til beboere, før der forelå en udtalelse fra politiet."
    assert confirmed.actor == outreach.coordinator_user and confirmed.data == {"entry": entry.pk}
    assert recorded.kind == "communication"
    assert recorded.text == "Kommunikation til beboere (Brev) fra Louise Tovholder."
    assert AuditEntry.objects.filter(action="communication.entry_create", target_id=entry.pk).exists()


def test_after_the_police_statement_residents_need_no_confirmation(outreach):
    statement = _entry(
        outreach,
        actor=outreach.police_user,
        kind="police_statement",
        audience="press",
        channel="press_release",
        sender="Østjyllands Politi",
        text="Politiet efterforsker et skyderi ved blok 22. Der er ingen fare for beboerne.",
    )
    timeline = TimelineEntry.objects.filter(activation=outreach.activation).last()
    assert timeline.kind == "police_statement"
    assert timeline.text == "Politiets udtalelse registreret (Pressemeddelelse, Østjyllands Politi)."
    letter = _entry(outreach)
    assert letter.confirmed_without_police_statement is False
    assert "published_before_police_statement" not in _timeline_kinds(outreach.activation)
    assert selectors.police_statement_latest(activation=outreach.activation) == statement


@pytest.mark.parametrize("audience", ["press", "boards", "operations"])
def test_other_audiences_need_no_police_statement(outreach, audience):
    entry = _entry(outreach, audience=audience, channel="email")
    assert entry.confirmed_without_police_statement is False


def test_a_confirmation_that_was_not_needed_is_not_recorded(outreach):
    entry = _entry(outreach, audience="press", confirm_without_police_statement=True)
    assert entry.confirmed_without_police_statement is False


# --- Who writes to the log -----------------------------------------------------------------------------


def test_fixed_members_and_the_coordinator_write_to_the_log(outreach):
    assert _entry(outreach, actor=outreach.police_user, audience="press").recorded_by == outreach.police_user
    assert _entry(outreach, actor=outreach.coordinator_user, audience="press").recorded_by == outreach.coordinator_user


@pytest.mark.parametrize("who", ["substitute", "admin", "staff", "stranger"])
def test_nobody_else_writes_to_the_log(outreach, who):
    actor = {
        "substitute": outreach.substitute_user,
        "admin": factories.user(is_staff=True),
        "staff": outreach.staff_user,
        "stranger": factories.user(),
    }[who]
    with pytest.raises(PermissionDenied):
        _entry(outreach, actor=actor, audience="press")
    assert not CommunicationEntry.objects.exists()


def test_bad_entries_are_refused_in_danish_naming_the_field(outreach):
    with pytest.raises(ValidationError) as refused:
        _entry(
            outreach,
            audience="press",
            channel="other",
            sender=" ",
            text=f"Beboer med CPR {CPR} er anholdt",
            sent_at=timezone.now() + datetime.timedelta(hours=2),
        )
    errors = refused.value.message_dict
    assert "CPR-nummer" in errors["text"][0]
    assert errors["sender"] == ["Skriv, hvem der sendte det."]
    assert errors["channel_other"] == ["Skriv, hvilken kanal der blev brugt."]
    assert errors["sent_at"] == ["Tidspunktet kan ikke ligge i fremtiden."]
    with pytest.raises(ValidationError) as refused:
        _entry(outreach, audience="the mayor")
    assert "audience" in refused.value.message_dict
    assert not CommunicationEntry.objects.exists()


def test_sender_suggestion_follows_the_plans_communication_roles(outreach):
    plan = outreach.plan
    assert selectors.sender_suggest(plan=plan, audience="residents").startswith("Louise Tovholder (")
    assert selectors.sender_suggest(plan=plan, audience="press").startswith("Lasse Politi (Østjyllands Politi)")
    statement = selectors.sender_suggest(plan=plan, audience="residents", kind="police_statement")
    assert statement == "Lasse Politi (Østjyllands Politi)"
    assert selectors.sender_suggest(plan=plan, audience="operations") == ""


# --- Templates -----------------------------------------------------------------------------------------


def test_default_templates_are_filled_with_the_activation(outreach):
    letter = selectors.template_filled(activation=outreach.activation, kind="resident_letter")
    area = outreach.area.name
    assert letter.startswith(
        "Kære beboer\n\nDen 1. april 2026 skete der en alvorlig hændelse i " + area + " (skyderi)."
    )
    assert "(niveau rød)" in letter
    assert "Politiet oplyser: [politiets udtalelse, når den foreligger]" in letter
    assert "{" not in letter
    press = selectors.template_filled(activation=outreach.activation, kind="press_line")
    assert press.startswith(f"Det boligsociale beredskab for {area} er aktiveret på niveau rød")
    assert "politiet, der udtaler sig til medierne" in press


def test_the_letter_carries_the_latest_police_statement(outreach):
    _entry(
        outreach,
        actor=outreach.police_user,
        kind="police_statement",
        audience="press",
        channel="press_release",
        text="Politiet har afspærret området omkring blok 22.",
    )
    letter = selectors.template_filled(activation=outreach.activation, kind="resident_letter")
    assert "Politiet oplyser: Politiet har afspærret området omkring blok 22." in letter


def test_the_coordinator_edits_a_plans_template_and_can_go_back_to_the_default(outreach):
    services.communication_template_save(
        actor=outreach.coordinator_user,
        plan=outreach.plan,
        kind="press_line",
        text="Beredskab {niveau} i {område} efter {hændelsestype} {dato}. {ukendt_er_ok_uden_braces",
    )
    press = selectors.template_filled(activation=outreach.activation, kind="press_line")
    assert press == f"Beredskab rød i {outreach.area.name} efter skyderi 1. april 2026. {{ukendt_er_ok_uden_braces"
    assert [t.is_default for t in selectors.template_list(plan=outreach.plan)] == [True, False]
    assert services.communication_template_reset(actor=outreach.coordinator_user, plan=outreach.plan, kind="press_line")
    assert all(t.is_default for t in selectors.template_list(plan=outreach.plan))


def test_template_refusals(outreach):
    with pytest.raises(ValidationError) as refused:
        services.communication_template_save(
            actor=outreach.coordinator_user, plan=outreach.plan, kind="press_line", text="Niveau {nivaeu} i {omrade}"
        )
    assert refused.value.message_dict["text"][0].startswith("Ukendt pladsholder: {nivaeu}, {omrade}. Brug {niveau}")
    with pytest.raises(PermissionDenied):
        services.communication_template_save(
            actor=outreach.police_user, plan=outreach.plan, kind="press_line", text="Tekst"
        )


# --- Outreach tasks ------------------------------------------------------------------------------------


def _assign(outreach, *, actor=None, staff=None, groups=None, description="Ring til varmemestrene i aften."):
    return services.outreach_task_assign(
        actor=actor or outreach.coordinator_user,
        activation=outreach.activation,
        staff=staff or outreach.staff,
        groups=outreach.groups[:2] if groups is None else groups,
        description=description,
    )


def test_assigning_notifies_the_staff_member_through_the_outbox_with_a_link_only(outreach):
    task = _assign(outreach)
    rows = Notification.objects.filter(
        source_type=ContentType.objects.get_for_model(OutreachTask), source_id=task.pk
    ).order_by("channel")
    assert {r.channel for r in rows} == {"email", "sms", "inapp"}
    assert {r.recipient for r in rows} == {outreach.staff}
    for row in rows:
        assert row.link.endswith(reverse("communication:task", args=[task.pk]))
        assert row.subject.startswith("Opsøgende opgave i beredskabet: RØD – Skyderi – ")
        assert "varmemestrene" not in row.body and "blok 22" not in row.body
        assert row.round == 1
    timeline = TimelineEntry.objects.filter(activation=outreach.activation, kind="outreach_assigned").get()
    assert timeline.text == "Opsøgende opgave givet til Oskar Medarbejder: Varmemestre, Fædregruppe."
    assert [t.name for t in task.targets.all()] == ["Varmemestre", "Fædregruppe"]


@pytest.mark.parametrize("who", ["police", "substitute", "staff"])
def test_only_the_coordinator_or_an_admin_assigns(outreach, who):
    actor = {"police": outreach.police_user, "substitute": outreach.substitute_user, "staff": outreach.staff_user}[who]
    with pytest.raises(PermissionDenied):
        _assign(outreach, actor=actor)
    admin_task = _assign(outreach, actor=factories.user(is_staff=True))
    assert OutreachTask.objects.get() == admin_task


def test_bad_assignments_are_refused_and_nothing_is_saved(outreach):
    other_plan_group = OutreachGroup.objects.create(plan=factories.plan(name="Anden plan"), name="Fremmede")
    with pytest.raises(ValidationError) as refused:
        _assign(outreach, groups=[other_plan_group], description=f"Kontakt {CPR}")
    errors = refused.value.message_dict
    assert errors["groups"] == ["Vælg målgrupper fra denne aktiverings plan."]
    assert "CPR-nummer" in errors["description"][0]
    with pytest.raises(ValidationError) as refused:
        _assign(outreach, groups=[], description=" ")
    assert refused.value.message_dict == {
        "groups": ["Vælg mindst én af planens målgrupper."],
        "description": ["Beskriv opgaven."],
    }
    no_login = factories.member(plan=factories.plan(name="Tredje plan"), name="Uden Login").person
    with pytest.raises(ValidationError) as refused:
        _assign(outreach, staff=no_login)
    assert refused.value.message_dict["staff"][0].startswith("Uden Login har intet login")
    assert not OutreachTask.objects.exists() and not Notification.objects.filter(recipient=outreach.staff).exists()
    _assign(outreach)
    with pytest.raises(ValidationError) as refused:
        _assign(outreach)
    assert "har allerede en opgave" in refused.value.message_dict["staff"][0]


def test_no_new_tasks_once_the_activation_is_closed(outreach):
    flows.activation_close(actor=outreach.police_user, activation=outreach.activation, summary="Roligt igen")
    with pytest.raises(ValidationError) as refused:
        _assign(outreach)
    assert refused.value.messages == ["Aktiveringen er afsluttet."]


def test_changing_a_task_notifies_again_and_keeps_reported_counts(outreach):
    task = _assign(outreach)
    first_target = task.targets.get(name="Varmemestre")
    services.outreach_report_add(actor=outreach.staff_user, task=task, counts={first_target.pk: 4})
    services.outreach_task_update(
        actor=outreach.coordinator_user,
        task=task,
        groups=[outreach.groups[2]],
        description="Tag kontakt til de unge i Blok 22.",
    )
    task.refresh_from_db()
    assert task.revision == 2
    # Varmemestre has a reported count and stays; Fædregruppe had none and goes; Unge i Blok 22 is added.
    assert sorted(t.name for t in task.targets.all()) == ["Unge i Blok 22", "Varmemestre"]
    rounds = set(Notification.objects.filter(recipient=outreach.staff).values_list("round", flat=True))
    assert rounds == {1, 2}
    assert (
        Notification.objects.filter(recipient=outreach.staff, round=2)
        .first()
        .subject.startswith("Din opsøgende opgave er ændret")
    )
    assert "outreach_changed" in _timeline_kinds(outreach.activation)


# --- Reports -------------------------------------------------------------------------------------------


def test_the_staff_member_reports_counts_per_target_group(outreach):
    task = _assign(outreach)
    caretakers, fathers = task.targets.all()
    services.outreach_report_add(
        actor=outreach.staff_user, task=task, counts={caretakers.pk: 3, fathers.pk: 0}, note="Stemningen er rolig."
    )
    services.outreach_report_add(
        actor=outreach.staff_user, task=task, counts={caretakers.pk: 2, fathers.pk: 5}, done=True
    )
    task = selectors.outreach_task_get_for_user(user=outreach.staff_user, task_id=task.pk)
    assert [(t.name, t.total) for t in task.targets.all()] == [("Varmemestre", 5), ("Fædregruppe", 5)]
    assert task.total == 10 and task.done_at is not None
    texts = list(
        TimelineEntry.objects.filter(activation=outreach.activation, kind="outreach_reported").values_list(
            "text", flat=True
        )
    )
    assert texts == [
        "Oskar Medarbejder meldte 3 kontakter tilbage (Varmemestre: 3).",
        "Oskar Medarbejder meldte 7 kontakter tilbage (Varmemestre: 2, Fædregruppe: 5). Opgaven er løst.",
    ]
    assert selectors.activation_summary(user=outreach.coordinator_user, activation=outreach.activation).contacts == 10


@pytest.mark.parametrize("who", ["coordinator", "other_staff", "admin"])
def test_only_the_assigned_staff_member_reports(outreach, who):
    task = _assign(outreach)
    actor = {
        "coordinator": outreach.coordinator_user,
        "other_staff": outreach.other_staff_user,
        "admin": factories.user(is_staff=True),
    }[who]
    with pytest.raises(PermissionDenied):
        services.outreach_report_add(actor=actor, task=task, counts={task.targets.first().pk: 1})
    assert not OutreachReport.objects.exists()


def test_bad_reports_are_refused(outreach):
    task = _assign(outreach)
    other = _assign(outreach, staff=outreach.other_staff)
    target = task.targets.first()
    with pytest.raises(ValidationError) as refused:
        services.outreach_report_add(
            actor=outreach.staff_user, task=task, counts={target.pk: 2}, note=f"Talte med {CPR.replace('-', '')}"
        )
    assert "CPR-nummer" in refused.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as refused:
        services.outreach_report_add(actor=outreach.staff_user, task=task, counts={other.targets.first().pk: 2})
    assert refused.value.message_dict["counts"] == ["Meld kun tilbage på målgrupperne i din opgave."]
    with pytest.raises(ValidationError) as refused:
        services.outreach_report_add(actor=outreach.staff_user, task=task, counts={target.pk: -1})
    assert refused.value.message_dict[f"count_{target.pk}"] == ["Angiv et helt tal på 0 eller mere."]
    with pytest.raises(ValidationError) as refused:
        services.outreach_report_add(actor=outreach.staff_user, task=task, counts={target.pk: None})
    assert "Angiv antallet af kontakter" in refused.value.message_dict["counts"][0]
    assert not OutreachReport.objects.exists()


def test_staff_see_only_their_own_tasks(outreach):
    mine = _assign(outreach)
    theirs = _assign(outreach, staff=outreach.other_staff)
    assert selectors.outreach_tasks_for_staff(user=outreach.staff_user) == [mine]
    assert selectors.outreach_tasks_for_staff(user=outreach.other_staff_user) == [theirs]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.outreach_task_get_for_user(user=outreach.staff_user, task_id=theirs.pk)
    # Members of the plan may read every task of the activation, but not report on it.
    assert selectors.outreach_task_get_for_user(user=outreach.police_user, task_id=theirs.pk) == theirs
    with pytest.raises(PermissionDenied):
        selectors.outreach_task_get_for_staff(user=outreach.police_user, task_id=theirs.pk)
