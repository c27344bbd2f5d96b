import io

import pytest
from django.core.management import call_command

from boligsocial.accounts.models import User
from boligsocial.areas.models import AreaResult, Assessment, DepartmentYear
from boligsocial.directory.models import HousingArea

pytestmark = pytest.mark.django_db


def test_the_demo_has_key_figures_categories_a_trend_and_an_assessment(client):
    call_command("load_demo", stdout=io.StringIO())
    assert DepartmentYear.objects.filter(department__area__name="Vangdalen").count() == 5
    example = HousingArea.objects.get(name="Eksempelparken (fiktivt område)")
    latest = AreaResult.objects.get(area=example, year=2024)
    assert latest.is_transformation and latest.is_parallel and latest.colour == "red"
    # The real areas get invented but moderate figures: none of them is put on a legal list.
    real = AreaResult.objects.exclude(area=example)
    assert not real.filter(is_vulnerable=True).exists() and not real.filter(is_prevention=True).exists()
    assert AreaResult.objects.get(area__name="Vangdalen", year=2024).trend_flag
    assert Assessment.objects.filter(area__name="Vangdalen").exists()
    client.force_login(User.objects.get(username="kommune"))  # axes needs a request: the login page is tested elsewhere
    follow_up = client.get("/areas/follow-up/").text
    assert "Vangdalen" in follow_up and "Eksempelparken" not in follow_up


def test_the_classify_command_reports_what_it_computed(db):
    out = io.StringIO()
    call_command("areas_classify", stdout=out)
    assert "0 area-years in 0 areas" in out.getvalue()
