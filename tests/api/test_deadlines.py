import pytest
from django.test import Client

from boligsocial.plans import services
from boligsocial.plans.models import DeadlineKind
from tests import factories

pytestmark = pytest.mark.django_db

EASTER = "2026-04-01T14:00:00%2B02:00"


class ApiClient:
    """Calls the mounted API at /api/v1/ as a signed-in user (or anonymously)."""

    def __init__(self):
        self.browsers = {}

    def get(self, path, user=None):
        if user not in self.browsers:
            self.browsers[user] = Client()
            if user is not None:
                self.browsers[user].force_login(user)
        return self.browsers[user].get("/api/v1" + path)


@pytest.fixture
def client():
    return ApiClient()


@pytest.fixture
def plan():
    plan = factories.plan()
    for level, kind, value in [("yellow", DeadlineKind.WORKING_DAYS, 3), ("red", DeadlineKind.HOURS, 24)]:
        rule = plan.level_rules.get(level=level)
        rule.deadline_kind, rule.deadline_value = kind, value
        services.plan_part_save(actor=None, plan=plan, part=rule)
    return plan


@pytest.fixture
def member(plan):
    login = factories.user()
    factories.member(plan=plan, login=login)
    return login


def test_yellow_before_easter_answers_the_deadline_and_the_skipped_days(
    client, plan, member, django_assert_max_num_queries
):
    client.get("/plans/0/deadline", user=member)  # signs in, so the count below is the request's own
    with django_assert_max_num_queries(6):
        response = client.get(f"/plans/{plan.pk}/deadline?level=yellow&at={EASTER}", user=member)
    assert response.status_code == 200
    body = response.json()
    assert body["deadline"] == "2026-04-09T23:59:00+02:00"
    assert body["level"] == "yellow"
    assert body["rule"] == "inden for 3 arbejdsdage"
    assert body["activated_at"] == "2026-04-01T14:00:00+02:00"
    assert [(s["date"], s["reason"]) for s in body["skipped"]] == [
        ("2026-04-02", "Skærtorsdag"),
        ("2026-04-03", "Langfredag"),
        ("2026-04-04", "Lørdag"),
        ("2026-04-05", "Påskedag"),
        ("2026-04-06", "Anden påskedag"),
    ]
    assert body["skipped"][2]["kind"] == "weekend"


def test_an_unencoded_plus_in_the_offset_is_understood(client, plan, member):
    response = client.get(f"/plans/{plan.pk}/deadline?level=yellow&at=2026-04-01T14:00:00+02:00", user=member)
    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-04-09T23:59:00+02:00"


def test_red_in_utc_answers_copenhagen_time_24_real_hours_later(client, plan, member):
    response = client.get(f"/plans/{plan.pk}/deadline?level=red&at=2026-03-28T21:00:00Z", user=member)
    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-03-29T23:00:00+02:00"
    assert response.json()["skipped"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"level=orange&at={EASTER}", "Ukendt niveau “orange”"),
        (f"at={EASTER}", "Vælg et niveau: green (grøn), yellow (gul) eller red (rød)."),
        (f"level=green&at={EASTER}", "Planen fastsætter ingen mødefrist for niveauet “Grøn”."),
        ("level=yellow", "Angiv tidspunktet i ISO 8601"),
        ("level=yellow&at=2026-04-01T14:00:00", "skal have en tidszoneforskydning"),
        ("level=yellow&at=onsdag", "“onsdag” er ikke et tidspunkt"),
    ],
)
def test_bad_input_is_refused_in_danish(client, plan, member, query, message):
    response = client.get(f"/plans/{plan.pk}/deadline?{query}", user=member)
    assert response.status_code == 422
    assert message in " ".join(d["message"] for d in response.json()["detail"])


def test_a_plan_the_caller_cannot_read_is_not_found(client, plan):
    outsider = factories.user()
    assert client.get(f"/plans/{plan.pk}/deadline?level=yellow&at={EASTER}", user=outsider).status_code == 404
    assert client.get(f"/plans/{plan.pk}/deadline?level=yellow&at={EASTER}").status_code == 401


def test_an_administrator_reads_any_plan(client, plan):
    admin = factories.user(is_staff=True)
    response = client.get(f"/plans/{plan.pk}/deadline?level=yellow&at={EASTER}", user=admin)
    assert response.status_code == 200


def test_deadline_is_mounted_in_the_main_api_with_token_auth(db):
    """The router is part of /api/v1/ and listed in the OpenAPI schema."""
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/plans/{plan_id}/deadline" in schema["paths"]
    assert (
        Client().get("/api/v1/plans/1/deadline", {"level": "red", "at": "2026-04-01T14:00:00+02:00"}).status_code == 401
    )
