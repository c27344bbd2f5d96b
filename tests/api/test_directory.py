import pytest

from boligsocial.core.models import AuditEntry
from boligsocial.directory.models import Department, HousingArea, Organisation, OrganisationKind, Person
from tests import factories

from .conftest import details

pytestmark = pytest.mark.django_db

JSON = "application/json"


# --- organisations --------------------------------------------------------------------------------------


def test_any_signed_in_user_lists_organisations_in_constant_queries(group, django_assert_max_num_queries):
    for _ in range(5):
        factories.organisation()
    group.stranger.get("/api/v1/organisations")
    with django_assert_max_num_queries(2):
        response = group.stranger.get("/api/v1/organisations")
    assert response.status_code == 200
    assert len(response.json()) == Organisation.objects.count()


def test_admin_creates_an_organisation_and_authority_follows_kind(group):
    response = group.admin.post(
        "/api/v1/organisations", {"name": "Sydøstjyllands Politi", "kind": "police"}, content_type=JSON
    )
    assert response.status_code == 201
    assert response.json()["is_public_authority"] is True
    organisation = Organisation.objects.get(name="Sydøstjyllands Politi")
    assert AuditEntry.objects.filter(action="organisation.create", target_id=organisation.pk).exists()
    read = group.member.get(f"/api/v1/organisations/{organisation.pk}")
    assert read.json()["kind"] == "police"


def test_non_admin_cannot_write_organisations_or_areas(group):
    response = group.coordinator.post("/api/v1/organisations", {"name": "Ny", "kind": "other"}, content_type=JSON)
    assert response.status_code == 403
    assert details(response) == {None: "Kun en administrator kan ændre organisationer, boligområder og afdelinger."}
    organisation = factories.organisation(name="Uændret")
    assert (
        group.coordinator.patch(
            f"/api/v1/organisations/{organisation.pk}", {"name": "Ændret"}, content_type=JSON
        ).status_code
        == 403
    )
    assert (
        group.coordinator.post("/api/v1/areas", {"name": "Nyt", "municipality": "Varde"}, content_type=JSON).status_code
        == 403
    )
    assert not Organisation.objects.filter(name__in=["Ny", "Ændret"]).exists()
    assert not HousingArea.objects.filter(name="Nyt").exists()


def test_duplicate_organisation_name_and_bad_kind_are_named(group):
    factories.organisation(name="Varde Kommune")
    response = group.admin.post(
        "/api/v1/organisations", {"name": "Varde Kommune", "kind": "municipality"}, content_type=JSON
    )
    assert response.status_code == 422
    assert set(details(response)) == {"name"}
    assert "eksisterer allerede" in details(response)["name"]
    response = group.admin.post("/api/v1/organisations", {"name": "X", "kind": "bank"}, content_type=JSON)
    assert set(details(response)) == {"kind"}


def test_admin_updates_an_organisation(group):
    organisation = factories.organisation(kind=OrganisationKind.OTHER)
    response = group.admin.patch(
        f"/api/v1/organisations/{organisation.pk}", {"is_public_authority": True}, content_type=JSON
    )
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.is_public_authority is True
    assert group.admin.get("/api/v1/organisations/987654").status_code == 404


# --- areas and departments ------------------------------------------------------------------------------


def test_area_list_with_departments_in_constant_queries(group, django_assert_max_num_queries):
    for _ in range(4):
        factories.area()
    group.member.get("/api/v1/areas")
    with django_assert_max_num_queries(3):
        response = group.member.get("/api/v1/areas")
    areas = response.json()
    assert len(areas) == HousingArea.objects.count()
    assert all(len(a["departments"]) == 1 for a in areas)
    assert areas[0]["departments"][0]["housing_organisation"]["name"]


def test_admin_creates_and_renames_an_area(group):
    response = group.admin.post("/api/v1/areas", {"name": "Isbjerg Parken", "municipality": "Varde"}, content_type=JSON)
    assert response.status_code == 201
    area_id = response.json()["id"]
    response = group.admin.patch(f"/api/v1/areas/{area_id}", {"name": "Isbjerg"}, content_type=JSON)
    assert response.json()["name"] == "Isbjerg"
    missing = group.admin.post("/api/v1/areas", {"name": "Uden kommune"}, content_type=JSON)
    assert details(missing) == {"municipality": "Dette felt er påkrævet."}


def test_department_must_belong_to_a_housing_organisation(group):
    area = factories.area()
    police = factories.organisation(kind=OrganisationKind.POLICE)
    response = group.admin.post(
        "/api/v1/departments",
        {"area": area.pk, "housing_organisation": police.pk, "name": "Afd. 7"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {"housing_organisation": "En afdeling skal høre til en boligorganisation."}
    assert not Department.objects.filter(name="Afd. 7").exists()


def test_department_number_is_unique_per_housing_organisation(group):
    existing = Department.objects.select_related("housing_organisation").first()
    response = group.admin.post(
        "/api/v1/departments",
        {
            "area": existing.area_id,
            "housing_organisation": existing.housing_organisation_id,
            "code": existing.code,
            "name": "Dublet",
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {"code": "Boligorganisationen har allerede en afdeling med dette nummer."}


def test_admin_creates_and_moves_a_department_others_read_it(group):
    area, other_area = factories.area(), factories.area()
    housing = factories.organisation(kind=OrganisationKind.HOUSING)
    response = group.admin.post(
        "/api/v1/departments",
        {"area": area.pk, "housing_organisation": housing.pk, "code": "42", "name": "Vestparken"},
        content_type=JSON,
    )
    assert response.status_code == 201
    department_id = response.json()["id"]
    moved = group.admin.patch(f"/api/v1/departments/{department_id}", {"area": other_area.pk}, content_type=JSON)
    assert moved.json()["area"] == other_area.pk
    assert group.member.get(f"/api/v1/departments/{department_id}").json()["name"] == "Vestparken"
    assert (
        group.member.patch(f"/api/v1/departments/{department_id}", {"name": "x"}, content_type=JSON).status_code == 403
    )
    unknown = group.admin.patch(f"/api/v1/departments/{department_id}", {"area": 987654}, content_type=JSON)
    assert details(unknown) == {"area": "Der findes intet boligområde med id 987654."}


# --- people ---------------------------------------------------------------------------------------------


def test_people_are_visible_only_through_plans_one_can_read(group, django_assert_max_num_queries):
    factories.member(plan=factories.plan(name="Fremmed"), name="Skjult Person")
    group.member.get("/api/v1/people")
    with django_assert_max_num_queries(4):
        response = group.member.get("/api/v1/people")
    assert sorted(p["name"] for p in response.json()) == ["Lasse Politi", "Maria Tovholder"]
    hidden = Person.objects.get(name="Skjult Person")
    assert group.member.get(f"/api/v1/people/{hidden.pk}").status_code == 404
    assert group.admin.get(f"/api/v1/people/{hidden.pk}").status_code == 200
    assert group.stranger.get("/api/v1/people").json() == []


def test_admin_list_of_people_is_constant_in_queries(group, django_assert_max_num_queries):
    for i in range(5):
        factories.member(plan=group.plan, name=f"Person {i}")
    group.admin.get("/api/v1/people")
    with django_assert_max_num_queries(3):
        response = group.admin.get("/api/v1/people")
    assert len(response.json()) == 7


def test_only_an_admin_creates_a_person_outside_a_plan(group):
    org = factories.organisation()
    payload = {"name": "Ny Person", "organisation": org.pk, "phones": ["+45 20 13 55 50"]}
    forbidden = group.coordinator.post("/api/v1/people", payload, content_type=JSON)
    assert forbidden.status_code == 403
    response = group.admin.post("/api/v1/people", payload, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["phones"][0]["number"] == "+4520135550"


def test_person_with_bad_email_or_phone_is_refused_per_field(group):
    org = factories.organisation()
    response = group.admin.post(
        "/api/v1/people",
        {"name": "Fejl", "organisation": org.pk, "email": "ikke-en-mail", "phones": ["abc"]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "gyldig e-mail" in details(response)["email"]
    assert not Person.objects.filter(name="Fejl").exists()
    response = group.admin.post(
        "/api/v1/people", {"name": "Fejl", "organisation": org.pk, "phones": ["abc"]}, content_type=JSON
    )
    assert details(response) == {"phones": "“abc” er ikke et telefonnummer."}
    assert not Person.objects.filter(name="Fejl").exists()


def test_coordinator_updates_a_member_person_plain_member_cannot(group):
    person = group.member_membership.person
    response = group.coordinator.patch(
        f"/api/v1/people/{person.pk}",
        {"phones": ["20 13 55 99"], "title": "Politikommissær"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert [p["display"] for p in response.json()["phones"]] == ["20 13 55 99"]
    coordinator_person = group.coordinator_membership.person
    forbidden = group.member.patch(f"/api/v1/people/{coordinator_person.pk}", {"title": "x"}, content_type=JSON)
    assert forbidden.status_code == 403
    hidden = factories.member(plan=factories.plan(name="Fremmed"), name="Skjult").person
    assert group.coordinator.patch(f"/api/v1/people/{hidden.pk}", {"title": "x"}, content_type=JSON).status_code == 404


def test_invalid_phone_on_update_changes_nothing(group):
    person = group.member_membership.person
    response = group.coordinator.patch(
        f"/api/v1/people/{person.pk}",
        {"name": "Nyt Navn", "phones": ["20 13 55 98", "12"]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {
        "phones": "“12” er ikke et gyldigt telefonnummer. Skriv 8 cifre, eller +landekode og nummer."
    }
    person.refresh_from_db()
    assert person.name == "Lasse Politi"
    assert [p.number for p in person.phones.all()] == ["+4520995535"]


def test_department_list_in_constant_queries(group, django_assert_max_num_queries):
    for _ in range(4):
        factories.area()
    group.member.get("/api/v1/departments")
    with django_assert_max_num_queries(2):
        response = group.member.get("/api/v1/departments")
    assert len(response.json()) == Department.objects.count()
    assert all(d["housing_organisation"]["name"] for d in response.json())
