import socket
from pathlib import Path

import pytest

from boligsocial.core.pdf import BASE_URL, StaticFilesOnlyFetcher, html_to_pdf, static_file_for_url

STATIC = f"{BASE_URL}static/"


def test_our_static_files_are_served_from_disk():
    path = static_file_for_url(f"{STATIC}plans/print.css?v=1")
    assert path is not None and path.name == "print.css"
    response = StaticFilesOnlyFetcher().fetch(f"{STATIC}plans/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://boligsocial.invalid/admin/",
        "file:///etc/passwd",
        f"{STATIC}../settings/base.py",
        f"{STATIC}%2e%2e/%2e%2e/settings/base.py",
        f"{STATIC}/etc/passwd",
        f"{STATIC}plans/missing.css",
        "data:text/css,body{}",
    ],
)
def test_anything_else_is_refused(url):
    assert static_file_for_url(url) is None
    with pytest.raises(ValueError):
        StaticFilesOnlyFetcher().fetch(url)


def test_collected_files_under_static_root_are_served_in_production(settings, tmp_path: Path):
    # Manifest storage names files by hash: only STATIC_ROOT has them.
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "print.0123abcd.css").write_text("@page { size: A4 }")
    (tmp_path.parent / "outside.css").write_text("secret")
    settings.STATIC_ROOT = tmp_path
    assert static_file_for_url(f"{STATIC}plans/print.0123abcd.css") == tmp_path / "plans" / "print.0123abcd.css"
    assert static_file_for_url(f"{STATIC}../outside.css") is None


def test_rendering_never_opens_a_network_connection(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    html = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<style>@import url("https://example.com/y.css");</style>'
        '<img src="http://example.com/logo.png" alt=""><p>Beredskab</p>'
    )
    assert html_to_pdf(html).startswith(b"%PDF")
    assert attempts == []
