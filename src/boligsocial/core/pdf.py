"""PDF rendering with WeasyPrint that reads only our own static files: no network, no other files."""

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative and root-relative URLs in the rendered HTML resolve against this address, which is never contacted:
# the fetcher below answers it from the static files on disk.
BASE_URL = "https://boligsocial.invalid/"


def static_file_for_url(url: str) -> Path | None:
    """The local file behind a static-file URL, or None for anything that is not one of our static files."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    name = unquote(url[len(prefix) :].split("?", 1)[0].split("#", 1)[0])
    parts = PurePosixPath(name).parts
    if not name or name.startswith("/") or ".." in parts or "\\" in name:
        return None
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if found:
        return Path(found)
    # In production the URL names a collected (hashed) file that only exists under STATIC_ROOT.
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves WeasyPrint our static files and refuses every other URL (http, file, data...)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        path = static_file_for_url(url)
        if path is None:
            raise ValueError(f"Only the application's own static files may be loaded: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def html_to_document(html: str) -> Document:
    """Lay out an HTML page for print; the caller may inspect the pages before writing the PDF."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnlyFetcher()).render()


def html_to_pdf(html: str) -> bytes:
    """Render an HTML page to PDF bytes."""
    return html_to_document(html).write_pdf()


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """Serve a PDF inline (the browser shows it), with a filename for saving."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    # A plan holds personal phone numbers: no shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
