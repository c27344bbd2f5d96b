import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from boligsocial.activations import flows
from boligsocial.activations.models import Activation, ActivationRequest, SeatState
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(crisis, **extra):
    return {
        "incident_type": crisis.plan.incident_types.get(code="shooting").pk,
        "area": crisis.area.pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Skud ved blok 22",
        "source": "police",
        "level": "red",
        "rationale": "Skyderi",
        "police_consulted": "on",
        "police_contact": "Vagtchefen",
        "submission_key": str(uuid.uuid4()),
    } | extra


def test_fixed_member_activates_from_one_page(client, crisis):
    client.force_login(crisis.police_user)
    url = reverse("activations:incident_new", args=[crisis.plan.pk])
    page = client.get(url)
    assert "Aktivér nu" in page.text and "inden for 24 timer" in page.text
    response = client.post(url, form_data(crisis))
    activation = Activation.objects.get()
    assert response.status_code == 302 and response.url == reverse("activations:detail", args=[activation.pk])


def test_double_tapped_activate_makes_one_activation_and_says_who(client, crisis):
    client.force_login(crisis.police_user)
    url = reverse("activations:incident_new", args=[crisis.plan.pk])
    data = form_data(crisis)
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert Activation.objects.count() == 1
    assert "allerede aktiveret" in second.text


def test_bad_input_shows_danish_error_and_saves_nothing(client, crisis):
    client.force_login(crisis.police_user)
    url = reverse("activations:incident_new", args=[crisis.plan.pk])
    response = client.post(url, form_data(crisis, police_consulted="", police_contact=""))
    assert response.status_code == 200
    assert "Sig hvorfor" in response.text
    assert not Activation.objects.exists()


def test_substitute_files_a_request_a_member_declines_it(client, crisis):
    client.force_login(crisis.substitute_user)
    url = reverse("activations:incident_new", args=[crisis.plan.pk])
    assert "Send anmodning" in client.get(url).text
    client.post(url, form_data(crisis))
    request = ActivationRequest.objects.get()
    assert not Activation.objects.exists()
    client.force_login(crisis.police_user)
    assert "Anmodninger" in client.get(reverse("activations:list")).text
    decline = reverse("activations:request_decline", args=[request.pk])
    client.post(decline, {"decline_reason": "Allerede håndteret af politiet"})
    request.refresh_from_db()
    assert request.state == "declined"


def test_outsider_cannot_open_the_plan_activation_page(client, crisis):
    client.force_login(factories.user())
    assert client.get(reverse("activations:incident_new", args=[crisis.plan.pk])).status_code == 404


def test_deadline_preview_before_confirming(client, crisis):
    client.force_login(crisis.police_user)
    url = reverse("activations:deadline_preview", args=[crisis.plan.pk])
    assert "skal gruppen mødes senest" in client.get(url, {"level": "yellow"}).text
    assert "Ukendt niveau" in client.get(url, {"level": "purple"}).text


def _activation(crisis):
    return flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        rationale="Skyderi",
        police_consulted=True,
        police_contact="Vagtchef",
    )


def test_acknowledge_link_works_without_login_and_get_does_not_acknowledge(client, crisis):
    activation = _activation(crisis)
    seat = activation.seats.get(person=crisis.police.person)
    url = reverse("activations:acknowledge", args=[flows.ack_token(seat=seat, person=crisis.police.person)])
    page = client.get(url)
    assert page.status_code == 200 and "har modtaget" in page.text
    seat.refresh_from_db()
    assert seat.state == SeatState.WAITING
    done = client.post(url)
    assert "Tak" in done.text
    seat.refresh_from_db()
    assert seat.state == SeatState.ACKNOWLEDGED
    assert "allerede kvitteret" in client.post(url).text
    assert client.get(url[:-3] + "zz/").status_code == 400


def test_seats_partial_shows_delivery_states_with_bounded_queries(client, crisis, django_assert_max_num_queries):
    activation = _activation(crisis)
    client.force_login(crisis.coordinator_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("activations:seats", args=[activation.pk]))
    assert "Uden Kanal" in response.text and "Kan ikke nås" in response.text
    assert "SMS" in response.text


def test_activation_page_flags_overdue_and_lists_timeline(client, crisis):
    activation = _activation(crisis)
    Activation.objects.filter(pk=activation.pk).update(meeting_deadline=timezone.now() - timezone.timedelta(hours=1))
    client.force_login(crisis.coordinator_user)
    page = client.get(reverse("activations:detail", args=[activation.pk]))
    assert "Overskredet" in page.text
    assert "Aktiveret på niveau Rød" in page.text
    assert "Overskredet" in client.get(reverse("activations:list")).text


def test_non_member_cannot_close(client, crisis):
    activation = _activation(crisis)
    client.force_login(crisis.substitute_user)
    response = client.post(reverse("activations:close", args=[activation.pk]), {"summary": "x"})
    assert response.status_code == 403
