"""Who may read key figures and who may import: the selectors decide, pages and API follow."""

import pytest

from boligsocial.areas import selectors

pytestmark = pytest.mark.django_db


def readable(user) -> set[str]:
    return set(selectors.area_queryset_for_user(user=user).values_list("name", flat=True))


def test_members_of_a_plan_organisation_read_the_plans_areas_only(world):
    assert readable(world.member) == {"Testparken"}
    assert readable(world.coordinator) == {"Testparken"}


def test_an_organisation_reads_the_areas_where_it_owns_a_department(world):
    assert readable(world.owner) == {"Testparken"}


def test_administrators_and_statistics_editors_read_every_area(world, admin):
    assert readable(admin) >= {"Testparken", "Andenparken"}
    assert readable(world.editor) == readable(admin)


def test_a_user_outside_every_plan_reads_nothing(world, client):
    assert readable(world.outsider) == set()
    client.force_login(world.outsider)
    assert client.get(f"/areas/{world.estate.area.pk}/").status_code == 404
    department = world.estate.departments[0]
    assert client.get(f"/areas/departments/{department.pk}/").status_code == 404
    assert client.get(f"/areas/{world.estate.area.pk}/export.csv").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(f"/areas/{world.estate.area.pk}/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_only_administrators_and_statistics_editors_import(world, admin, client):
    assert selectors.areas_can_import(user=admin)
    assert selectors.areas_can_import(user=world.editor)
    for user in (world.member, world.coordinator, world.owner):
        assert not selectors.areas_can_import(user=user)
        client.force_login(user)
        response = client.get("/areas/import/")
        assert response.status_code == 403
        assert client.post("/areas/classify/").status_code == 403


def test_an_import_is_seen_only_by_its_uploader_and_administrators(world, admin, client, editor):
    from boligsocial.areas import services
    from boligsocial.areas.models import ImportBatch
    from tests import factories

    from .conftest import csv_bytes

    batch = services.import_upload(
        actor=editor, level="national", filename="land.csv", content=csv_bytes([["år", "beboere"], [2020, 5]])
    )
    other_editor = factories.user(username="anden")
    other_editor.groups.add(*editor.groups.all())
    client.force_login(other_editor)
    assert client.get(f"/areas/import/{batch.pk}/").status_code == 404
    client.force_login(admin)
    assert client.get(f"/areas/import/{batch.pk}/").status_code == 200
    assert ImportBatch.objects.filter(pk=batch.pk, status="pending").exists()


def test_assessments_are_recorded_by_editors_administrators_and_the_plans_coordinator(world, admin):
    area = world.estate.area
    assert selectors.assessment_can_record(user=world.coordinator, area=area)
    assert selectors.assessment_can_record(user=world.editor, area=area)
    assert selectors.assessment_can_record(user=admin, area=area)
    assert not selectors.assessment_can_record(user=world.member, area=area)
    assert not selectors.assessment_can_record(user=world.owner, area=area)
    assert not selectors.assessment_can_record(user=world.coordinator, area=world.other_area)
