import pytest

from boligsocial.directory.models import Person
from boligsocial.plans.models import FallbackProcedure, LevelRule, Membership, Plan, PlanStatus, PlanVersion
from boligsocial.plans.services import membership_save, plan_part_save
from tests import factories

from .conftest import details, token_client

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(plan, rest: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}{rest}"


# --- plans ----------------------------------------------------------------------------------------------


def test_plan_list_shows_a_member_only_their_plans(group, django_assert_max_num_queries):
    factories.plan(name="Hemmelig plan")
    for _ in range(3):
        factories.member(plan=factories.plan(name="Anden plan"), name="X", login=None)
    # The token with its user, its first use noted, the plans, their areas.
    with django_assert_max_num_queries(4):
        response = group.member.get("/api/v1/plans")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()] == ["Boulevardbebyggelserne"]
    assert response.json()[0]["status"] == "draft"
    assert response.json()[0]["areas"][0]["name"].startswith("Område")


def test_plan_list_for_an_administrator_is_every_plan_in_constant_queries(group, django_assert_max_num_queries):
    for i in range(5):
        factories.plan(name=f"Plan {i}")
    with django_assert_max_num_queries(4):
        response = group.admin.get("/api/v1/plans")
    assert len(response.json()) == 6


def test_plan_read_for_a_member_and_404_for_a_stranger(group, django_assert_max_num_queries):
    group.member.get("/api/v1/plans")  # the token's first use is noted once
    # The token, the confidentiality-pledge check, the plan and one query per prefetched part, whatever the number
    # of members.
    with django_assert_max_num_queries(16):
        response = group.member.get(url(group.plan))
    assert response.status_code == 200
    body = response.json()
    assert [lvl["level"] for lvl in body["levels"]] == ["green", "yellow", "red"]
    assert [m["person"]["name"] for m in body["members"]] == ["Maria Tovholder", "Lasse Politi"]
    assert body["members"][0]["person"]["phones"][0] == {
        "number": "+4520995535",
        "display": "20 99 55 35",
        "kind": "mobile",
    }
    assert body["can_edit"] is False
    assert group.coordinator.get(url(group.plan)).json()["can_edit"] is True

    refused = group.stranger.get(url(group.plan))
    assert refused.status_code == 404
    assert details(refused) == {None: "Planen findes ikke, eller du har ikke adgang til den."}


def test_admin_creates_a_plan(group):
    area = factories.area(name="Lerpøtparken")
    response = group.admin.post(
        "/api/v1/plans",
        {"name": "Ny plan", "valid_from": "2025-01-01", "valid_until": "2029-12-31", "areas": [area.pk]},
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["areas"] == [{"id": area.pk, "name": "Lerpøtparken"}]
    assert body["closed_june_5"] is True  # the model's default, since it was not sent
    assert Plan.objects.filter(name="Ny plan").exists()


def test_coordinator_cannot_create_a_plan(group):
    area = factories.area()
    response = group.coordinator.post(
        "/api/v1/plans",
        {"name": "Ny plan", "valid_from": "2025-01-01", "valid_until": "2029-12-31", "areas": [area.pk]},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert details(response) == {None: "Kun en administrator kan oprette en plan."}
    assert not Plan.objects.filter(name="Ny plan").exists()


def test_create_with_validity_end_before_start_names_the_field_and_saves_nothing(group):
    response = group.admin.post(
        "/api/v1/plans",
        {
            "name": "Baglæns",
            "valid_from": "2029-01-01",
            "valid_until": "2025-01-01",
            "areas": [factories.area().pk],
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {"valid_until": "Gyldigheden skal slutte samme dag som eller efter, den begynder."}
    assert not Plan.objects.filter(name="Baglæns").exists()


def test_create_with_bad_types_and_unknown_area_answers_danish_per_field(group):
    response = group.admin.post(
        "/api/v1/plans",
        {"name": "X", "valid_from": "første januar", "valid_until": "2029-12-31", "areas": [1], "navn": "x"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {
        "valid_from": "Angiv en gyldig dato som ÅÅÅÅ-MM-DD.",
        "navn": "Feltet findes ikke.",
    }
    response = group.admin.post(
        "/api/v1/plans",
        {"name": "X", "valid_from": "2025-01-01", "valid_until": "2029-12-31", "areas": [987654]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {"areas": "Der findes intet boligområde med id 987654."}
    missing = group.admin.post("/api/v1/plans", {"name": "X"}, content_type=JSON)
    assert details(missing)["valid_from"] == "Dette felt er påkrævet."


def test_coordinator_updates_the_plan_member_gets_403_stranger_404(group):
    other_area = factories.area(name="Vestparken")
    response = group.coordinator.patch(
        url(group.plan), {"purpose": "Tryghed", "areas": [other_area.pk]}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["purpose"] == "Tryghed"
    assert [a["name"] for a in response.json()["areas"]] == ["Vestparken"]

    forbidden = group.member.patch(url(group.plan), {"purpose": "Nej"}, content_type=JSON)
    assert forbidden.status_code == 403
    assert details(forbidden) == {None: "Kun planens tovholder eller en administrator kan ændre planen."}
    assert group.stranger.patch(url(group.plan), {"purpose": "Nej"}, content_type=JSON).status_code == 404
    group.plan.refresh_from_db()
    assert group.plan.purpose == "Tryghed"


def test_update_with_validity_end_before_start_changes_nothing(group):
    response = group.coordinator.patch(
        url(group.plan), {"name": "Nyt navn", "valid_until": "2020-01-01"}, content_type=JSON
    )
    assert response.status_code == 422
    assert set(details(response)) == {"valid_until"}
    group.plan.refresh_from_db()
    assert group.plan.name == "Boulevardbebyggelserne"


def test_changing_a_signed_plan_makes_a_new_version(group):
    Plan.objects.filter(pk=group.plan.pk).update(status=PlanStatus.SIGNED)
    response = group.coordinator.patch(url(group.plan), {"purpose": "Revideret"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["status"] == "draft"
    assert PlanVersion.objects.filter(plan=group.plan, number=1).exists()


# --- level rules ----------------------------------------------------------------------------------------


def test_coordinator_sets_a_level_deadline(group):
    response = group.coordinator.patch(
        url(group.plan, "/levels/yellow"),
        {"deadline_kind": "working_days", "deadline_value": 3, "description": "Alvorlig hændelse"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["deadline_text"] == "inden for 3 arbejdsdage"
    assert LevelRule.objects.get(plan=group.plan, level="yellow").deadline_value == 3


def test_level_rule_with_negative_hours_is_refused_in_danish(group):
    response = group.coordinator.patch(
        url(group.plan, "/levels/red"), {"deadline_kind": "hours", "deadline_value": -24}, content_type=JSON
    )
    assert response.status_code == 422
    assert details(response) == {"deadline_value": "Antal timer eller arbejdsdage skal være 1 eller flere."}
    assert LevelRule.objects.get(plan=group.plan, level="red").deadline_kind == "hours"


def test_level_outside_the_plan_and_unknown_kind_are_named(group):
    response = group.coordinator.patch(url(group.plan, "/levels/purple"), {}, content_type=JSON)
    assert response.status_code == 422
    assert "level" in details(response)
    assert "Vælg en af" in details(response)["level"]
    response = group.coordinator.patch(url(group.plan, "/levels/red"), {"deadline_kind": "weeks"}, content_type=JSON)
    assert set(details(response)) == {"deadline_kind"}


def test_member_cannot_change_a_level(group):
    response = group.member.patch(url(group.plan, "/levels/red"), {"description": "x"}, content_type=JSON)
    assert response.status_code == 403


# --- members --------------------------------------------------------------------------------------------


def test_member_list_in_priority_order_with_bounded_queries(group, django_assert_max_num_queries):
    for i in range(5):
        factories.member(plan=group.plan, name=f"Ekstra {i}", contact_priority=10 + i)
    factories.member(plan=group.plan, name="Uden prioritet")
    group.member.get("/api/v1/plans")
    with django_assert_max_num_queries(15):  # 14, and the confidentiality-pledge check
        response = group.member.get(url(group.plan, "/members"))
    names = [m["person"]["name"] for m in response.json()]
    assert names[:2] == ["Maria Tovholder", "Lasse Politi"]
    assert names[-1] == "Uden prioritet"
    assert len(names) == 8
    assert group.stranger.get(url(group.plan, "/members")).status_code == 404


def test_coordinator_adds_a_new_person_as_member(group):
    org = factories.organisation(name="Sydøstjyllands Politi")
    response = group.coordinator.post(
        url(group.plan, "/members"),
        {
            "new_person": {
                "name": "Ny Betjent",
                "organisation": org.pk,
                "phones": ["20 13 55 40"],
                "email": "nb@politi.dk",
            },
            "role": "Politikontakt",
            "contact_priority": 3,
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["person"]["phones"][0]["number"] == "+4520135540"
    assert body["person"]["organisation"]["name"] == "Sydøstjyllands Politi"
    assert body["kind"] == "fixed"
    assert Membership.objects.filter(plan=group.plan, person__name="Ny Betjent", contact_priority=3).exists()


def test_coordinator_adds_an_existing_person_they_can_see(group):
    other_plan = factories.plan(name="Anden plan")
    known = factories.member(plan=other_plan, name="Kendt Person")
    membership_save(actor=None, plan=other_plan, person=group.coordinator_membership.person)
    response = group.coordinator.post(
        url(group.plan, "/members"), {"person": known.person_id, "kind": "fixed"}, content_type=JSON
    )
    assert response.status_code == 201
    assert response.json()["person"]["id"] == known.person_id


def test_a_person_the_coordinator_cannot_see_is_refused(group):
    hidden = factories.member(plan=factories.plan(name="Fremmed"), name="Skjult Person")
    response = group.coordinator.post(url(group.plan, "/members"), {"person": hidden.person_id}, content_type=JSON)
    assert response.status_code == 422
    assert "person" in details(response)
    assert not Membership.objects.filter(plan=group.plan, person=hidden.person).exists()


def test_giving_both_or_neither_person_is_refused(group):
    response = group.coordinator.post(url(group.plan, "/members"), {"role": "x"}, content_type=JSON)
    assert response.status_code == 422
    assert details(response)["person"].startswith("Angiv enten en eksisterende person")


def test_bad_phone_and_email_name_the_nested_fields_and_nothing_is_saved(group):
    org = factories.organisation()
    response = group.coordinator.post(
        url(group.plan, "/members"),
        {
            "new_person": {
                "name": "Forkert",
                "organisation": org.pk,
                "phones": ["12"],
                "email": "ikke-en-mail",
            }
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    errors = details(response)
    assert "gyldig e-mail" in errors["new_person.email"]
    assert not Person.objects.filter(name="Forkert").exists()
    response = group.coordinator.post(
        url(group.plan, "/members"),
        {"new_person": {"name": "Forkert", "organisation": org.pk, "phones": ["12"]}},
        content_type=JSON,
    )
    assert "ikke et gyldigt telefonnummer" in details(response)["new_person.phones"]
    assert not Person.objects.filter(name="Forkert").exists()


def test_two_members_on_the_same_priority_is_refused_and_the_new_person_is_not_kept(group):
    response = group.coordinator.post(
        url(group.plan, "/members"),
        {
            "new_person": {"name": "Dobbelt", "organisation": factories.organisation().pk},
            "contact_priority": 1,
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert details(response) == {"contact_priority": "Maria Tovholder har allerede prioritet 1 på kontaktlisten."}
    assert not Person.objects.filter(name="Dobbelt").exists()


def test_substitute_for_someone_who_is_not_a_member_is_refused(group):
    stranger = factories.member(plan=factories.plan(name="Fremmed"), name="Fremmed Medlem")
    payload = {
        "new_person": {"name": "Suppleant", "organisation": factories.organisation().pk},
        "kind": "substitute",
        "substitute_for": stranger.pk,
    }
    response = group.coordinator.post(url(group.plan, "/members"), payload, content_type=JSON)
    assert response.status_code == 422
    assert details(response) == {"substitute_for": f"{stranger.pk} er ikke medlem af denne plan."}
    assert not Person.objects.filter(name="Suppleant").exists()


def test_substitute_for_a_fixed_member_is_accepted(group):
    payload = {
        "new_person": {"name": "Suppleant", "organisation": factories.organisation().pk},
        "kind": "substitute",
        "substitute_for": group.member_membership.pk,
    }
    response = group.coordinator.post(url(group.plan, "/members"), payload, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["substitute_for"] == group.member_membership.pk


def test_coordinator_updates_a_membership(group):
    response = group.coordinator.patch(
        url(group.plan, f"/members/{group.member_membership.pk}"),
        {"role": "Politikontakt", "contact_priority": 5},
        content_type=JSON,
    )
    assert response.status_code == 200
    group.member_membership.refresh_from_db()
    assert (group.member_membership.role, group.member_membership.contact_priority) == ("Politikontakt", 5)


def test_update_to_a_taken_priority_or_second_coordinator_is_refused(group):
    member_url = url(group.plan, f"/members/{group.member_membership.pk}")
    response = group.coordinator.patch(member_url, {"contact_priority": 1}, content_type=JSON)
    assert set(details(response)) == {"contact_priority"}
    response = group.coordinator.patch(member_url, {"is_coordinator": True}, content_type=JSON)
    assert details(response) == {
        "is_coordinator": "Planen har allerede en tovholder: Maria Tovholder. Fjern den først."
    }
    response = group.coordinator.patch(member_url, {"contact_priority": 0}, content_type=JSON)
    assert set(details(response)) == {"contact_priority"}


def test_member_of_another_plan_is_404_and_plain_member_cannot_update(group):
    other = factories.member(plan=factories.plan(name="Anden"), name="Anden")
    assert group.coordinator.patch(url(group.plan, f"/members/{other.pk}"), {}, content_type=JSON).status_code == 404
    response = group.member.patch(
        url(group.plan, f"/members/{group.member_membership.pk}"), {"role": "x"}, content_type=JSON
    )
    assert response.status_code == 403


def test_coordinator_removes_a_member_and_a_member_cannot(group):
    member_url = url(group.plan, f"/members/{group.member_membership.pk}")
    assert group.member.delete(member_url).status_code == 403
    response = group.coordinator.delete(member_url)
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=group.member_membership.pk).exists()
    assert group.coordinator.delete(member_url).status_code == 404


# --- contact list ---------------------------------------------------------------------------------------


def test_contact_list_in_priority_order_with_fallback(group, django_assert_max_num_queries):
    factories.member(plan=group.plan, name="Kommunen", contact_priority=3, phones=["20 13 55 41"])
    factories.member(plan=group.plan, name="Ikke på listen")
    plan_part_save(
        actor=None,
        plan=group.plan,
        part=FallbackProcedure(
            plan=group.plan,
            condition="Ingen af politiets kontakter svarer",
            instruction="Ring til vagtchefen",
            phone="114",
        ),
    )
    Membership.objects.filter(pk=group.coordinator_membership.pk).update(contact_priority=4)
    group.member.get("/api/v1/plans")
    with django_assert_max_num_queries(15):  # 14, and the confidentiality-pledge check
        response = group.member.get(url(group.plan, "/contact-list"))
    body = response.json()
    assert [(c["priority"], c["name"]) for c in body["contacts"]] == [
        (2, "Lasse Politi"),
        (3, "Kommunen"),
        (4, "Maria Tovholder"),
    ]
    assert body["contacts"][1]["phones"][0]["display"] == "20 13 55 41"
    assert body["fallbacks"][0]["phone"] == "114"
    assert group.stranger.get(url(group.plan, "/contact-list")).status_code == 404


def test_other_users_token_never_sees_another_users_plan(group):
    other_login = factories.user()
    own = factories.plan(name="Egen plan")
    factories.member(plan=own, name="Egen", login=other_login)
    client = token_client(other_login)
    assert [p["name"] for p in client.get("/api/v1/plans").json()] == ["Egen plan"]
    assert client.get(url(group.plan)).status_code == 404
