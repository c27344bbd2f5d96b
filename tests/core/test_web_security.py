"""Web security headers and settings: the Content-Security-Policy, templates it can hold, `check --deploy`."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from boligsocial.core.middleware import HEADER
from tests import factories

SRC = Path(__file__).resolve().parents[2] / "src" / "boligsocial"
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))


@pytest.mark.django_db
def test_every_page_gets_a_policy_without_inline_code(client):
    client.force_login(factories.user())
    for path in ("/plans/", "/accounts/login/", "/nowhere/"):
        policy = client.get(path)[HEADER]
        assert "default-src 'self'" in policy, path
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path


@pytest.mark.django_db
def test_api_answers_and_the_docs_page_carry_the_policy_too(client):
    assert "default-src 'self'" in client.get("/api/v1/plans")[HEADER]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "unsafe-inline" not in docs[HEADER] and "unsafe-eval" not in docs[HEADER]


def test_templates_have_no_inline_script_style_or_event_handler():
    assert len(TEMPLATES) > 20
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        name = template.relative_to(SRC)
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text), name
        assert not re.search(r"<style\b", text), name
        assert not re.search(r"\sstyle=", text), name
        assert not re.search(r"\son[a-z]+=", text), name
        assert "javascript:" not in text, name
        assert "hx-on" not in text, name


def test_htmx_is_told_not_to_insert_its_indicator_style():
    base = (SRC / "core" / "templates" / "base.html").read_text(encoding="utf-8")
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false""" in base


def test_check_deploy_with_production_settings_reports_nothing():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "SESSION_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="boligsocial.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="postgres://boligsocial:hemmeligt@127.0.0.1:5432/boligsocial",
        ALLOWED_HOSTS="beredskab.example",
        EMAIL_HOST="smtp.beredskab.example",
        DEFAULT_FROM_EMAIL="beredskab@beredskab.example",
    )
    result = subprocess.run(  # noqa: S603 (our own manage.py with a fixed argument list)
        [sys.executable, "-m", "boligsocial.manage", "check", "--deploy", "--fail-level", "DEBUG"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout + result.stderr
