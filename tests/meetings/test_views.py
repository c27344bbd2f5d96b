"""Meeting, decision and action pages: Danish texts, permissions, phone-sized forms and query counts."""

import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boligsocial.meetings import services
from boligsocial.meetings.models import Action, Decision, Meeting, MeetingState

from .conftest import soon

pytestmark = pytest.mark.django_db


def local(at: datetime.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def fill(group, *, meetings=1, decisions=1, actions=1):
    """Meetings, phone decisions and actions (the first action overdue) in the group's activation."""
    for i in range(meetings):
        services.meeting_schedule(
            actor=group.coordinator_user, activation=group.activation, starts_at=soon(2 + i), place=f"Lokale {i}"
        )
    for i in range(decisions):
        services.decision_record(
            actor=group.coordinator_user,
            activation=group.activation,
            text=f"Beslutning {i}",
            agreed_by=[group.police.person, group.coordinator.person],
        )
    for i in range(actions):
        owner = [
            {"owner_member": group.police.person},
            {"owner_staff": group.staff},
            {"owner_organisation": group.fire},
        ][i % 3]
        deadline = timezone.now() - datetime.timedelta(hours=1) if i == 0 else soon(10 + i)
        services.action_create(
            actor=group.coordinator_user, activation=group.activation, title=f"Handling {i}", deadline=deadline, **owner
        )


def test_the_activation_page_has_the_section_with_links_and_overdue_flags(client, group):
    fill(group)
    client.force_login(group.coordinator_user)

    page = client.get(reverse("activations:detail", args=[group.activation.pk])).text

    assert "Møde, beslutninger og handlinger" in page
    assert reverse("meetings:schedule", args=[group.activation.pk]) in page
    assert reverse("meetings:decision_new", args=[group.activation.pk]) in page
    assert reverse("meetings:action_new", args=[group.activation.pk]) in page
    assert "Lokale 0" in page and "Indkaldt" in page
    assert "Beslutning 0" in page and "Lasse Politi, Louise Tovholder" in page
    assert "Handling 0" in page and "Overskredet" in page and "1 overskredet" in page


def test_a_reader_who_is_not_a_fixed_member_sees_the_lists_but_no_buttons(client, group):
    fill(group)
    client.force_login(group.substitute_user)
    page = client.get(reverse("activations:detail", args=[group.activation.pk])).text
    assert "Handling 0" in page
    assert reverse("meetings:schedule", args=[group.activation.pk]) not in page
    assert client.get(reverse("meetings:schedule", args=[group.activation.pk])).status_code == 403
    assert client.get(reverse("meetings:action_new", args=[group.activation.pk])).status_code == 403


def test_an_outsider_gets_404_everywhere(client, group):
    fill(group)
    client.force_login(group.outsider_user)
    meeting = Meeting.objects.get()
    for url in (
        reverse("meetings:activation", args=[group.activation.pk]),
        reverse("meetings:schedule", args=[group.activation.pk]),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:ics", args=[meeting.pk]),
        reverse("meetings:record", args=[meeting.pk]),
        reverse("meetings:action_edit", args=[Action.objects.first().pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_schedule_from_the_page(client, group):
    client.force_login(group.police_user)
    url = reverse("meetings:schedule", args=[group.activation.pk])
    form = client.get(url).text
    assert "Indkald til beredskabsmøde" in form and "Brandvæsenet" in form and "Sofie Medarbejder" in form
    assert "Ukendt Person" not in form

    starts = soon(3)
    response = client.post(
        url,
        {
            "starts_at": local(starts),
            "place": "Politistationen",
            "adhoc_resources": [group.fire_pool.pk],
            "invited": [group.staff.pk],
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.starts_at == starts and meeting.participants.count() == 5
    detail = client.get(response.url).text
    assert "Politistationen" in detail and "Sofie Medarbejder" in detail
    assert "Underretninger" in detail and "I kø" in detail  # the delivery status of the invitations


def test_a_meeting_in_the_past_is_refused_on_the_page(client, group):
    client.force_login(group.coordinator_user)
    url = reverse("meetings:schedule", args=[group.activation.pk])
    response = client.post(url, {"starts_at": local(timezone.now() - datetime.timedelta(days=1)), "place": "Her"})
    assert response.status_code == 200
    assert "Mødet kan ikke indkaldes til et tidspunkt i fortiden." in response.text
    assert not Meeting.objects.exists()


def test_reschedule_invite_and_cancel_from_the_pages(client, group):
    fill(group, decisions=0, actions=0)
    meeting = Meeting.objects.get()
    client.force_login(group.coordinator_user)
    edit = reverse("meetings:edit", args=[meeting.pk])
    assert "Tid og sted" in client.get(edit).text

    client.post(edit, {"starts_at": local(soon(30)), "place": "Nyt lokale"})
    client.post(edit, {"invite": "1", "invited": [group.staff.pk]})
    meeting.refresh_from_db()
    assert meeting.place == "Nyt lokale" and meeting.sequence == 1
    assert meeting.participants.filter(person=group.staff).exists()

    page = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"cancel_reason": "Ikke nødvendigt"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED
    assert "Mødet er aflyst, og alle inviterede får besked." in page.text
    assert "Ikke nødvendigt" in page.text


def test_record_the_meeting_with_attendance_and_decisions(client, group):
    meeting = services.meeting_record_unscheduled(
        actor=group.coordinator_user,
        activation=group.activation,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="Telefon",
        situation="Første udkast",
    )
    client.force_login(group.coordinator_user)
    url = reverse("meetings:record", args=[meeting.pk])
    form = client.get(url).text
    assert "Situationsbillede" in form and "Første udkast" in form and "Én beslutning pr. linje." in form
    police = meeting.participants.get(person=group.police.person)

    client.post(
        url,
        {
            "situation": "Roligt",
            "media": "TV2 Østjylland skriver om skuddet",
            "attended": [police.pk],
            "decisions": "Øget patruljering\nBeboermøde torsdag",
        },
    )

    page = client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "TV2 Østjylland skriver om skuddet" in page
    assert "Øget patruljering" in page and "Beboermøde torsdag" in page
    assert "deltog" in page and "fraværende" in page
    assert Decision.objects.filter(meeting=meeting).count() == 2


def test_record_an_unscheduled_meeting_from_the_page_clears_overdue(client, group):
    client.force_login(group.coordinator_user)
    url = reverse("meetings:record_unscheduled", args=[group.activation.pk])
    held = timezone.now() - datetime.timedelta(hours=1)
    response = client.post(
        url,
        {"starts_at": local(held), "place": "Teams", "situation": "Kort møde", "attended": [group.police.person.pk]},
    )
    assert response.status_code == 302
    group.activation.refresh_from_db()
    assert group.activation.meeting_held_at is not None


def test_decision_without_meeting_from_the_page(client, group):
    client.force_login(group.coordinator_user)
    url = reverse("meetings:decision_new", args=[group.activation.pk])
    form = client.get(url).text
    assert "Pr. telefon" in form and "Pr. mail" in form and "Allan Suppleant" in form

    refused = client.post(url, {"text": "Luk fælleshuset", "way": "mail"})
    assert "Vælg de medlemmer, der var enige i beslutningen." in refused.text

    client.post(url, {"text": "Luk fælleshuset", "way": "mail", "agreed_by": [group.police.person.pk]})
    decision = Decision.objects.get()
    assert decision.way == "mail" and list(decision.agreed_by.all()) == [group.police.person]
    overview = client.get(reverse("meetings:activation", args=[group.activation.pk])).text
    assert "Luk fælleshuset" in overview and "Pr. mail" in overview and "aftalt af Lasse Politi" in overview


def test_new_action_without_owner_is_refused_then_saved_and_edited(client, group):
    client.force_login(group.coordinator_user)
    url = reverse("meetings:action_new", args=[group.activation.pk])
    form = client.get(url).text
    assert "Boligsociale medarbejdere" in form and "Sofie Medarbejder" in form and "Sydøstjyllands Brandvæsen" in form
    data = {"title": "Beboerbrev", "deadline": local(soon(5)), "status": "open"}

    refused = client.post(url, data)
    assert "Vælg hvem der er ansvarlig for handlingen" in refused.text
    assert not Action.objects.exists()

    client.post(url, data | {"owner": f"staff:{group.staff.pk}"})
    action = Action.objects.get()
    assert action.owner_staff == group.staff

    edit = reverse("meetings:action_edit", args=[action.pk])
    assert f'value="staff:{group.staff.pk}" selected' in client.get(edit).text
    client.post(edit, data | {"owner": f"org:{group.fire.pk}", "status": "done", "notes": "Omdelt kl. 17"})
    action.refresh_from_db()
    assert (action.owner_organisation, action.status, action.notes) == (group.fire, "done", "Omdelt kl. 17")


def test_cpr_in_an_action_is_refused_on_the_page(client, group):
    client.force_login(group.coordinator_user)
    url = reverse("meetings:action_new", args=[group.activation.pk])
    response = client.post(
        url,
        {"title": "Tal med 010190-1234", "deadline": local(soon()), "status": "open", "owner": f"org:{group.fire.pk}"},
    )
    assert "CPR-nummer" in response.text
    assert not Action.objects.exists()


def test_ics_download(client, group):
    fill(group, decisions=0, actions=0)
    meeting = Meeting.objects.get()
    client.force_login(group.substitute_user)
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "PUBLISH"
    assert calendar.events[0]["location"] == "Lokale 0"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_lists(client, group, django_assert_max_num_queries):
    client.force_login(group.coordinator_user)
    activation_page = reverse("activations:detail", args=[group.activation.pk])
    overview = reverse("meetings:activation", args=[group.activation.pk])
    fill(group, meetings=1, decisions=1, actions=1)
    meeting = reverse("meetings:detail", args=[Meeting.objects.get().pk])
    small = [_queries(client, url) for url in (activation_page, overview, meeting)]

    fill(group, meetings=5, decisions=5, actions=5)

    with django_assert_max_num_queries(12):
        client.get(overview)
    with django_assert_max_num_queries(7):
        client.get(meeting)
    assert [_queries(client, url) for url in (activation_page, overview, meeting)] == small
