import pytest
from django.urls import reverse
from django.utils import timezone

from boligsocial.communication import services
from boligsocial.communication.models import CommunicationEntry, OutreachReport, OutreachTask
from boligsocial.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _assign(outreach, staff=None, description="Ring til varmemestrene i aften."):
    return services.outreach_task_assign(
        actor=outreach.coordinator_user,
        activation=outreach.activation,
        staff=staff or outreach.staff,
        groups=outreach.groups[:2],
        description=description,
    )


def _entry_data(**extra):
    return {
        "kind": "message",
        "audience": "residents",
        "channel": "letter",
        "channel_other": "",
        "sender": "Louise Tovholder",
        "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "text": "Kære beboer. Politiet er til stede i området.",
    } | extra


# --- The activation page -------------------------------------------------------------------------------


def test_activation_page_has_the_communication_section(client, outreach):
    client.force_login(outreach.coordinator_user)
    page = client.get(reverse("activations:detail", args=[outreach.activation.pk])).text
    assert "Krisekommunikation og opsøgende indsats" in page
    assert "Endnu ingen udtalelse fra politiet." in page
    assert reverse("communication:log", args=[outreach.activation.pk]) in page
    assert "Registrér politiets udtalelse" in page and "Brev til beboerne" in page
    assert "Opsøgende indsats (0 opgaver, 0 kontakter)" in page


def test_substitute_sees_the_section_without_write_links(client, outreach):
    client.force_login(outreach.substitute_user)
    page = client.get(reverse("activations:detail", args=[outreach.activation.pk])).text
    assert "Kommunikationslog (0 poster)" in page
    assert "Registrér politiets udtalelse" not in page


def test_activation_page_queries_do_not_grow_with_the_log(client, outreach, django_assert_max_num_queries):
    client.force_login(outreach.coordinator_user)
    url = reverse("activations:detail", args=[outreach.activation.pk])
    client.get(url)
    for n in range(12):
        services.communication_entry_create(
            actor=outreach.police_user,
            activation=outreach.activation,
            audience="press",
            channel="phone",
            sender="Lasse Politi",
            text=f"Opkald {n} fra pressen",
        )
    with django_assert_max_num_queries(30):
        page = client.get(url).text
    assert "Kommunikationslog (12 poster)" in page and "Opkald 11 fra pressen" in page


# --- The log -------------------------------------------------------------------------------------------


def test_new_entry_from_the_resident_letter_template_is_filled(client, outreach):
    client.force_login(outreach.coordinator_user)
    url = reverse("communication:new", args=[outreach.activation.pk])
    page = client.get(url, {"template": "resident_letter"}).text
    assert "Kære beboer" in page and "(niveau rød)" in page and "(skyderi)" in page
    assert 'value="Louise Tovholder (' in page  # the plan's person for residents is suggested
    assert '<option value="residents" selected>' in page and '<option value="letter" selected>' in page
    assert "Endnu ingen udtalelse fra politiet." in page
    # The confirmation is not asked for before the refusal.
    assert "confirm_without_police_statement" not in page
    police = client.get(url, {"kind": "police_statement"}).text
    assert "<h1>Registrér politiets udtalelse</h1>" in police and 'value="Lasse Politi (' in police


def test_publishing_to_residents_asks_for_confirmation_then_records_it(client, outreach):
    client.force_login(outreach.coordinator_user)
    url = reverse("communication:new", args=[outreach.activation.pk])
    refused = client.post(url, _entry_data(template="resident_letter"))
    assert refused.status_code == 200
    assert "Der er endnu ingen udtalelse fra politiet. Vil du alligevel sende dette til beboere?" in refused.text
    assert "Ja, offentliggør det før politiets udtalelse" in refused.text
    assert not CommunicationEntry.objects.exists()
    saved = client.post(url, _entry_data(template="resident_letter", confirm_without_police_statement="on"))
    assert saved.status_code == 302 and saved.url == reverse("communication:log", args=[outreach.activation.pk])
    entry = CommunicationEntry.objects.get()
    assert entry.confirmed_without_police_statement and entry.template == "resident_letter"
    log = client.get(saved.url).text
    assert "Sendt før politiets udtalelse" in log and "bekræftet af" in log
    timeline = client.get(reverse("activations:detail", args=[outreach.activation.pk])).text
    assert "Bekræftede at sende til beboere, før der forelå en udtalelse fra politiet." in timeline


def test_cpr_in_an_entry_is_refused_on_the_page(client, outreach):
    client.force_login(outreach.police_user)
    url = reverse("communication:new", args=[outreach.activation.pk])
    response = client.post(url, _entry_data(audience="press", text="Anholdt: 010190-1234"))
    assert response.status_code == 200 and "CPR-nummer" in response.text
    assert not CommunicationEntry.objects.exists()


def test_log_permissions(client, outreach):
    log = reverse("communication:log", args=[outreach.activation.pk])
    new = reverse("communication:new", args=[outreach.activation.pk])
    client.force_login(outreach.substitute_user)
    assert client.get(log).status_code == 200
    assert client.get(new).status_code == 403
    assert client.post(new, _entry_data(audience="press")).status_code == 403
    for outsider in (outreach.staff_user, factories.user()):
        client.force_login(outsider)
        assert client.get(log).status_code == 404
        assert client.get(new).status_code == 404
    assert not CommunicationEntry.objects.exists()


def test_log_page_queries_do_not_grow(client, outreach, django_assert_num_queries):
    client.force_login(outreach.coordinator_user)
    url = reverse("communication:log", args=[outreach.activation.pk])

    def add(n):
        for i in range(n):
            services.communication_entry_create(
                actor=outreach.coordinator_user,
                activation=outreach.activation,
                audience="boards",
                channel="email",
                sender="Louise Tovholder",
                text=f"Orientering {i}",
            )

    add(2)
    with django_assert_num_queries(7) as small:
        client.get(url)
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).text
    assert page.count('class="contact-card"') == 22


# --- Outreach ------------------------------------------------------------------------------------------


def test_coordinator_assigns_a_task_on_the_page(client, outreach):
    client.force_login(outreach.coordinator_user)
    url = reverse("communication:assign", args=[outreach.activation.pk])
    page = client.get(url).text
    assert "Oskar Medarbejder (Bysekretariatet)" in page and "Varmemestre" in page
    response = client.post(
        url,
        {
            "staff": outreach.staff.pk,
            "groups": [outreach.groups[0].pk, outreach.groups[2].pk],
            "description": "Ring til varmemestrene og besøg klubben.",
        },
        follow=True,
    )
    assert "Opgaven er givet til Oskar Medarbejder, som får besked." in response.text
    task = OutreachTask.objects.get()
    assert [t.name for t in task.targets.all()] == ["Varmemestre", "Unge i Blok 22"]
    assert Notification.objects.filter(recipient=outreach.staff, channel="inapp").exists()
    bad = client.post(url, {"staff": outreach.staff.pk, "groups": [outreach.groups[1].pk], "description": "Igen"})
    assert "har allerede en opgave i denne aktivering" in bad.text
    assert OutreachTask.objects.count() == 1


def test_only_the_coordinator_opens_the_assign_page(client, outreach):
    url = reverse("communication:assign", args=[outreach.activation.pk])
    client.force_login(outreach.police_user)
    assert client.get(url).status_code == 403
    client.force_login(outreach.staff_user)
    assert client.get(url).status_code == 404
    task = _assign(outreach)
    client.force_login(outreach.police_user)
    assert client.get(reverse("communication:task_edit", args=[task.pk])).status_code == 403


def test_staff_member_sees_own_task_with_level_type_area_and_nothing_else(client, outreach):
    mine = _assign(outreach)
    theirs = _assign(outreach, staff=outreach.other_staff, description="Besøg fædregruppen.")
    client.force_login(outreach.staff_user)
    tasks = client.get(reverse("communication:my_tasks")).text
    assert "Mine opgaver" in tasks and "Ring til varmemestrene i aften." in tasks
    assert "Besøg fædregruppen." not in tasks
    page = client.get(reverse("communication:task", args=[mine.pk])).text
    assert "Din opsøgende opgave" in page and "Rød" in page and "Skyderi" in page and outreach.area.name in page
    assert "Varmemestre" in page and "Fædregruppe" in page
    # Nothing else of the activation: not the description, the rationale or the members.
    for secret in ("fortrolig detalje", "Skyderi ved blok 22", "Lasse Politi", "Vagtchefen"):
        assert secret not in page
    assert reverse("activations:detail", args=[outreach.activation.pk]) not in page
    assert "Beboernes navne er ikke nødvendige" in page
    assert client.get(reverse("communication:task", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("activations:detail", args=[outreach.activation.pk])).status_code == 404
    assert client.get(reverse("communication:outreach", args=[outreach.activation.pk])).status_code == 404


def test_staff_member_reports_counts_and_a_note(client, outreach):
    task = _assign(outreach)
    caretakers, fathers = task.targets.all()
    client.force_login(outreach.staff_user)
    url = reverse("communication:report", args=[task.pk])
    refused = client.post(url, {f"count_{caretakers.pk}": "3", "note": "Talte med 0101901234"})
    assert refused.status_code == 200 and "CPR-nummer" in refused.text
    assert not OutreachReport.objects.exists()
    done = client.post(
        url, {f"count_{caretakers.pk}": "3", f"count_{fathers.pk}": "2", "note": "Rolig stemning."}, follow=True
    )
    assert "Tak. Din tilbagemelding er registreret." in done.text
    assert 'Varmemestre</strong> <span class="muted">(Telefon)</span>: 3 kontakter' in done.text
    report = OutreachReport.objects.get()
    assert sorted(c.contacts for c in report.counts.all()) == [2, 3] and report.note == "Rolig stemning."
    client.force_login(outreach.coordinator_user)
    overview = client.get(reverse("communication:outreach", args=[outreach.activation.pk])).text
    assert "5 kontakter i alt" in overview and "Rolig stemning." in overview
    assert client.post(url, {f"count_{caretakers.pk}": "1"}).status_code == 403
    assert OutreachReport.objects.count() == 1


def test_member_reads_a_task_without_the_report_form(client, outreach):
    task = _assign(outreach)
    client.force_login(outreach.police_user)
    page = client.get(reverse("communication:task", args=[task.pk])).text
    assert "Opsøgende opgave for Oskar Medarbejder" in page and "Meld tilbage" not in page


def test_outreach_and_my_tasks_queries_do_not_grow(client, outreach, django_assert_num_queries):
    staff = [outreach.staff, outreach.other_staff]
    for i in range(6):
        user = factories.user()
        person = factories.member(plan=factories.plan(name=f"Plan {i}"), name=f"Medarbejder {i}").person
        person.user = user
        person.save(update_fields=["user"])
        staff.append(person)

    def assign_and_report(people):
        for person in people:
            task = _assign(outreach, staff=person)
            targets = list(task.targets.all())
            services.outreach_report_add(actor=person.user, task=task, counts={t.pk: 1 for t in targets}, note="Rolig")

    client.force_login(outreach.coordinator_user)
    overview = reverse("communication:outreach", args=[outreach.activation.pk])
    assign_and_report(staff[:1])
    with django_assert_num_queries(10) as small:
        client.get(overview)
    assign_and_report(staff[1:])
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(overview).text
    assert page.count("Rolig") == 8
    client.force_login(outreach.staff_user)
    with django_assert_num_queries(7):
        page = client.get(reverse("communication:my_tasks")).text
    assert page.count('class="contact-card"') == 1


# --- Templates -----------------------------------------------------------------------------------------


def test_coordinator_edits_templates_from_the_plan_page(client, outreach):
    client.force_login(outreach.coordinator_user)
    plan_page = client.get(reverse("plans:detail", args=[outreach.plan.pk])).text
    templates = reverse("communication:templates", args=[outreach.plan.pk])
    assert templates in plan_page
    page = client.get(templates).text
    assert "Brev til beboerne" in page and "standardtekst" in page and "{politiets_udtalelse}" in page
    edit = reverse("communication:template_edit", args=[outreach.plan.pk, "press_line"])
    bad = client.post(edit, {"text": "Beredskab i {omrade}"})
    assert "Ukendt pladsholder: {omrade}" in bad.text
    client.post(edit, {"text": "Beredskabet i {område} er aktiveret ({niveau})."})
    new = client.get(reverse("communication:new", args=[outreach.activation.pk]), {"template": "press_line"}).text
    assert f"Beredskabet i {outreach.area.name} er aktiveret (rød)." in new
    client.post(reverse("communication:template_reset", args=[outreach.plan.pk, "press_line"]))
    assert "standardtekst" in client.get(templates).text


def test_only_the_coordinator_edits_templates(client, outreach):
    client.force_login(outreach.police_user)
    assert client.get(reverse("communication:templates", args=[outreach.plan.pk])).status_code == 403
    plan_page = client.get(reverse("plans:detail", args=[outreach.plan.pk])).text
    assert reverse("communication:templates", args=[outreach.plan.pk]) not in plan_page
    edit = reverse("communication:template_edit", args=[outreach.plan.pk, "press_line"])
    assert client.post(edit, {"text": "Hej"}).status_code == 403
    client.force_login(outreach.coordinator_user)
    assert client.get(reverse("communication:template_edit", args=[outreach.plan.pk, "nope"])).status_code == 404
