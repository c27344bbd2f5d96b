import re

import pytest
from django.test import Client

from .conftest import details

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/plans"): "plan_list",
    ("post", "/api/v1/plans"): "plan_create",
    ("get", "/api/v1/plans/{plan_id}"): "plan_read",
    ("patch", "/api/v1/plans/{plan_id}"): "plan_update",
    ("patch", "/api/v1/plans/{plan_id}/levels/{level}"): "level_rule_update",
    ("get", "/api/v1/plans/{plan_id}/members"): "member_list",
    ("post", "/api/v1/plans/{plan_id}/members"): "member_add",
    ("patch", "/api/v1/plans/{plan_id}/members/{membership_id}"): "member_update",
    ("delete", "/api/v1/plans/{plan_id}/members/{membership_id}"): "member_remove",
    ("get", "/api/v1/plans/{plan_id}/contact-list"): "contact_list",
    ("get", "/api/v1/plans/{plan_id}/deadline"): "plan_deadline",
    ("get", "/api/v1/organisations"): "organisation_list",
    ("post", "/api/v1/organisations"): "organisation_create",
    ("get", "/api/v1/organisations/{organisation_id}"): "organisation_read",
    ("patch", "/api/v1/organisations/{organisation_id}"): "organisation_update",
    ("get", "/api/v1/areas"): "area_list",
    ("post", "/api/v1/areas"): "area_create",
    ("get", "/api/v1/areas/{area_id}"): "area_read",
    ("patch", "/api/v1/areas/{area_id}"): "area_update",
    ("get", "/api/v1/departments"): "department_list",
    ("post", "/api/v1/departments"): "department_create",
    ("get", "/api/v1/departments/{department_id}"): "department_read",
    ("patch", "/api/v1/departments/{department_id}"): "department_update",
    ("get", "/api/v1/people"): "person_list",
    ("post", "/api/v1/people"): "person_create",
    ("get", "/api/v1/people/{person_id}"): "person_read",
    ("patch", "/api/v1/people/{person_id}"): "person_update",
    ("get", "/api/v1/activations/{activation_id}/evaluation"): "evaluation_read",
    ("post", "/api/v1/activations/{activation_id}/evaluation"): "evaluation_submit",
    ("get", "/api/v1/plans/{plan_id}/evaluations"): "evaluation_list",
    ("get", "/api/v1/activations/{activation_id}/communications"): "communication_list",
    ("post", "/api/v1/activations/{activation_id}/communications"): "communication_create",
    ("get", "/api/v1/activations/{activation_id}/communication-templates/{kind}"): "communication_template_filled",
    ("get", "/api/v1/activations/{activation_id}/outreach-tasks"): "outreach_task_list",
    ("post", "/api/v1/activations/{activation_id}/outreach-tasks"): "outreach_task_create",
    ("get", "/api/v1/outreach-tasks/mine"): "outreach_task_mine",
    ("get", "/api/v1/outreach-tasks/{task_id}"): "outreach_task_read",
    ("patch", "/api/v1/outreach-tasks/{task_id}"): "outreach_task_update",
    ("post", "/api/v1/outreach-tasks/{task_id}/reports"): "outreach_report_create",
    ("post", "/api/v1/plans/{plan_id}/incidents"): "incident_create",
    ("post", "/api/v1/incidents/{incident_id}/activation"): "incident_activate",
    ("post", "/api/v1/incidents/{incident_id}/request"): "incident_request",
    ("get", "/api/v1/requests"): "request_list",
    ("post", "/api/v1/requests/{request_id}/accept"): "request_accept",
    ("post", "/api/v1/requests/{request_id}/decline"): "request_decline",
    ("get", "/api/v1/activations"): "activation_list",
    ("get", "/api/v1/activations/{activation_id}"): "activation_read",
    ("get", "/api/v1/activations/{activation_id}/timeline"): "activation_timeline",
    ("post", "/api/v1/activations/{activation_id}/acknowledge"): "activation_acknowledge",
    ("post", "/api/v1/activations/{activation_id}/level"): "activation_change_level",
    ("post", "/api/v1/activations/{activation_id}/close"): "activation_close",
    ("post", "/api/v1/ack/{token}"): "acknowledge_with_token",
    ("get", "/api/v1/activations/{activation_id}/meetings"): "activation_meeting_list",
    ("post", "/api/v1/activations/{activation_id}/meetings"): "meeting_schedule",
    ("get", "/api/v1/meetings/{meeting_id}"): "meeting_read",
    ("patch", "/api/v1/meetings/{meeting_id}"): "meeting_reschedule",
    ("post", "/api/v1/meetings/{meeting_id}/cancel"): "meeting_cancel",
    ("post", "/api/v1/meetings/{meeting_id}/record"): "meeting_record",
    ("get", "/api/v1/activations/{activation_id}/decisions"): "activation_decision_list",
    ("post", "/api/v1/activations/{activation_id}/decisions"): "decision_record",
    ("get", "/api/v1/activations/{activation_id}/actions"): "activation_action_list",
    ("post", "/api/v1/activations/{activation_id}/actions"): "action_create",
    ("patch", "/api/v1/actions/{action_id}"): "action_update",
    ("get", "/api/v1/people/{person_id}/export"): "person_export",
    ("get", "/api/v1/me/export"): "my_export",
    ("get", "/api/v1/key-figures/areas"): "key_figure_area_list",
    ("get", "/api/v1/key-figures/areas/{area_id}"): "key_figure_area_read",
    ("get", "/api/v1/key-figures/departments/{department_id}"): "key_figure_department_read",
    ("get", "/api/v1/key-figures/follow-up"): "key_figure_follow_up",
}


def test_openapi_schema_loads_without_login_and_lists_every_operation():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    found = {
        (method, path): operation["operationId"]
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert found == OPERATIONS


def test_schema_declares_bearer_auth_and_the_error_shape():
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()
    create = schema["paths"]["/api/v1/plans"]["post"]
    assert {"201", "401", "403", "422"} <= set(create["responses"])
    activate = schema["paths"]["/api/v1/incidents/{incident_id}/activation"]["post"]["responses"]
    assert activate["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/AlreadyActivatedOut")
    incident = schema["paths"]["/api/v1/plans/{plan_id}/incidents"]["post"]
    assert [p["name"] for p in incident["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    assert "security" not in schema["paths"]["/api/v1/ack/{token}"]["post"], "the signed link needs no login"
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail"}
    assert {"field", "message"} <= set(schema["components"]["schemas"]["ErrorItem"]["properties"])


def test_docs_page_loads_only_local_assets():
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page should reference its script and style"
    assert all(a.startswith("/static/") for a in assets), assets
    assert "cdn" not in html.lower()
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_unknown_address_and_method_answer_json(group):
    missing = group.member.get("/api/v1/findes-ikke")
    assert missing.status_code == 404
    assert details(missing) == {None: "Denne API-adresse findes ikke."}
    not_allowed = group.member.delete("/api/v1/plans")
    assert not_allowed.status_code == 405
    assert details(not_allowed) == {None: "Metoden DELETE er ikke tilladt her."}
    assert "GET" in not_allowed["Allow"]


def test_body_that_is_not_json_is_refused_in_danish(group):
    response = group.coordinator.patch(f"/api/v1/plans/{group.plan.pk}", "{ikke json", content_type="application/json")
    assert response.status_code == 400
    assert details(response) == {None: "Forespørgslens indhold er ikke gyldig JSON."}


def test_path_parameter_of_the_wrong_type_is_named(group):
    response = group.member.get("/api/v1/plans/abc")
    assert response.status_code == 422
    assert details(response) == {"plan_id": "Angiv et helt tal."}


def test_errors_follow_the_requested_language(group):
    response = group.stranger.get(f"/api/v1/plans/{group.plan.pk}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert details(response) == {None: "No such plan, or you do not have access to it."}


def test_unexpected_failure_answers_json_500_without_details(group, monkeypatch):
    from boligsocial.plans import selectors

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "plan_list_for_user", broken)
    response = group.member.get("/api/v1/plans")
    assert response.status_code == 500
    assert details(response) == {None: "Der gik noget galt på serveren. Prøv igen senere."}
    assert "fire" not in response.text
