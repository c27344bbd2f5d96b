"""The key-figure API: figures (small numbers suppressed), legal categories with criteria, follow-up list."""

import pytest

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_plan_member_reads_the_areas_figures_and_categories(world):
    client = token_client(world.member)
    response = client.get(f"/api/v1/key-figures/areas/{world.estate.area.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Testparken" and len(body["years"]) == 3
    latest = body["legal"][-1]
    assert latest["rules_in_force_from"] == 2021
    vulnerable = next(c for c in latest["categories"] if c["category"] == "vulnerable")
    assert {"indicator": "residents", "comparison": "gte", "threshold": 1000.0}.items() <= vulnerable["criteria"][
        0
    ].items()
    assert vulnerable["criteria_needed"] == 2
    assert len(body["results"]) == 3


def test_department_figures_are_suppressed_below_the_threshold(world):
    client = token_client(world.member)
    small = client.get(f"/api/v1/key-figures/departments/{world.estate.departments[2].pk}").json()
    figures = {f["indicator"]: f for f in small["years"][0]["figures"]}
    assert figures["residents"]["value"] == 40
    assert figures["outside_work_education"] == {
        "indicator": "outside_work_education",
        "value": None,
        "suppressed": True,
        "estimated": False,
    }
    big = client.get(f"/api/v1/key-figures/departments/{world.estate.departments[0].pk}").json()
    assert {f["indicator"]: f["value"] for f in big["years"][0]["figures"]}["outside_work_education"] == 38.5


def test_an_outsider_gets_404_and_an_empty_list(world):
    client = token_client(world.outsider)
    assert client.get(f"/api/v1/key-figures/areas/{world.estate.area.pk}").status_code == 404
    assert client.get("/api/v1/key-figures/areas").json() == []
    assert client.get("/api/v1/key-figures/follow-up").json() == []


def test_the_area_list_and_follow_up_list(world):
    from boligsocial.areas.models import AreaResult

    AreaResult.objects.filter(area=world.estate.area).update(colour="orange")
    client = token_client(world.member)
    areas = client.get("/api/v1/key-figures/areas").json()
    assert [a["name"] for a in areas] == ["Testparken"] and areas[0]["latest"]["colour"] == "orange"
    follow = client.get("/api/v1/key-figures/follow-up").json()
    assert follow[0]["area"]["name"] == "Testparken" and follow[0]["colour"] == "orange"
    assert follow[0]["due"][0].startswith("Første opfølgning i dette kvartal")


def test_the_api_needs_a_token():
    from django.test import Client

    assert Client().get("/api/v1/key-figures/areas").status_code == 401
