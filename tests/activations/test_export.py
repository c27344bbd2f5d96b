import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from boligsocial.activations import export, flows, services
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """All pages' text with whitespace collapsed, so a row wrapped in a table cell still reads whole."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def story(crisis):
    """An activation that went through the whole lifecycle: activated red, one acknowledgement, one by a
    substitute, lowered to yellow, closed, evaluated."""
    activation = flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        rationale="Skud affyret",
        police_consulted=True,
        police_contact="Vagtchefen",
    )
    coordinator_seat = activation.seats.get(person=crisis.coordinator.person)
    flows.seat_acknowledge(seat=coordinator_seat, person=crisis.coordinator.person)
    flows.activation_change_level(actor=crisis.police_user, activation=activation, level="yellow", rationale="Roligere")
    flows.seat_acknowledge(seat=activation.seats.get(person=crisis.police.person), person=crisis.substitute.person)
    flows.activation_close(actor=crisis.police_user, activation=activation, summary="=Roligt igen")
    activation.refresh_from_db()
    services.evaluation_submit(
        actor=crisis.coordinator_user,
        evaluation=activation.evaluation,
        worked="yes",
        channels_right="partly",
        channels_note="SMS nåede frem, brevet kom for sent.",
    )
    return activation


def test_pdf_holds_the_key_facts_seats_and_every_timeline_row_in_danish(client, crisis, story):
    client.force_login(crisis.coordinator_user)
    with translation.override("en"):
        response = client.get(reverse("activations:timeline_pdf", args=[story.pk]), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "tidslinje-skyderi" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for fact in ("Beredskabsplan Randers", "Niveau", "Gul", "Mødefrist", "Skud affyret", "Afsluttet", "Vagtchefen"):
        assert fact in text, fact
    assert "Medlemmer og kvitteringer" in text
    assert "af suppleant Allan Suppleant" in text
    timeline = list(story.timeline.all())
    assert len(timeline) >= 8
    for entry in timeline:
        assert " ".join(entry.text.split())[:40] in text, entry.text
    assert "Evaluering indsendt" in text and "Niveau ændret" in text
    assert "Side 1 af" in text
    assert "Blev de rigtige informationskanaler brugt? Delvist SMS nåede frem, brevet kom for sent." in text


def test_csv_has_the_danish_columns_facts_seats_and_timeline(client, crisis, story):
    client.force_login(crisis.police_user)
    response = client.get(reverse("activations:timeline_csv", args=[story.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''tidslinje-skyderi-omr%C3%A5de")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "a byte-order mark, so Excel reads æøå"
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Afsnit", "Tidspunkt", "Emne", "Tekst", "Af"]
    assert all(len(row) == 5 for row in rows)
    by_section: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_section.setdefault(row[0], []).append(row)
    assert list(by_section) == ["Fakta", "Medlem", "Tidslinje", "Evaluering"]
    facts = {row[2]: row[3] for row in by_section["Fakta"]}
    assert facts["Niveau"] == "Gul" and facts["Tilstand"] == "Afsluttet"
    assert facts["Sammendrag"] == "'=Roligt igen", "a leading = is not read as a formula"
    members = {row[2]: row for row in by_section["Medlem"]}
    police = members["Lasse Politi (Politikommissær)"]
    assert police[3] == "Kvitteret af suppleant Allan Suppleant" and police[1]
    assert members["Uden Kanal"][3] == "Kan ikke nås" and members["Uden Kanal"][1] == ""
    timeline = by_section["Tidslinje"]
    assert [row[3] for row in timeline] == [entry.text for entry in story.timeline.all()]
    kinds = [row[2] for row in timeline]
    assert kinds[0] == "Aktiveret" and "Niveau ændret" in kinds and kinds[-1] == "Evaluering indsendt"
    assert timeline[0][4] == "politi"
    answers = {row[2]: row[3] for row in by_section["Evaluering"]}
    assert answers["Blev de rigtige informationskanaler brugt?"] == "Delvist\nSMS nåede frem, brevet kom for sent."


def test_export_goes_through_the_page_selector_so_strangers_get_404(client, crisis, story):
    client.force_login(factories.user())
    assert client.get(reverse("activations:timeline_pdf", args=[story.pk])).status_code == 404
    assert client.get(reverse("activations:timeline_csv", args=[story.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("activations:timeline_csv", args=[story.pk])).status_code == 302


def test_activation_page_links_the_exports_and_the_evaluation(client, crisis, story):
    client.force_login(crisis.substitute_user)
    page = client.get(reverse("activations:detail", args=[story.pk])).text
    assert reverse("activations:timeline_pdf", args=[story.pk]) in page
    assert reverse("activations:timeline_csv", args=[story.pk]) in page
    assert "Læs evalueringen" in page and "Evalueret" in page


def test_an_open_activation_exports_without_an_evaluation(client, crisis):
    activation = flows.activation_activate(
        actor=crisis.police_user,
        incident=crisis.incident(),
        level="red",
        rationale="Skud",
        police_consulted=False,
        no_police_reason="Ingen svarede",
    )
    client.force_login(crisis.police_user)
    body = client.get(reverse("activations:timeline_csv", args=[activation.pk])).content.decode()
    assert "Evaluering;" not in body and "Ikke kontaktet: Ingen svarede" in body
    text = pdf_text(client.get(reverse("activations:timeline_pdf", args=[activation.pk])).content)
    assert "Politiet ikke kontaktet" in text and "Aktiveret" in text


def test_unknown_kinds_of_later_steps_still_export():
    assert export.timeline_kind_label("meeting_scheduled") == "meeting scheduled"
    with translation.override("da"):
        assert export.timeline_kind_label("closed") == "Afsluttet"
