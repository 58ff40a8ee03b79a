"""Browser tests: a live server, Debian's chromium driven by Playwright, and axe.

Every test in this folder is marked ``browser``. Without ``/usr/bin/chromium`` or the
``playwright`` module the tests skip, except on CI (``CI=true``) where they fail.

Each page a test opens is watched: a request to any host other than 127.0.0.1 is blocked
and fails the test (the portal makes no third-party requests), and so does a console
error, an uncaught JavaScript error or a sub-resource (CSS, JS, image) that fails to load.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select, text
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db, limiter
from portal.models import Base, ServiceUser
from tests.conftest import _empty_tables, database_url

try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

    PLAYWRIGHT_PROBLEM = ""
except ImportError as error:  # pragma: no cover - depends on the environment
    # Test modules import these names from here, so they still collect (then skip or fail).
    PLAYWRIGHT_PROBLEM = f"playwright or axe-playwright-python cannot be imported ({error})"
    Axe = Browser = BrowserContext = Page = expect = sync_playwright = None  # type: ignore[assignment,misc]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
LOCAL_HOST = "127.0.0.1"

DEMO_PASSWORD = "demo-password-2026"
_LIVE: dict[str, Flask] = {}  # the live app, for reading the demo's authenticator code
HOME_FOR = {
    "service.user@example.test": "/me/",
    "carer@example.test": "/carer/",
    "key.worker@example.test": "/staff/",
    "team.lead@example.test": "/staff/",
    "consultant@example.test": "/staff/",
    "peer.support@example.test": "/staff/",
    "admin@example.test": "/admin/",
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# --- marker, and skip or fail when the browser is missing ------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing() -> str:
    if PLAYWRIGHT_PROBLEM:
        return PLAYWRIGHT_PROBLEM
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return ""


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    problem = _missing()
    if not problem:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"Browser tests cannot run on CI: {problem}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {problem}")


# --- the live server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(_browser_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with CSRF on, on the same kind of database as the other tests, from migrations."""
    app = create_app(
        "testing", {"DATABASE_URL": database_url(tmp_path_factory), "WTF_CSRF_ENABLED": True}
    )
    with app.app_context():
        from flask_migrate import upgrade

        with db.engine.begin() as connection:  # start from nothing, even on a reused server
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    _LIVE["app"] = app
    yield app
    with app.app_context():
        db.engine.dispose()  # let go of PostgreSQL connections before other fixtures drop tables


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the app on a free local port in a daemon thread; the base URL, no trailing slash."""
    server = make_server(LOCAL_HOST, 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _clean_live_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the live server: empty the tables and reset the rate limits."""
    yield
    if "live_app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("live_app")
    with app.app_context():
        db.session.remove()
        _empty_tables()
        limiter.reset()


@dataclass
class Demo:
    """What ``load_demo_data()`` made that tests need to know: record ids."""

    sam_id: int
    alex_id: int


@pytest.fixture
def demo(live_app: Flask) -> Demo:
    """The demo accounts and people (portal/services/demo.py); password ``demo-password-2026``."""
    from portal.services.demo import load_demo_data

    with live_app.app_context():
        load_demo_data()
        ids = {
            given: db.session.scalar(select(ServiceUser.id).filter_by(given_name=given))
            for given in ("Samuel", "Alex")
        }
        db.session.remove()
    return Demo(sam_id=ids["Samuel"], alex_id=ids["Alex"])


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(_browser_available: None) -> Iterator[Browser]:
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@dataclass
class PageWatch:
    """What went wrong in the pages of one test, beyond what the test itself checks."""

    third_party: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)

    def take_problems(self) -> list[str]:
        """The problems seen so far, each reported once."""
        problems = (
            [f"request to another host (blocked): {url}" for url in self.third_party]
            + [f"console error: {message}" for message in self.console_errors]
            + [f"sub-resource failed to load: {failure}" for failure in self.failed_resources]
        )
        self.third_party.clear()
        self.console_errors.clear()
        self.failed_resources.clear()
        return problems

    def check(self) -> None:
        if problems := self.take_problems():
            pytest.fail(
                "The pages in this test had problems:\n  " + "\n  ".join(problems), pytrace=False
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself (not its teardown) when its pages had problems."""
    result = yield
    watch = getattr(item, "page_watch", None)
    if watch is not None:
        watch.check()
    return result


def _watch(context: BrowserContext, watch: PageWatch) -> None:
    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            watch.third_party.append(route.request.url)
            route.abort("blockedbyclient")

    def on_response(response: Any) -> None:
        if response.request.resource_type == "document":
            # The page's own status is for the test to check (a 404 page is a 404 on purpose).
            watch.documents.add(response.url)
        elif 400 <= response.status < 500 and response.request.headers.get("hx-request") == "true":
            # A refused save answered to HTMX is swapped in and shown (the layout's htmx config):
            # the test checks what the person sees.
            watch.documents.add(response.url)
        elif response.status >= 400:
            watch.failed_resources.append(f"{response.status} {response.url}")

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        # Chromium logs the page's own 4xx status as "Failed to load resource": not an error here.
        if message.text.startswith("Failed to load resource") and url in watch.documents:
            return
        watch.console_errors.append(f"{message.text} ({url})")

    def on_page(page: Page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda error: watch.console_errors.append(f"uncaught: {error}"))
        page.on("response", on_response)

    context.route("**/*", route)
    context.on("page", on_page)


@pytest.fixture
def new_page(
    browser: Browser, live_server: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Make pages in fresh contexts (``new_page(viewport=..., java_script_enabled=False)``)."""
    contexts: list[BrowserContext] = []
    watch = PageWatch()
    request.node.page_watch = watch

    def make(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(5_000)
        _watch(context, watch)
        context.portal_options = options  # type: ignore[attr-defined] # for assert_accessible
        context.portal_watch = watch  # type: ignore[attr-defined]
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    watch.check()  # anything that happened after the test body, or if the test failed anyway


PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def phone(new_page: Callable[..., Page]) -> Page:
    return new_page(**PHONE)


@pytest.fixture
def desktop(new_page: Callable[..., Page]) -> Page:
    return new_page(**DESKTOP)


@pytest.fixture
def no_js_phone(new_page: Callable[..., Page]) -> Page:
    return new_page(**PHONE, java_script_enabled=False)


# --- helpers for tests -------------------------------------------------------------------------


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would, and check we land on the role's home page."""
    page.goto(f"{base_url}/login")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.get_by_role("button", name="Sign in").click()
    enter_code_if_asked(page, base_url, email)
    expect(page).to_have_url(f"{base_url}{HOME_FOR[email]}")


def enter_code_if_asked(page: Page, base_url: str, email: str) -> None:
    """Staff type the code from their authenticator app (the demo's; README "Demo accounts")."""
    page.wait_for_load_state()
    if not page.url.startswith(f"{base_url}/login/code"):
        return
    page.get_by_label("Code").fill(current_code(email))
    page.locator("main form").get_by_role("button", name="Continue").click()


def current_code(email: str) -> str:
    """The code the demo app shows now. The portal takes each code once, and tests sign the same
    person in again within 30 seconds: the live database forgets the last one used first."""
    import pyotp

    from portal.models import SecondFactor, User

    with _LIVE["app"].app_context():
        factor = db.session.scalar(select(SecondFactor).join(User, User.id == SecondFactor.user_id)
                                   .filter(User.email == email))
        assert factor is not None, f"{email} has no authenticator app in the live database"
        factor.last_used_step = None
        db.session.commit()
        code = pyotp.TOTP(factor.secret).now()
        db.session.remove()
    return code


def assert_accessible(page: Page) -> None:
    """Run axe (WCAG 2.2 AA and below) on the page as it is now; fail listing every violation.

    axe is JavaScript: in a context with JavaScript off (``no_js_phone``) Playwright cannot run
    it (``page.evaluate`` waits for ever), so axe checks a copy of the page as it is now, in a
    context of the same size with JavaScript on but every script removed: the no-JavaScript page.
    """
    options = getattr(page.context, "portal_options", {})
    if options.get("java_script_enabled", True):
        settle(page)
        _run_axe(page, page.url)
        return
    copy = _copy_without_scripts(page, context_for_copies(page, options))
    try:
        _run_axe(copy, f"{page.url} (with JavaScript off)")
    finally:
        copy.context.close()


def _run_axe(page: Page, where: str) -> None:
    if violations := axe_violations(page):
        pytest.fail("\n".join([f"{len(violations)} accessibility violation(s) on {where}:", *violations]),
                    pytrace=False)


def axe_violations(page: Page) -> list[str]:
    """axe's violations on a page with JavaScript on, one line each (empty when there are none)."""
    # Only violations are reported: passes and other results are not gathered in detail (axe's
    # own default, which options given here would otherwise replace; it was a sixth of every check).
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    return [
        f"- {violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


def context_for_copies(page: Page, options: dict[str, Any]) -> BrowserContext:
    """A context (JavaScript on, for axe and measuring) for copies of ``page`` without its scripts."""
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(**{**options, "java_script_enabled": True})
    context.set_default_timeout(5_000)
    _watch(context, page.context.portal_watch)  # type: ignore[attr-defined]
    return context


def _copy_without_scripts(page: Page, context: BrowserContext) -> Page:
    """``page`` as it is now, without its scripts, in ``context`` (``context_for_copies``)."""
    html = page.content()  # the DOM as it is now (this works with JavaScript off)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"</?noscript>", "", html, flags=re.IGNORECASE)  # shown when JavaScript is off
    copy = context.new_page()
    url = page.url
    copy.route(
        lambda requested: requested == url,
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    copy.goto(url)
    return copy


def horizontal_overflow(page: Page, width: int = 320, height: int = 640) -> int:
    """How many CSS pixels the page is wider than a ``width`` viewport (0 is good).

    With JavaScript off the page cannot be measured directly, so a copy of it is, as in
    ``assert_accessible``.
    """
    options = getattr(page.context, "portal_options", {})
    if not options.get("java_script_enabled", True):
        copy = _copy_without_scripts(page, context_for_copies(page, options))
        try:
            return horizontal_overflow(copy, width, height)
        finally:
            copy.context.close()
    page.set_viewport_size({"width": width, "height": height})
    settle(page)
    return int(page.evaluate("document.documentElement.scrollWidth")) - width


def settle(page: Page) -> None:
    """Wait until the page has loaded and its layout has stopped changing.

    After a click, the new page's URL is there before its scripts have run. The NHS.UK header
    then moves menu items that do not fit into "More" (on load, and again a frame after a resize),
    so checking earlier would measure, or run axe on, a half-built header.
    """
    page.wait_for_load_state("load")
    page.evaluate("""async () => {
        const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
        const shape = () => {
            const items = document.querySelectorAll(".nhsuk-header__navigation-item");
            const places = Array.from(items, (item) => {
                const box = item.getBoundingClientRect();
                return `${box.left},${box.top},${box.width}`;
            });
            return `${document.documentElement.scrollWidth}|${places.join(";")}`;
        };
        let last = "", steady = 0;
        for (let i = 0; i < 120 && steady < 10; i++) {  // unchanged for 10 frames, about 160 ms
            await frame();
            const now = shape();
            steady = now === last ? steady + 1 : 0;
            last = now;
        }
    }""")


def focused(page: Page) -> str:
    """Describe the focused element: ``tag#id[name]`` plus its text, for readable assertions."""
    return str(
        page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return "body";
              const name = el.getAttribute("name");
              const text = (el.innerText || "").trim().slice(0, 40);
              return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + (name ? "[" + name + "]" : "") + (text ? " " + text : "");
            }"""
        )
    )
