"""The key-figure pages: the area page with its charts and categories, suppression of small numbers on pages and
in the export, the import pages end to end, assessments, indicators, the rules page; query counts."""

import datetime
import re

import pytest

from boligsocial.areas.models import AreaResult, Assessment, DepartmentYear, Indicator
from boligsocial.directory.models import HousingArea

from .conftest import LAST_YEAR, csv_bytes

pytestmark = pytest.mark.django_db


def test_the_area_page_shows_charts_categories_and_departments_in_danish(world, client):
    client.force_login(world.member)
    response = client.get(f"/areas/{world.estate.area.pk}/")
    assert response.status_code == 200
    html = response.text
    assert html.count('<svg class="chart"') >= 6
    assert 'role="img"' in html and "<script" not in html.split("</header>")[1]
    assert "Lovens kategorier (almenboligloven § 61 a og § 61 b)" in html
    assert "Beboere 18-64 år uden for arbejde eller uddannelse (gennemsnit over 2 år) over 40 %" in html
    assert "Nøgletal over årene" in html and "Testparken 1" in html
    assert "Kommunen (Testby)" in html


def test_the_area_page_in_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.member)
    client.get(f"/areas/{world.estate.area.pk}/")
    with django_assert_max_num_queries(16):
        assert client.get(f"/areas/{world.estate.area.pk}/").status_code == 200


def test_the_area_list_and_filters(world, client, django_assert_max_num_queries):
    client.force_login(world.editor)
    client.get("/areas/")
    with django_assert_max_num_queries(8):
        response = client.get("/areas/")
    assert "Testparken" in response.text and "Andenparken" in response.text
    filtered = client.get("/areas/?colour=red")
    assert "Andenparken" not in filtered.text


def test_small_numbers_are_suppressed_on_the_department_page(world, client):
    client.force_login(world.member)
    small = world.estate.departments[2]
    html = client.get(f"/areas/departments/{small.pk}/").text
    assert "undertrykt" in html
    assert "71,3" not in html  # its share outside work or education
    assert "færre end 50 beboere" in html
    big = client.get(f"/areas/departments/{world.estate.departments[0].pk}/").text
    assert "undertrykt" not in big and "42,5 %" in big


def test_the_threshold_is_a_setting(world, client, settings):
    settings.AREAS_SMALL_NUMBER_THRESHOLD = 30
    client.force_login(world.member)
    html = client.get(f"/areas/departments/{world.estate.departments[2].pk}/").text
    assert "71,3 %" in html and "undertrykt" not in html


def test_small_numbers_are_suppressed_in_the_export(world, client):
    client.force_login(world.member)
    response = client.get(f"/areas/{world.estate.area.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    small = [line for line in text.splitlines() if line.startswith("3 Testparken 3")]
    assert len(small) == 3 and all("undertrykt" in line and "71,3" not in line for line in small)
    assert ";40;" in small[0]  # the number of residents is not suppressed
    assert any(line.startswith("1 Testparken 1") and "42,5" in line for line in text.splitlines())


def test_small_departments_get_no_colour_on_the_area_page(world, client):
    client.force_login(world.member)
    html = client.get(f"/areas/{world.estate.area.pk}/").text
    assert "for få beboere" in html


def test_import_end_to_end_through_the_pages(world, client):
    client.force_login(world.editor)
    header = ["boligorganisation", "afdeling", "år", "beboere", "uden_for_arbejde_eller_uddannelse"]
    content = csv_bytes(
        [
            header,
            ["Boligselskabet Test", "1", LAST_YEAR, "710", "45"],
            ["Boligselskabet Test", "9", LAST_YEAR, "5", "1"],
        ]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/areas/import/", {"level": "department", "file": SimpleUploadedFile("nye.csv", content, "text/csv")}
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url).text
    assert "Der er endnu ikke importeret noget." in preview
    assert "Boligselskabet Test har ingen afdeling med nummer 9." in preview
    assert "/confirm/" not in preview  # nothing can be confirmed yet
    batch_id = int(re.search(r"/import/(\d+)/", preview_url).group(1))
    assert client.post(f"/areas/import/{batch_id}/confirm/").status_code == 302
    assert DepartmentYear.objects.get(department=world.estate.departments[0], year=LAST_YEAR).values["residents"] == 700

    client.post(f"/areas/import/{batch_id}/drop/", {"all": "1"})
    preview = client.get(preview_url).text
    assert "Importér 2 tal" in preview
    done = client.post(f"/areas/import/{batch_id}/confirm/", follow=True)
    assert "2 tal fra 1 rækker er importeret" in done.text
    assert DepartmentYear.objects.get(department=world.estate.departments[0], year=LAST_YEAR).values["residents"] == 710
    assert AreaResult.objects.filter(area=world.estate.area, year=LAST_YEAR).exists()


def test_the_mapping_form_maps_unknown_headings(world, client):
    from boligsocial.areas import services

    batch = services.import_upload(
        actor=world.editor,
        level="department",
        filename="x.csv",
        content=csv_bytes(
            [["boligorganisation", "nr", "periode", "ledige"], ["Boligselskabet Test", "1", LAST_YEAR, "33"]]
        ),
    )
    client.force_login(world.editor)
    page = client.get(f"/areas/import/{batch.pk}/").text
    assert "Kolonnen for “Afdelingsnummer” mangler" in page
    response = client.post(
        f"/areas/import/{batch.pk}/mapping/",
        {"col_0": "organisation", "col_1": "department", "col_2": "year", "col_3": "ind:outside_work_education"},
    )
    assert response.status_code == 302
    assert "Importér 1 tal" in client.get(f"/areas/import/{batch.pk}/").text


def test_an_assessment_is_recorded_and_a_cpr_number_refused(world, client):
    client.force_login(world.coordinator)
    url = f"/areas/{world.estate.area.pk}/assessments/new/"
    base = {
        "year": LAST_YEAR,
        "assessed_on": datetime.date.today().isoformat(),
        "participants": "Boligsocial medarbejder, afdelingsformand, varmemester",
        "staff_view": "Flere unge samles om aftenen ved Testparken 1.",
        "board_view": "Bestyrelsen oplever mere uro i opgangene.",
        "caretaker_view": "Mere hærværk i kældrene.",
        "conclusion": "Vi følger op med SSP i næste kvartal.",
    }
    refused = client.post(url, {**base, "staff_view": "Beboer 010190-1234 er urolig."})
    assert refused.status_code == 200 and "CPR-nummer" in refused.text
    assert not Assessment.objects.exists()
    assert client.post(url, base).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessed_by == world.coordinator and assessment.year == LAST_YEAR
    page = client.get(f"/areas/{world.estate.area.pk}/").text
    assert "Mere hærværk i kældrene." in page
    client.force_login(world.member)
    assert client.get(url).status_code == 403


def test_an_editor_adds_an_indicator_that_the_importer_then_recognises(world, client):
    client.force_login(world.editor)
    response = client.post(
        "/areas/indicators/",
        {
            "code": "tryghed",
            "name": "Trygge beboere",
            "unit": "share",
            "direction": "lower_worse",
            "aggregation": "none",
        },
    )
    assert response.status_code == 302
    assert Indicator.objects.get(code="tryghed").is_builtin is False
    from boligsocial.areas import services

    batch = services.import_upload(
        actor=world.editor,
        level="area",
        filename="tryghed.csv",
        content=csv_bytes([["boligområde", "år", "Trygge beboere"], ["Testparken", LAST_YEAR, "59,2"]]),
    )
    assert batch.mapping["Trygge beboere"] == "ind:tryghed"
    client.force_login(world.member)
    assert client.post("/areas/indicators/", {"code": "x", "name": "x"}).status_code == 403


def test_the_rules_page_lists_every_version(world, client):
    client.force_login(world.member)
    html = client.get("/areas/rules/").text
    assert "Fra 2013" in html and "Fra 2018" in html and "Fra 2021" in html
    assert "Mindst 3 af kriterierne" in html
    assert "Parallelsamfund i hvert af de seneste 5 år" in html


def test_the_follow_up_page(world, client, django_assert_max_num_queries):
    AreaResult.objects.filter(area=world.estate.area).update(colour="red", trend_flag=True)
    for i in range(5):
        area = HousingArea.objects.create(name=f"Ekstra {i}", municipality="Testby")
        AreaResult.objects.create(area=area, year=LAST_YEAR, colour="yellow")
    client.force_login(world.editor)
    client.get("/areas/follow-up/")
    with django_assert_max_num_queries(6):
        response = client.get("/areas/follow-up/")
    assert "Testparken" in response.text and "Ekstra 4" in response.text
    assert "Kvalitativ vurdering: tallene udvikler sig dårligere end i sammenlignelige områder" in response.text
    client.force_login(world.member)
    assert "Ekstra 4" not in client.get("/areas/follow-up/").text
