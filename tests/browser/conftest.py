"""Browser tests: Playwright drives Debian's Chromium, headless, against pytest-django's live server.

Why DJANGO_ALLOW_ASYNC_UNSAFE: between calls, Playwright's sync API leaves its asyncio loop marked as
running in the test thread (wait_for_future in playwright/_impl/_greenlets.py). Django's async-safety check
then refuses every ORM call that thread makes: the test's data set-up and pytest-django's flush after a
transactional test. Nothing runs concurrently with those calls (the loop only turns while the test waits
inside a Playwright call; the views run in the live server's own thread), so here the check is a false alarm.
The variable is set exactly while Playwright runs, and Playwright runs only while this package's tests do
(package scope): the rest of the suite keeps Django's check, and a test thread without a running loop.

Every test here uses `live_server`, which makes it transactional: on PostgreSQL the server thread must see
committed rows. On SQLite pytest-django hands the in-memory test database's connection to the server thread.
"""

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import get_resolver
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Route, sync_playwright

from boligsocial.accounts.selectors import user_requires_two_factor

CHROMIUM = Path(os.environ.get("BOLIGSOCIAL_CHROMIUM", "/usr/bin/chromium"))

# The machine has no internet: nothing may phone home, and a stray request would only wait for a timeout.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]

PASSWORD = "x-test-password-1"  # what tests.factories.user() sets
BLOCKING_IMPACTS = {"serious", "critical"}

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser drives Chromium: mark it so that `-m "not browser"` leaves it out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}; the browser tests need it. Install it with "
            "`make system-deps` (scripts/system-deps.sh installs Debian's chromium), or point "
            "BOLIGSOCIAL_CHROMIUM at a Chromium binary. Not `playwright install`: it downloads.",
            pytrace=False,
        )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as started:
            yield started
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One Chromium for all browser tests, with its profile in a temporary directory."""
    # A persistent context is Playwright's only way to choose the profile directory (--user-data-dir);
    # its browser then hands out the fresh, isolated contexts the tests use.
    persistent = playwright.chromium.launch_persistent_context(
        tmp_path_factory.mktemp("chromium-profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
    )
    assert persistent.browser is not None
    yield persistent.browser
    persistent.close()


@pytest.fixture(scope="package")
def warm_server() -> None:
    """Import the URLconf (WeasyPrint's import alone takes seconds) and load the catalogues before any test's 5 s
    page timeout starts. The live server is a thread of this process, so it finds them already loaded."""
    get_resolver().url_patterns  # noqa: B018
    with translation.override("da"):
        translation.gettext("Log in")  # loads every app's catalogue


# Data that migrations seed (incident types, built-in indicators and rules, the statistics editors group). The
# live-server tests are transactional and a flush empties these tables; serialized_rollback cannot restore them
# for Playwright's connection, so they are installed again, idempotently, before each browser test.
SEEDING_MIGRATIONS = ("boligsocial.plans.migrations.0002_incident_types", "boligsocial.areas.migrations.0002_builtins")


@pytest.fixture
def migration_data(live_server) -> None:
    from django.apps import apps

    for module in SEEDING_MIGRATIONS:
        migration = importlib.import_module(module)
        seed = getattr(migration, "seed", None) or migration.install
        seed(apps, None)


@pytest.fixture
def context(browser: Browser, warm_server, live_server, migration_data) -> Iterator[BrowserContext]:
    """A fresh browser context (no cookies) per test, in Danish, that may only talk to the live server."""
    # The live server runs in this process: importing the URL configuration (every app, the API schemas) here
    # keeps those seconds out of the first page load, which a busy machine would otherwise push past the timeout.
    get_resolver().url_patterns  # noqa: B018
    created = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    created.set_default_timeout(5_000)
    foreign: list[str] = []

    def refuse(route: Route) -> None:
        foreign.append(route.request.url)
        route.abort()

    created.route(lambda url: not url.startswith(live_server.url), refuse)
    yield created
    created.close()
    assert not foreign, f"The pages fetched something outside the server (no CDN, no third party): {foreign}"


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test if the Content-Security-Policy refused anything (inline script or style...)."""
    created = context.new_page()
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{created.url}: {message.text}")

    created.on("console", note)
    yield created
    assert not refused, "The Content-Security-Policy refused something:\n" + "\n".join(refused)


def authenticator_code(user) -> str:
    """The code an authenticator app with the user's (first) device shows now; gives the user one if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def login() -> Callable[..., None]:
    """Log in through the real login page, by its Danish labels, and land on the plan list.

    Users who must use two-factor sign-in (public authority, administrators) get an authenticator first if they
    have none, and the helper types its current code on the code page, as a person with the app would.
    """

    def log_in(page: Page, user, *, password: str = PASSWORD, check: Callable[[Page], None] | None = None):
        code = authenticator_code(user) if user_requires_two_factor(user=user) else None
        page.goto("/accounts/login/")
        if check is not None:
            check(page)
        page.get_by_label("Brugernavn").fill(user.username)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        if code is not None:
            page.wait_for_url("**/accounts/two-factor/**")
            if check is not None:
                check(page)
            page.get_by_label("Kode").fill(code)
            page.get_by_role("button", name="Fortsæt").click()
        page.wait_for_url("**/plans/")

    return log_in


@pytest.fixture(scope="package")
def axe() -> Axe:
    # axe-playwright-python ships axe.min.js and injects it with page.evaluate: nothing is fetched
    # (the context fixture would fail the test if anything were).
    return Axe()


@pytest.fixture
def assert_accessible(axe: Axe) -> Callable[[Page], None]:
    """Run axe-core on the page: no serious or critical violation; the milder ones are printed."""

    def check(page: Page) -> None:
        page.wait_for_load_state()  # the stylesheet too: colours and layout are part of the check
        violations = axe.run(page).response["violations"]
        lines = {
            v["id"]: f"{v['impact']}: {v['id']} – {v['help']} – "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"])
            for v in violations
        }
        blocking = [lines[v["id"]] for v in violations if v["impact"] in BLOCKING_IMPACTS]
        for v in violations:
            if v["impact"] not in BLOCKING_IMPACTS:
                print(f"axe on {page.url}: {lines[v['id']]}")
        assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(blocking)

    return check
