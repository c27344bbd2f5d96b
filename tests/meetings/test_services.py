"""Meetings, records, decisions and actions through the services, against the real database."""

import datetime
import email
import email.policy

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boligsocial.activations.models import TimelineEntry
from boligsocial.activations.selectors import activation_is_overdue
from boligsocial.core.workdays import COPENHAGEN
from boligsocial.meetings import selectors, services
from boligsocial.meetings.ics import meeting_uid
from boligsocial.meetings.models import (
    Action,
    ActionStatus,
    Decision,
    Meeting,
    MeetingState,
    Participant,
    ParticipantKind,
)
from boligsocial.notifications.models import Channel, Notification
from boligsocial.notifications.services import notification_deliver

from .conftest import soon

pytestmark = pytest.mark.django_db

CPR_TEXT = "Beboeren 010190-1234 var til stede"


def schedule(group, **extra):
    data = {
        "actor": group.coordinator_user,
        "activation": group.activation,
        "starts_at": soon(),
        "place": "Rådhuset, mødelokale 2",
    } | extra
    return services.meeting_schedule(**data)


def invitations(meeting, *, channel=Channel.EMAIL, round=None):
    rows = Notification.objects.filter(
        source_type=ContentType.objects.get_for_model(Meeting), source_id=meeting.pk, channel=channel
    ).select_related("recipient")
    if round is not None:
        rows = rows.filter(round=round)
    return list(rows.order_by("recipient__name"))


def parse(notification) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(notification.calendar)
    [event] = calendar.events
    event.method = str(calendar["method"])
    event.timezones = [tz.tz_name for tz in calendar.timezones]
    return event


def kinds(activation) -> list[str]:
    return list(TimelineEntry.objects.filter(activation=activation).values_list("kind", flat=True))


def messages(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


# --- Scheduling and who may -------------------------------------------------------------------------------


def test_coordinator_schedules_and_every_fixed_member_and_invited_person_is_invited(group):
    meeting = schedule(group, invited=[group.staff, group.fire_officer], adhoc_resources=[group.fire_pool])

    participants = {(p.kind, p.name) for p in meeting.participants.all()}
    assert participants == {
        (ParticipantKind.MEMBER, "Louise Tovholder"),
        (ParticipantKind.MEMBER, "Lasse Politi"),
        (ParticipantKind.MEMBER, "Uden Kanal"),
        (ParticipantKind.INVITED, "Sofie Medarbejder"),
        (ParticipantKind.INVITED, "Bo Brand"),
        (ParticipantKind.ADHOC, "Brandvæsenet"),
    }
    emailed = [n.recipient.name for n in invitations(meeting)]
    assert emailed == ["Bo Brand", "Lasse Politi", "Louise Tovholder", "Sofie Medarbejder"]
    # Every email carries the .ics; SMS and in-app rows carry none but the same short text.
    assert all(n.calendar.startswith("BEGIN:VCALENDAR") for n in invitations(meeting))
    sms = invitations(meeting, channel=Channel.SMS)
    assert sms and all(n.calendar == "" for n in sms)
    assert sms[0].subject.startswith("Indkaldelse: Beredskabsmøde: Rød – ")
    assert "Rådhuset, mødelokale 2" in sms[0].body
    assert "Skud affyret" not in sms[0].body  # the incident's details stay behind sign-in
    assert invitations(meeting, channel=Channel.INAPP)
    [row] = TimelineEntry.objects.filter(activation=group.activation, kind="meeting_scheduled")
    assert "5 personer inviteret" in row.text
    assert "Ingen telefon eller e-mail for: Uden Kanal" in row.text


def test_any_fixed_member_may_schedule(group):
    meeting = schedule(group, actor=group.police_user)
    assert meeting.scheduled_by == group.police_user


@pytest.mark.parametrize("who", ["substitute_user", "outsider_user"])
def test_substitute_and_outsider_may_not_schedule(group, who):
    with pytest.raises(PermissionDenied, match="Kun planens faste medlemmer"):
        schedule(group, actor=getattr(group, who))
    assert not Meeting.objects.exists()
    assert not Notification.objects.filter(source_type=ContentType.objects.get_for_model(Meeting)).exists()


def test_a_meeting_in_the_past_is_refused_in_danish_and_nothing_is_saved(group):
    with pytest.raises(ValidationError) as refused:
        schedule(group, starts_at=timezone.now() - datetime.timedelta(hours=1))
    assert messages(refused.value) == {"starts_at": "Mødet kan ikke indkaldes til et tidspunkt i fortiden."}
    assert not Meeting.objects.exists()
    assert "meeting_scheduled" not in kinds(group.activation)


def test_place_or_link_and_end_after_start_are_required(group):
    with pytest.raises(ValidationError) as refused:
        schedule(group, place="", ends_at=soon() - datetime.timedelta(minutes=30))
    assert messages(refused.value) == {
        "place": "Angiv et sted eller et videolink.",
        "ends_at": "Mødet skal slutte, efter det er begyndt.",
    }
    meeting = schedule(group, place="", video_link="https://video.bs.example/rum/22")
    assert meeting.video_link == "https://video.bs.example/rum/22"


def test_only_people_around_the_plan_can_be_invited(group):
    with pytest.raises(ValidationError) as refused:
        schedule(group, invited=[group.stranger])
    assert "Ukendt Person kan ikke inviteres" in messages(refused.value)["invited"]
    assert not Meeting.objects.exists()


def test_no_new_meeting_in_a_closed_activation(group):
    from boligsocial.activations import flows

    flows.activation_close(actor=group.coordinator_user, activation=group.activation, summary="Roligt igen")
    with pytest.raises(ValidationError) as refused:
        schedule(group)
    assert "afsluttet" in messages(refused.value)["activation"]


def test_cpr_in_the_place_is_refused(group):
    with pytest.raises(ValidationError) as refused:
        schedule(group, place="Hos 010190-1234")
    assert "CPR-nummer" in messages(refused.value)["place"]


# --- The .ics ---------------------------------------------------------------------------------------------


def test_the_invitation_ics_is_a_request_in_copenhagen_time_for_its_recipient(group):
    starts = soon(5)
    meeting = schedule(group, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=90))
    louise = next(n for n in invitations(meeting) if n.recipient.name == "Louise Tovholder")

    event = parse(louise)

    assert event.method == "REQUEST"
    assert str(event["uid"]) == meeting_uid(meeting) == f"{meeting.uid}@boligsocial"
    assert event["sequence"] == 0
    assert event.start == starts and event.start.tzinfo.key == "Europe/Copenhagen"
    assert event.end == starts + datetime.timedelta(minutes=90)
    assert event.timezones == ["Europe/Copenhagen"]
    assert str(event["summary"]) == "Beredskabsmøde: Rød – Skyderi – " + group.area.name
    assert str(event["location"]) == "Rådhuset, mødelokale 2"
    assert str(event["url"]).endswith(f"/meetings/{meeting.pk}/")
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["attendee"]) == "mailto:a@bs.example"
    assert event["attendee"].params["CN"] == "Louise Tovholder"
    assert str(event["organizer"]).startswith("mailto:")
    assert "BEGIN:VTIMEZONE" in louise.calendar
    assert f"DTSTART;TZID=Europe/Copenhagen:{starts.astimezone(COPENHAGEN):%Y%m%dT%H%M%S}" in louise.calendar


def test_the_invitation_email_carries_the_ics_as_text_calendar(group):
    meeting = schedule(group)
    notification = invitations(meeting)[0]

    assert notification_deliver(notification_id=notification.pk) == "sent"

    [sent] = mail.outbox
    message = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    [event] = icalendar.Calendar.from_ical(part.get_content()).events
    assert str(event["uid"]) == meeting_uid(meeting)


def test_rescheduling_sends_an_update_with_the_same_uid_and_the_next_sequence(group):
    meeting = schedule(group)
    later = soon(26)

    services.meeting_reschedule(actor=group.police_user, meeting=meeting, starts_at=later, place="Politistationen")

    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.starts_at == later
    updates = invitations(meeting, round=1)
    assert [n.recipient.name for n in updates] == ["Lasse Politi", "Louise Tovholder"]
    event = parse(updates[0])
    assert event.method == "REQUEST"
    assert str(event["uid"]) == meeting_uid(meeting)
    assert event["sequence"] == 1
    assert event.start == later
    assert str(event["location"]) == "Politistationen"
    assert updates[0].subject.startswith("Ændret: ")
    # The first invitations are untouched: a new version is a new message.
    assert len(invitations(meeting, round=0)) == 2
    assert "meeting_rescheduled" in kinds(group.activation)


def test_rescheduling_into_the_past_is_refused(group):
    meeting = schedule(group)
    with pytest.raises(ValidationError) as refused:
        services.meeting_reschedule(
            actor=group.coordinator_user,
            meeting=meeting,
            starts_at=timezone.now() - datetime.timedelta(days=1),
            place="x",
        )
    assert "fortiden" in messages(refused.value)["starts_at"]
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_cancelling_sends_a_cancel_and_the_meeting_cannot_be_recorded(group):
    meeting = schedule(group)

    services.meeting_cancel(actor=group.coordinator_user, meeting=meeting, reason="Situationen er afklaret")

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.sequence == 1
    cancels = invitations(meeting, round=1)
    event = parse(cancels[0])
    assert event.method == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == meeting_uid(meeting)
    assert event["sequence"] == 1
    assert cancels[0].subject.startswith("Aflyst: ")
    with pytest.raises(ValidationError, match="aflyst"):
        services.meeting_record_held(actor=group.coordinator_user, meeting=meeting, situation="x")
    [row] = TimelineEntry.objects.filter(activation=group.activation, kind="meeting_cancelled")
    assert "Situationen er afklaret" in row.text


def test_inviting_more_sends_only_to_the_new_people(group):
    meeting = schedule(group)
    before = Notification.objects.count()

    services.meeting_invite(actor=group.coordinator_user, meeting=meeting, invited=[group.staff])

    new = Notification.objects.count() - before
    assert new == 2  # Sofie: email and SMS
    assert [n.recipient.name for n in invitations(meeting) if n.recipient == group.staff] == ["Sofie Medarbejder"]


# --- The meeting record -----------------------------------------------------------------------------------


def test_recording_the_meeting_as_held_clears_overdue_and_lands_on_the_timeline(group):
    meeting = schedule(group, invited=[group.staff], adhoc_resources=[group.fire_pool])
    activation = group.activation
    after_deadline = activation.meeting_deadline + datetime.timedelta(hours=1)
    assert activation_is_overdue(activation=activation, now=after_deadline)
    present = [p for p in meeting.participants.all() if p.name in ("Louise Tovholder", "Lasse Politi", "Brandvæsenet")]

    services.meeting_record_held(
        actor=group.police_user,
        meeting=meeting,
        situation="Rolig nat, politiet patruljerer",
        media="Lokalavisen skriver om skud i området",
        attended=present,
        decisions=["Politiet øger patruljeringen", "", "Beboerbrev omdeles i morgen"],
        now=meeting.starts_at + datetime.timedelta(minutes=30),
    )

    activation.refresh_from_db()
    meeting.refresh_from_db()
    assert activation.meeting_held_at == meeting.starts_at
    assert not activation_is_overdue(activation=activation, now=after_deadline)
    assert meeting.state == MeetingState.HELD
    assert meeting.record.situation == "Rolig nat, politiet patruljerer"
    assert meeting.record.media == "Lokalavisen skriver om skud i området"
    attendance = {p.name: p.attended for p in meeting.participants.all()}
    assert attendance == {
        "Louise Tovholder": True,
        "Lasse Politi": True,
        "Uden Kanal": False,
        "Sofie Medarbejder": False,
        "Brandvæsenet": True,
    }
    assert [d.text for d in meeting.decisions.all()] == ["Politiet øger patruljeringen", "Beboerbrev omdeles i morgen"]
    assert {d.way for d in meeting.decisions.all()} == {"meeting"}
    assert kinds(activation)[-3:] == ["meeting_held", "decision", "decision"]
    held = TimelineEntry.objects.get(activation=activation, kind="meeting_held")
    assert "3 af 5 inviterede deltog" in held.text
    assert held.data["within_deadline"] is True


def test_recording_again_updates_the_record_and_keeps_the_first_time(group):
    meeting = schedule(group)
    later = meeting.starts_at + datetime.timedelta(hours=1)
    services.meeting_record_held(actor=group.police_user, meeting=meeting, situation="Første billede", now=later)
    services.meeting_record_held(
        actor=group.police_user, meeting=meeting, situation="Rettet billede", decisions=["Ny beslutning"], now=later
    )
    meeting.refresh_from_db()
    assert meeting.record.situation == "Rettet billede"
    assert kinds(group.activation).count("meeting_held") == 1
    assert "meeting_record_updated" in kinds(group.activation)
    assert meeting.decisions.count() == 1


def test_a_meeting_cannot_be_recorded_before_it_starts(group):
    meeting = schedule(group)
    with pytest.raises(ValidationError) as refused:
        services.meeting_record_held(actor=group.coordinator_user, meeting=meeting, situation="Rolig")
    assert "ikke begyndt" in messages(refused.value)["starts_at"]
    group.activation.refresh_from_db()
    assert group.activation.meeting_held_at is None


def test_a_meeting_held_without_an_invitation_can_be_recorded_afterwards(group):
    earlier = timezone.now() - datetime.timedelta(hours=3)
    meeting = services.meeting_record_unscheduled(
        actor=group.coordinator_user,
        activation=group.activation,
        starts_at=earlier,
        place="Telefonmøde",
        attended=[group.police.person, group.coordinator.person],
        situation="Kort telefonmøde",
    )
    group.activation.refresh_from_db()
    assert group.activation.meeting_held_at == earlier
    assert sorted(p.name for p in meeting.participants.all() if p.attended) == ["Lasse Politi", "Louise Tovholder"]
    # Nobody is sent an invitation to a meeting that is over.
    assert invitations(meeting) == []


def test_substitute_may_not_record_and_cpr_in_the_record_is_refused(group):
    meeting = schedule(group)
    after = meeting.starts_at + datetime.timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        services.meeting_record_held(actor=group.substitute_user, meeting=meeting, situation="x", now=after)
    with pytest.raises(ValidationError) as refused:
        services.meeting_record_held(
            actor=group.coordinator_user,
            meeting=meeting,
            situation=CPR_TEXT,
            media=CPR_TEXT,
            decisions=[CPR_TEXT],
            now=after,
        )
    assert set(messages(refused.value)) == {"situation", "media", "decisions"}
    assert "CPR-nummer (010190-****)" in messages(refused.value)["situation"]
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED
    assert not Decision.objects.exists()


# --- Decisions without a meeting --------------------------------------------------------------------------


def test_a_decision_by_phone_records_who_agreed(group):
    decision = services.decision_record(
        actor=group.coordinator_user,
        activation=group.activation,
        text="Vi informerer beboerne i blok 22 i aften",
        way="phone",
        agreed_by=[group.police.person, group.coordinator.person],
    )
    assert decision.meeting is None and decision.way == "phone"
    assert sorted(p.name for p in decision.agreed_by.all()) == ["Lasse Politi", "Louise Tovholder"]
    [row] = TimelineEntry.objects.filter(activation=group.activation, kind="decision")
    assert row.text == (
        "Beslutning aftalt pr. telefon af Lasse Politi, Louise Tovholder: Vi informerer beboerne i blok 22 i aften"
    )


def test_a_decision_without_a_meeting_needs_members_who_agreed(group):
    with pytest.raises(ValidationError) as refused:
        services.decision_record(actor=group.coordinator_user, activation=group.activation, text="X", way="mail")
    assert messages(refused.value) == {"agreed_by": "Vælg de medlemmer, der var enige i beslutningen."}
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            actor=group.coordinator_user, activation=group.activation, text="X", agreed_by=[group.stranger]
        )
    assert "Ukendt Person er ikke medlem" in messages(refused.value)["agreed_by"]
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            actor=group.coordinator_user,
            activation=group.activation,
            text=CPR_TEXT,
            way="meeting",
            agreed_by=[group.police.person],
        )
    assert set(messages(refused.value)) == {"text", "way"}
    assert not Decision.objects.exists()


def test_a_substitute_who_agreed_counts_but_may_not_record(group):
    decision = services.decision_record(
        actor=group.police_user, activation=group.activation, text="Ok", agreed_by=[group.substitute.person]
    )
    assert list(decision.agreed_by.all()) == [group.substitute.person]
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=group.substitute_user, activation=group.activation, text="Ok", agreed_by=[group.police.person]
        )


# --- Actions ----------------------------------------------------------------------------------------------


def test_an_action_without_owner_is_refused_in_danish(group):
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            actor=group.coordinator_user, activation=group.activation, title="Beboerbrev", deadline=soon()
        )
    assert messages(refused.value) == {
        "owner": "Vælg hvem der er ansvarlig for handlingen: et medlem af planen, en medarbejder eller en organisation."
    }
    assert not Action.objects.exists()


def test_an_action_has_exactly_one_owner_of_the_right_kind(group):
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            actor=group.coordinator_user,
            activation=group.activation,
            title="Beboerbrev",
            deadline=soon(),
            owner_member=group.police.person,
            owner_organisation=group.fire,
        )
    assert "præcis én ansvarlig" in messages(refused.value)["owner"]
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            actor=group.coordinator_user,
            activation=group.activation,
            title="Beboerbrev",
            deadline=soon(),
            owner_staff=group.police.person,
        )
    assert messages(refused.value) == {"owner_staff": "Lasse Politi er ikke boligsocial medarbejder i planen."}
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            actor=group.coordinator_user,
            activation=group.activation,
            title="Beboerbrev",
            deadline=soon(),
            owner_member=group.staff,
        )
    assert messages(refused.value) == {"owner_member": "Sofie Medarbejder er ikke medlem af planen."}
    made = [
        services.action_create(
            actor=group.coordinator_user, activation=group.activation, title=title, deadline=soon(), **owner
        )
        for title, owner in (
            ("Patruljering", {"owner_member": group.police.person}),
            ("Opsøgende arbejde", {"owner_staff": group.staff}),
            ("Brandvagt", {"owner_organisation": group.fire}),
        )
    ]
    assert [(a.owner_kind, str(a.owner)) for a in made] == [
        ("member", "Lasse Politi"),
        ("staff", "Sofie Medarbejder"),
        ("organisation", "Sydøstjyllands Brandvæsen"),
    ]
    rows = TimelineEntry.objects.filter(activation=group.activation, kind="action_created")
    assert "Handling: Opsøgende arbejde – ansvarlig Sofie Medarbejder, frist " in rows[1].text


def test_the_database_refuses_an_action_without_owner(group):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(plan=group.plan, activation=group.activation, title="x", deadline=soon())


def test_overdue_actions_are_flagged_until_done_or_dropped(group):
    past = timezone.now() - datetime.timedelta(hours=2)
    late = services.action_create(
        actor=group.coordinator_user,
        activation=group.activation,
        title="Beboerbrev",
        deadline=past,
        owner_staff=group.staff,
    )
    on_time = services.action_create(
        actor=group.coordinator_user,
        activation=group.activation,
        title="Patruljering",
        deadline=soon(),
        owner_member=group.police.person,
    )
    assert late.is_overdue and not on_time.is_overdue
    assert selectors.action_is_overdue(action=late)
    assert list(selectors.action_list_overdue_for_user(user=group.coordinator_user)) == [late]
    assert list(selectors.action_list_overdue_for_user(user=group.outsider_user)) == []
    follow_up = selectors.activation_follow_up(user=group.coordinator_user, activation=group.activation)
    assert follow_up.overdue_actions == [late]

    services.action_update(actor=group.police_user, action=late, status=ActionStatus.IN_PROGRESS)
    assert Action.objects.get(pk=late.pk).is_overdue
    services.action_update(actor=group.police_user, action=late, status=ActionStatus.DONE)
    late.refresh_from_db()
    assert not late.is_overdue and late.finished_at is not None
    assert list(selectors.action_list_overdue_for_user(user=group.coordinator_user)) == []
    updates = TimelineEntry.objects.filter(activation=group.activation, kind="action_updated")
    assert [u.text for u in updates] == [
        "Handling Beboerbrev: status Åben → I gang.",
        "Handling Beboerbrev: status I gang → Udført.",
    ]


def test_changing_the_owner_replaces_it(group):
    action = services.action_create(
        actor=group.coordinator_user,
        activation=group.activation,
        title="Beboerbrev",
        deadline=soon(),
        owner_staff=group.staff,
    )
    services.action_update(actor=group.coordinator_user, action=action, owner_organisation=group.fire)
    action.refresh_from_db()
    assert (action.owner_staff, action.owner_organisation) == (None, group.fire)
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=group.coordinator_user, action=action, owner_organisation=None)
    assert "owner" in messages(refused.value)


def test_actions_from_a_decision_and_cpr_in_action_texts(group):
    decision = services.decision_record(
        actor=group.coordinator_user, activation=group.activation, text="Beboerbrev", agreed_by=[group.police.person]
    )
    action = services.action_create(
        actor=group.coordinator_user, decision=decision, title="Skriv brevet", deadline=soon(), owner_staff=group.staff
    )
    assert (action.activation, action.plan, action.decision) == (group.activation, group.plan, decision)
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            actor=group.coordinator_user,
            activation=group.activation,
            title=CPR_TEXT,
            notes=CPR_TEXT,
            deadline=soon(),
            owner_staff=group.staff,
        )
    assert set(messages(refused.value)) == {"title", "notes"}
    with pytest.raises(ValidationError) as refused:
        services.action_update(actor=group.coordinator_user, action=action, notes=CPR_TEXT)
    assert set(messages(refused.value)) == {"notes"}


@pytest.mark.parametrize("who", ["substitute_user", "outsider_user"])
def test_substitute_and_outsider_may_not_manage_actions(group, who):
    action = services.action_create(
        actor=group.coordinator_user,
        activation=group.activation,
        title="Beboerbrev",
        deadline=soon(),
        owner_staff=group.staff,
    )
    with pytest.raises(PermissionDenied):
        services.action_create(
            actor=getattr(group, who), activation=group.activation, title="x", deadline=soon(), owner_staff=group.staff
        )
    with pytest.raises(PermissionDenied):
        services.action_update(actor=getattr(group, who), action=action, status="done")


def test_preventive_meetings_reuse_the_models_without_an_activation(group):
    meeting = services.meeting_schedule(
        actor=group.coordinator_user, plan=group.plan, starts_at=soon(48), place="Fælleshuset"
    )
    assert meeting.activation is None
    assert parse(invitations(meeting)[0])["summary"] == f"Beredskabsmøde: {group.plan.name}"
    action = services.action_create(
        actor=group.coordinator_user,
        plan=group.plan,
        title="Tjek kontaktliste",
        deadline=soon(),
        owner_staff=group.staff,
    )
    assert action.activation is None
    assert not TimelineEntry.objects.filter(kind__in=["meeting_scheduled", "action_created"]).exists()
    assert Participant.objects.filter(meeting=meeting).count() == 3
