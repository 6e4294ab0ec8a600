"""Browser tests: the real app in Debian's Chromium, driven by Playwright (GUIDE §9, layer 4).

One Streamlit server serves most tests; the cold deep-link test starts its own, so that the link
is the very first page that server ever renders. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

if shutil.which("chromium") is None:
    pytest.skip(
        "Debian's chromium is not installed (apt-get install -y chromium); browser tests skipped",
        allow_module_level=True,
    )
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from browser_support import (
    CHROMIUM,
    PLOTLY,
    ROOT,
    StreamlitServer,
    launch_chromium,
    wait_for_idle,
    wait_for_render,
)
from playwright.sync_api import Browser, Dialog, Page, expect

from tracker.build import build_demo

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
VIEWPORT = {"width": 1920, "height": 1080}
TIMEOUT_MS = 45_000
DEMO_BANNER = "Demodata – ikke ekte tall"
ALERT = '[data-testid="stAlert"]'
EXCEPTION = '[data-testid="stException"]'
SIDEBAR = '[data-testid="stSidebar"]'


class Tab:
    """A browser page that records every JavaScript dialog (none may ever open)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._on_dialog)
        page.set_default_timeout(TIMEOUT_MS)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, server: StreamlitServer, path: str, *, charts: int = 1) -> Page:
        self.page.goto(server.url(path), wait_until="domcontentloaded")
        wait_for_render(self.page, charts=charts)
        return self.page

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query, keep_blank_values=True)


@pytest.fixture(scope="module")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser-db") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-logs")


@pytest.fixture(scope="module")
def server(browser_db: Path, logs: Path) -> Iterator[StreamlitServer]:
    with StreamlitServer(browser_db, logs / "server.log") as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with launch_chromium(CHROMIUM) as (_playwright, browser):
        yield browser


@pytest.fixture()
def tab(chromium: Browser) -> Iterator[Tab]:
    context = chromium.new_context(viewport=VIEWPORT, locale="nb-NO")
    try:
        yield Tab(context.new_page())
    finally:
        context.close()


def assert_no_exception(page: Page, server: StreamlitServer) -> None:
    boxes = page.locator(EXCEPTION)
    if boxes.count():
        shown = "\n".join(boxes.all_inner_texts())
        log = server.log()[-3000:]
        pytest.fail(f"Python exception shown on {page.url}:\n{shown}\n--- server log ---\n{log}")


def alert_texts(page: Page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator(ALERT).all_inner_texts()]


PAGES = [
    ("overview", "/"),
    ("fylker", "/fylker"),
    ("kommuner", "/kommuner?fylke=46&peers=50"),
    ("sektorer", "/sektorer"),
]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_page_renders_charts_and_demo_banner(
    tab: Tab, server: StreamlitServer, name: str, path: str
) -> None:
    page = tab.open(server, path)

    assert urlsplit(page.url).path == urlsplit(path).path, f"{path} ended on {page.url}"
    charts = page.locator(PLOTLY)
    assert charts.count() >= 1, f"no Plotly chart on {page.url}"
    expect(charts.first).to_be_visible()
    assert any(DEMO_BANNER in text for text in alert_texts(page)), (
        f"demo banner missing on {page.url}; alerts: {alert_texts(page)}"
    )
    expect(page.locator("h1").first).to_be_visible()
    assert_no_exception(page, server)
    assert tab.dialogs == []

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000, f"screenshot {shot} looks empty"


@pytest.fixture()
def cold_server(browser_db: Path, logs: Path) -> Iterator[StreamlitServer]:
    with StreamlitServer(browser_db, logs / "cold-server.log") as running:
        yield running


def test_cold_deep_link_highlights_county(tab: Tab, cold_server: StreamlitServer) -> None:
    # The health check is the only request before this one; no page has run on this server yet.
    page = tab.open(cold_server, "/fylker?fylke=46", charts=2)

    assert urlsplit(page.url).path == "/fylker", page.url
    assert tab.query().get("fylke") == ["46"], page.url
    expect(page.locator("h1").first).to_have_text("Fylker")  # bokmål is the default language
    ranking = page.locator(PLOTLY).filter(has_text="Andel per fylke")
    expect(ranking.first).to_be_visible()
    highlight = page.locator(SIDEBAR).get_by_role("combobox", name="Fremhev fylke")
    expect(highlight).to_have_value("Vestland")
    summary = page.locator('[data-testid="stMarkdownContainer"] strong').filter(
        has_text=re.compile(r"^Vestland:")
    )
    expect(summary).to_have_count(1)
    assert any(DEMO_BANNER in text for text in alert_texts(page)), alert_texts(page)
    assert_no_exception(page, cold_server)


def test_sidebar_navigation_keeps_choices(tab: Tab, server: StreamlitServer) -> None:
    page = tab.open(server, "/?lang=en&measure=units")
    assert tab.query().get("lang") == ["en"], page.url

    page.locator(SIDEBAR).get_by_role("link", name="Counties", exact=True).click()
    page.wait_for_url(re.compile(r"/fylker(\?|$)"))
    wait_for_render(page, charts=1)

    query = tab.query()
    assert urlsplit(page.url).path == "/fylker", page.url
    assert query.get("lang") == ["en"], f"lang lost on navigation: {page.url}"
    assert query.get("measure") == ["units"], f"measure lost on navigation: {page.url}"
    expect(page.locator("h1").first).to_have_text("Counties")
    assert_no_exception(page, server)


@pytest.mark.parametrize(
    ("path", "param", "fallback"),
    [
        ("/fylker?fylke=<script>alert(1)</script>", "fylke", None),
        ("/?lang=%00%1b", "lang", ["nb"]),
    ],
    ids=["script-in-fylke", "control-chars-in-lang"],
)
def test_hostile_query_parameter_is_ignored_with_notice(
    tab: Tab, server: StreamlitServer, path: str, param: str, fallback: list[str] | None
) -> None:
    page = tab.open(server, path)
    # Give any injected script a moment to run before checking that none did.
    page.wait_for_timeout(500)

    assert_no_exception(page, server)
    assert tab.dialogs == [], f"a JavaScript dialog opened on {page.url}: {tab.dialogs}"
    notices = [text for text in alert_texts(page) if f"«{param}»" in text]
    assert notices, (
        f"no notice about the ignored «{param}» on {page.url}; alerts: {alert_texts(page)}"
    )
    # The bad value left the URL: the parameter is gone or holds its default.
    assert tab.query().get(param) == fallback, f"bad {param} value kept in the URL: {page.url}"
    assert page.locator("script", has_text="alert(1)").count() == 0
    # The page fell back to its defaults: bokmål, nothing highlighted.
    expect(page.locator(SIDEBAR).get_by_role("radio", name="Norsk bokmål")).to_be_checked()
    assert tab.query().get("lang") == ["nb"], page.url
    if param == "fylke":
        highlight = page.locator(SIDEBAR).get_by_role("combobox", name="Fremhev fylke")
        expect(highlight).to_have_value("(ingen)")


def test_language_switch_updates_url(tab: Tab, server: StreamlitServer) -> None:
    page = tab.open(server, "/")
    assert tab.query().get("lang") != ["en"], page.url

    page.locator(SIDEBAR).get_by_text("English", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"))
    wait_for_idle(page)

    expect(page.locator(SIDEBAR).get_by_role("radio", name="English")).to_be_checked()
    expect(page.get_by_text("Demo data – not real figures").first).to_be_visible()
    assert_no_exception(page, server)
